"""LINE's servers, stood in for by a local HTTP server speaking the Messaging API's formats
(https://developers.line.biz/en/reference/messaging-api/): `{}` for an accepted reply or push
(`{"sentMessages": [...]}` for a push), `{"message": …}` refusals, 409 for a push whose
`X-Line-Retry-Key` was accepted already, and a message's file at
`/v2/bot/message/<id>/content`. The only thing the LINE tests mock."""

from dataclasses import dataclass

from tests.tickets.fake_http import FakeHandler, FakeServer, without_code


@dataclass
class Sent:
    path: str
    authorization: str
    retry_key: str
    body: dict


class FakeLine(FakeServer):
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}  # message id -> content
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict, dict]] = []
        self.accepted_keys: set[str] = set()
        self.down = False
        super().__init__()

    def texts(self) -> list[str]:
        return [
            without_code(message["text"])
            for sent in self.sent
            for message in sent.body["messages"]
            if message["type"] == "text"
        ]

    def images(self) -> list[dict]:
        """The image messages sent (LINE fetches their images from the addresses given)."""
        return [
            message
            for sent in self.sent
            for message in sent.body["messages"]
            if message["type"] == "image"
        ]

    def _handler(self):
        fake = self

        class Handler(FakeHandler):
            def do_POST(self) -> None:
                body = self._json()
                key = self.headers.get("X-Line-Retry-Key", "")
                sent = Sent(self.path, self.headers.get("Authorization", ""), key, body)
                if fake.down:
                    return self._reply(500, {"message": "Internal server error"})
                if fake.queued:
                    return self._reply(*fake.queued.pop(0))
                if key and key in fake.accepted_keys:
                    return self._reply(409, {"message": "The retry key is already accepted"})
                fake.accepted_keys.add(key)
                fake.sent.append(sent)
                if self.path == "/v2/bot/message/push":
                    return self._reply(200, {"sentMessages": [{"id": "461230966842064897"}]})
                self._reply(200, {})

            def do_GET(self) -> None:
                parts = self.path.split("/")  # /v2/bot/message/<id>/content
                if fake.down:
                    return self._reply(500, {"message": "Internal server error"})
                if len(parts) != 6 or parts[5] != "content" or parts[4] not in fake.files:
                    return self._reply(404, {"message": "Not found"})
                fake.downloads.append(parts[4])
                self._file(fake.files[parts[4]], "application/octet-stream")

        return Handler
