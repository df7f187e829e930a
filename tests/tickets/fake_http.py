"""What the stand-ins for the providers' HTTP APIs share (tests/tickets/*_server.py): a threaded
server on a free loopback port that a fixture starts and stops, a request handler's JSON
answers, form data and file downloads, and the verification line our replies end with."""

import json
import re
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

VERIFICATION_LINE = re.compile(r"\n\n[^\n]*[A-Z2-9]{4}-[A-Z2-9]{4}$")


def without_code(text: str) -> str:
    """An agent's words without the verification line our replies end with (checked apart)."""
    return VERIFICATION_LINE.sub("", text)


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


class FakeServer:
    """A provider's API on 127.0.0.1 at a port the system picks, serving the handler class that
    `_handler()` makes. A subclass sets its own state before calling this `__init__`."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class FakeHandler(BaseHTTPRequestHandler):
    """A request handler answering in JSON, quietly (no access log on the test's output)."""

    def log_message(self, *args) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self) -> dict:
        return json.loads(self._body() or b"{}")

    def _payload(self) -> tuple[dict, dict]:
        """The request's JSON body, or its form's fields and files (see `parse_form`)."""
        raw, kind = self._body(), self.headers.get("Content-Type", "")
        if kind.startswith("multipart/form-data"):
            return parse_form(kind, raw)
        return json.loads(raw or b"{}"), {}

    def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _file(self, content: bytes, content_type: str = "") -> None:
        """A file as a CDN serves it; no Content-Type when `content_type` is empty."""
        self.send_response(200)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
