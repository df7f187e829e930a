"""X's servers, stood in for by a local HTTP server speaking the X API's formats
(https://docs.x.com/x-api): `{"data": {"dm_conversation_id", "dm_event_id"}}` for a direct
message, `{"data": {"id", "text"}}` for a post, `{"title": "Too Many Requests", "detail": …,
"status": 429}` with `x-rate-limit-reset`, a media upload (`POST /2/media/upload`, form data)
answered `{"data": {"id", "media_key", "size", "expires_after_secs", "image"}}`, and direct
messages' media under /1.1/ton/. The only thing the X tests mock."""

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.tickets.meta_server import parse_form

MEDIA_ID = "1880028106020515840"

VERIFICATION_LINE = re.compile(r"\n\n[^\n]*[A-Z2-9]{4}-[A-Z2-9]{4}$")


def without_code(text: str) -> str:
    """An agent's words without the verification line our replies end with (checked apart)."""
    return VERIFICATION_LINE.sub("", text)


@dataclass
class Sent:
    path: str
    authorization: str
    body: dict
    files: dict = field(default_factory=dict)  # name -> (file name, content type, bytes)


class FakeX:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict, dict]] = []
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeX":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw, kind = self.rfile.read(length), self.headers.get("Content-Type", "")
                files = {}
                if kind.startswith("multipart/form-data"):
                    body, files = parse_form(kind, raw)
                else:
                    body = json.loads(raw or b"{}")
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
                content = fake.files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
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
