"""Kakao's bot API, stood in for by a local HTTP server speaking Open Builder's Event API format
(https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/event_api): `{"taskId",
"status": "SUCCESS", "message", "timestamp"}` answers; and Kakao's CDN serving customers'
photos under /dna/. The only thing the KakaoTalk tests mock."""

from dataclasses import dataclass

from tests.tickets.fake_http import FakeHandler, FakeServer, without_code


@dataclass
class Sent:
    path: str
    authorization: str
    body: dict


class FakeKakao(FakeServer):
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.queued: list[tuple[int, dict, dict]] = []
        self.files: dict[str, bytes] = {}  # path -> content (Kakao's CDN)
        self.downloads: list[str] = []
        self.down = False
        super().__init__()

    def texts(self) -> list[str]:
        return [without_code(s.body["event"]["data"]["text"]) for s in self.sent]

    def _handler(self):
        fake = self

        class Handler(FakeHandler):
            def do_POST(self) -> None:
                body = self._json()
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
                self._file(fake.files[path], "image/jpeg")

        return Handler
