"""Meta's servers, stood in for by a local HTTP server speaking the Graph API's formats
(https://developers.facebook.com/docs/messenger-platform/reference/send-api): the Send API's
`{"recipient_id", "message_id"}` answer, `{"error": {"message", "type", "code",
"fbtrace_id"}}` refusals (code 613: the rate limit), files sent as form data with `filedata`
(https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets), and
files served as Meta's CDN serves them, under /cdn/. The only thing the Messenger and Instagram
tests mock."""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.tickets.fake_http import FakeHandler, FakeServer, without_code


@dataclass
class Sent:
    path: str
    access_token: str
    body: dict  # JSON, or the form's fields (each JSON value decoded)
    files: dict = field(default_factory=dict)  # name -> (file name, content type, bytes)


class FakeMeta(FakeServer):
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}  # path under /cdn/ -> content
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict, dict]] = []  # (status, body, headers) to give first
        self.down = False
        super().__init__()

    def texts(self) -> list[str]:
        """The texts of messages sent to customers privately (the Send API)."""
        return [
            without_code(s.body["message"]["text"])
            for s in self.sent
            if s.path.endswith("/me/messages") and "text" in s.body.get("message", {})
        ]

    def uploads(self) -> list[Sent]:
        """The files sent to customers (the Send API with `filedata`)."""
        return [s for s in self.sent if s.files]

    def public(self) -> list[Sent]:
        """What was posted in public: comments and answers to mentions."""
        return [s for s in self.sent if not s.path.endswith("/me/messages")]

    def rate_limit_next(self, retry_after: int) -> None:
        error = {
            "message": "(#613) Calls to this api have exceeded the rate limit.",
            "type": "OAuthException",
            "code": 613,
            "fbtrace_id": "AbCdEfGh123",
        }
        self.queued.append((400, {"error": error}, {"Retry-After": str(retry_after)}))

    def _handler(self):
        fake = self

        class Handler(FakeHandler):
            def do_POST(self) -> None:
                body, files = self._payload()
                url = urlsplit(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                fake.sent.append(Sent(url.path, token, body, files))
                if fake.down:
                    return self._reply(503, {"error": {"message": "Service unavailable"}})
                if fake.queued:
                    return self._reply(*fake.queued.pop(0))
                recipient = body.get("recipient", {}).get("id", "")
                answer = {"recipient_id": recipient, "message_id": f"m_sent_{len(fake.sent)}"}
                self._reply(200, answer)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if fake.down:
                    return self._reply(503, {})
                if path not in fake.files:
                    return self._reply(404, {})
                fake.downloads.append(path)
                self._file(fake.files[path], "image/jpeg")

        return Handler
