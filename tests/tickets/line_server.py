"""LINE's servers, stood in for by a local HTTP server speaking the Messaging API's formats
(https://developers.line.biz/en/reference/messaging-api/): `{}` for an accepted reply or push
(`{"sentMessages": [...]}` for a push), `{"message": …}` refusals, 409 for a push whose
`X-Line-Retry-Key` was accepted already, and a message's file at
`/v2/bot/message/<id>/content`. The only thing the LINE tests mock."""

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERIFICATION_LINE = re.compile(r"\n\n[^\n]*[A-Z2-9]{4}-[A-Z2-9]{4}$")


def without_code(text: str) -> str:
    """An agent's words without the verification line our replies end with (checked apart)."""
    return VERIFICATION_LINE.sub("", text)


@dataclass
class Sent:
    path: str
    authorization: str
    retry_key: str
    body: dict


class FakeLine:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}  # message id -> content
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict, dict]] = []
        self.accepted_keys: set[str] = set()
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeLine":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
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
                content = fake.files[parts[4]]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler
