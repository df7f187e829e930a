"""Meta's servers, stood in for by a local HTTP server speaking the Graph API's formats
(https://developers.facebook.com/docs/messenger-platform/reference/send-api): the Send API's
`{"recipient_id", "message_id"}` answer, `{"error": {"message", "type", "code",
"fbtrace_id"}}` refusals (code 613: the rate limit), files sent as form data with `filedata`
(https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets), and
files served as Meta's CDN serves them, under /cdn/. The only thing the Messenger and Instagram
tests mock."""

import json
import re
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

VERIFICATION_LINE = re.compile(r"\n\n[^\n]*[A-Z2-9]{4}-[A-Z2-9]{4}$")


def without_code(text: str) -> str:
    """An agent's words without the verification line our replies end with (checked apart)."""
    return VERIFICATION_LINE.sub("", text)


@dataclass
class Sent:
    path: str
    access_token: str
    body: dict  # JSON, or the form's fields (each JSON value decoded)
    files: dict = field(default_factory=dict)  # name -> (file name, content type, bytes)


def parse_form(content_type: str, raw: bytes) -> tuple[dict, dict]:
    """A multipart/form-data body: its fields (JSON values decoded) and its files."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    fields, files = {}, {}
    for part in BytesParser(policy=HTTP).parsebytes(head + raw).iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        if part.get_filename():
            files[name] = (part.get_filename(), part.get_content_type(), content)
            continue
        try:
            fields[name] = json.loads(content)
        except ValueError:
            fields[name] = content.decode()
    return fields, files


class FakeMeta:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}  # path under /cdn/ -> content
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict, dict]] = []  # (status, body, headers) to give first
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeMeta":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                kind = self.headers.get("Content-Type", "")
                files = {}
                if kind.startswith("multipart/form-data"):
                    body, files = parse_form(kind, raw)
                else:
                    body = json.loads(raw or b"{}")
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
                content = fake.files[path]
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
