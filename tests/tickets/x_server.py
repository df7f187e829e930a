"""X's servers, stood in for by a local HTTP server speaking the X API's formats
(https://docs.x.com/x-api): `{"data": {"dm_conversation_id", "dm_event_id"}}` for a direct
message, `{"data": {"id", "text"}}` for a post, `{"title": "Too Many Requests", "detail": …,
"status": 429}` with `x-rate-limit-reset`, a media upload (`POST /2/media/upload`, form data)
answered `{"data": {"id", "media_key", "size", "expires_after_secs", "image"}}`, and direct
messages' media under /1.1/ton/. The only thing the X tests mock."""

from dataclasses import dataclass, field

from tests.tickets.fake_http import FakeHandler, FakeServer, without_code

MEDIA_ID = "1880028106020515840"


@dataclass
class Sent:
    path: str
    authorization: str
    body: dict
    files: dict = field(default_factory=dict)  # name -> (file name, content type, bytes)


class FakeX(FakeServer):
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict, dict]] = []
        self.down = False
        super().__init__()

    def dms(self) -> list[str]:
        return [
            without_code(s.body["text"])
            for s in self.sent
            if s.path.startswith("/2/dm_conversations/") and "text" in s.body
        ]

    def uploads(self) -> list[Sent]:
        return [s for s in self.sent if s.path == "/2/media/upload"]

    def dm_media(self) -> list[str]:
        """The media ids of the direct messages that carried a file."""
        return [
            a["media_id"]
            for s in self.sent
            if s.path.startswith("/2/dm_conversations/")
            for a in s.body.get("attachments", [])
        ]

    def posts(self) -> list[Sent]:
        return [s for s in self.sent if s.path == "/2/tweets"]

    def _handler(self):
        fake = self

        class Handler(FakeHandler):
            def do_POST(self) -> None:
                body, files = self._payload()
                if fake.down:
                    return self._reply(503, {"title": "Service Unavailable", "status": 503})
                if fake.queued:
                    return self._reply(*fake.queued.pop(0))
                authorization = self.headers.get("Authorization", "")
                fake.sent.append(Sent(self.path, authorization, body, files))
                if self.path == "/2/media/upload":
                    size = len(files.get("media", ("", "", b""))[2])
                    image = {"image_type": body.get("media_type"), "w": 1, "h": 1}
                    data = {"id": MEDIA_ID, "media_key": f"3_{MEDIA_ID}", "size": size}
                    data |= {"expires_after_secs": 86400, "image": image}
                    return self._reply(200, {"data": data})
                if self.path == "/2/tweets":
                    return self._reply(201, {"data": {"id": "1865291003918179999", **body}})
                data = {"dm_conversation_id": "3001969357-4337869213", "dm_event_id": "1"}
                self._reply(201, {"data": data})

            def do_GET(self) -> None:
                if fake.down:
                    return self._reply(503, {})
                if self.path not in fake.files:
                    return self._reply(404, {})
                fake.downloads.append(self.path)
                self._file(fake.files[self.path], "image/jpeg")

        return Handler
