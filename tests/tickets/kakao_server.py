"""Kakao's bot API, stood in for by a local HTTP server speaking Open Builder's Event API format
(https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/event_api): `{"taskId",
"status": "SUCCESS", "message", "timestamp"}` answers; and Kakao's CDN serving customers'
photos under /dna/. The only thing the KakaoTalk tests mock."""

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
    body: dict


class FakeKakao:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.queued: list[tuple[int, dict, dict]] = []
        self.files: dict[str, bytes] = {}  # path -> content (Kakao's CDN)
        self.downloads: list[str] = []
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeKakao":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def texts(self) -> list[str]:
        return [without_code(s.body["event"]["data"]["text"]) for s in self.sent]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if fake.down:
                    return self._reply(503, {"status": "ERROR"})
                if fake.queued:
                    return self._reply(*fake.queued.pop(0))
                fake.sent.append(Sent(self.path, self.headers.get("Authorization", ""), body))
                answer = {"taskId": f"task-{len(fake.sent)}", "status": "SUCCESS"}
                self._reply(200, {**answer, "message": "", "timestamp": 1796601600000})

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
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
