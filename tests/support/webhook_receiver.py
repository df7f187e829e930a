"""A real HTTP server on 127.0.0.1 that receives webhooks in a thread, as a customer's
integration would: it records each request and answers what the test set (a status, a
redirect, or no answer at all until the test ends)."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    status: int = 200
    location: str = ""
    hang: bool = False
    trickle: bool = False  # a header line every 0.2 s, never the end of the answer
    requests: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append(Received(self.path, dict(self.headers), body))
                if receiver.hang:
                    receiver.released.wait(timeout=30)  # until the test ends
                    return
                if receiver.trickle:
                    self._trickle()
                    return
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _trickle(self) -> None:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while not receiver.released.wait(timeout=0.2):
                    try:
                        self.wfile.write(b"X-Slow: yes\r\n")
                        self.wfile.flush()
                    except OSError:  # the sender gave up
                        return

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
