"""B6 against the real websocket server: uvicorn, started as the launcher and the compose file
start it, refuses a 2 MB or a 50 MB frame with close 1009 before reading it, keeps its memory,
and goes on serving."""

import base64
import contextlib
import os
import re
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from websockets.sync.client import connect

from livechat.selectors import guest_token
from tests.livechat.conftest import start_guest_chat

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
MAX_SIZE = "65536"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


@pytest.fixture
def server():
    """uvicorn on the test database with the production websocket options."""
    port = free_port()
    url, _, query = os.environ["DATABASE_URL"].partition("?")
    database = django_settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"{url.rpartition('/')[0]}/{database}" + (f"?{query}" if query else ""),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log", "--ws-per-message-deflate", "false",
         "--ws-max-size", MAX_SIZE],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield process, port
    process.terminate()
    process.wait(timeout=10)


def test_the_launcher_and_the_compose_file_limit_frames():
    for path in ("config/services.py", "docker-compose.yml"):
        assert re.search(r'"--ws-max-size",\s*"65536"', (ROOT / path).read_text()), path


def send_huge_frame(port: int, path: str, length: int) -> int:
    """Open a websocket by hand, announce a text frame of `length` bytes, send its first 64
    KiB, and return the close code the server answers with. (Writing all 50 MB would race
    the server's close: the client's pending data can reset the connection before the close
    frame is read.)"""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        key = base64.b64encode(os.urandom(16)).decode()
        raw.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1\r\n\r\n".encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += raw.recv(4096)
        assert response.startswith(b"HTTP/1.1 101"), response
        mask = os.urandom(4)
        header = bytes([0x81, 0x80 | 127]) + struct.pack("!Q", length) + mask
        chunk = bytes(b ^ mask[i % 4] for i, b in enumerate(b"x" * 65536))
        with contextlib.suppress(OSError):  # the server may close before it has all of it
            raw.sendall(header + chunk)
        received = response.partition(b"\r\n\r\n")[2]
        while len(received) < 4:
            more = raw.recv(4096)
            if not more:
                break
            received += more
    assert received[0] == 0x88, received[:8]  # a close frame
    return struct.unpack("!H", received[2:4])[0]


@pytest.mark.parametrize("megabytes", [2, 50])
def test_a_huge_frame_is_closed_with_1009_and_memory_stays_flat(server, megabytes):
    process, port = server
    chat = start_guest_chat()
    path = f"/ws/chat/{chat.pk}/?token={guest_token(chat)}"
    url = f"ws://127.0.0.1:{port}{path}"
    origin = {"Origin": "http://127.0.0.1"}
    with connect(url, additional_headers=origin, open_timeout=10) as warm:
        warm.send('{"type": "ping"}')
        assert warm.recv(timeout=10) == '{"type": "pong"}'
    before = rss_kib(process.pid)

    assert send_huge_frame(port, path, megabytes * 1024 * 1024) == 1009

    assert rss_kib(process.pid) - before < 16 * 1024  # the frame was never held in memory
    with connect(url, additional_headers=origin, open_timeout=10) as after:
        after.send('{"type": "ping"}')
        assert after.recv(timeout=10) == '{"type": "pong"}'
