"""Telegram's servers, stood in for by a local HTTP server speaking the Bot API's formats
(https://core.telegram.org/bots/api): `{"ok": true, "result": …}` answers, `{"ok": false,
"error_code": 429, "parameters": {"retry_after": N}}` refusals, getFile's `file_path` and the
file download at `/file/bot<token>/<file_path>`, answerCallbackQuery's `true`, sendPhoto and
sendDocument with their file as multipart form data. The only thing the Telegram tests mock.
Also the updates they post (tests/data/telegram, written from the Bot API's documentation); the
fixtures are in tests/tickets/conftest.py."""

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import unquote

from tests.tickets.fake_http import FakeHandler, FakeServer

DATA = Path(__file__).resolve().parent.parent / "data" / "telegram"
TOKEN = "7000000001:AAEhBP0av28FKSnvDkA9X3kQyF0wEJm1uQs"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + b"\x01" * 100


def update(name: str, **changes) -> dict:
    """A recorded update of tests/data/telegram, with `changes` to its top level."""
    data = json.loads((DATA / name).read_text())
    data.update(changes)
    return data


@dataclass
class Call:
    token: str
    method: str
    data: dict
    files: dict = field(default_factory=dict)


class FakeTelegram(FakeServer):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}  # file_id -> content
        self.downloads: list[str] = []
        self.queued: list[tuple[int, dict]] = []  # answers to give before the normal ones
        self.down = False
        self._message_id = 1000
        super().__init__()

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def texts_to(self, chat_id: int) -> list[str]:
        """The texts sent to one chat, in order."""
        return [c.data["text"] for c in self.sent() if int(c.data["chat_id"]) == chat_id]

    def refuse_next(self, retry_after: int) -> None:
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
        self.queued.append((429, body))

    def answer(self, method: str, data: dict) -> tuple[int, dict]:
        if method == "getFile":
            file_id = data.get("file_id", "")
            if file_id not in self.files:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request"}
            path = f"documents/file_{len(self.downloads)}_{file_id[-6:]}"
            self._paths[path] = file_id
            size = len(self.files[file_id])
            result = {"file_id": file_id, "file_unique_id": "u" + file_id[-6:]}
            return 200, {"ok": True, "result": {**result, "file_size": size, "file_path": path}}
        if method in ("sendMessage", "sendDocument", "sendPhoto"):
            self._message_id += 1
            chat = {"id": int(data.get("chat_id", 0)), "type": "private"}
            result = {"message_id": self._message_id, "date": 1796601700, "chat": chat}
            return 200, {"ok": True, "result": {**result, "text": data.get("text", "")}}
        if method == "answerCallbackQuery":
            if not data.get("callback_query_id"):
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request"}
            return 200, {"ok": True, "result": True}
        if method == "setWebhook":
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    _paths: dict[str, str] = {}

    def _handler(self):
        fake = self
        fake._paths = {}

        class Handler(FakeHandler):
            def do_POST(self) -> None:
                body = self._body()
                token, _slash, method = self.path.removeprefix("/bot").partition("/")
                data, files = self._parse(body)
                fake.calls.append(Call(token, method, data, files))
                if fake.down:
                    return self._reply(502, {"ok": False, "description": "Bad Gateway"})
                if fake.queued:
                    return self._reply(*fake.queued.pop(0))
                self._reply(*fake.answer(method, data))

            def do_GET(self) -> None:
                if fake.down:
                    return self._reply(502, {"ok": False})
                path = unquote(self.path.split("/", 3)[-1])  # /file/bot<token>/<path>
                file_id = fake._paths.get(path)
                if not self.path.startswith("/file/bot") or file_id is None:
                    return self._reply(404, {"ok": False})
                fake.downloads.append(path)
                self._file(fake.files[file_id])

            def _parse(self, body: bytes) -> tuple[dict, dict]:
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json"):
                    return json.loads(body or b"{}"), {}
                if kind.startswith("multipart/form-data"):
                    head = f"Content-Type: {kind}\r\n\r\n".encode()
                    data, files = {}, {}
                    for part in BytesParser(policy=HTTP).parsebytes(head + body).iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        content = part.get_payload(decode=True)
                        if part.get_filename():
                            files[name] = (part.get_filename(), content)
                        else:
                            data[name] = content.decode()
                    return data, files
                return {}, {}

        return Handler


def customer_texts(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return telegram.texts_to(chat_id)
