"""A real IMAP server for the tests: pymap (pure Python, in-memory), started as a process of
its own on a free loopback port, and a relay in front of it that can drop the connection in
the middle of a fetch. Each test works in a folder of its own."""

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from imapclient import IMAPClient

PYMAP = Path(sys.executable).parent / "pymap"
USER, PASSWORD = "support@exchange.example", "imap-test-password"
MAIL = Path(__file__).resolve().parents[1] / "data" / "mail" / "zammad"


def sample(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ImapServer:
    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        command = [str(PYMAP), "--host", self.host, "--port", str(self.port), "dict"]
        command += ["--demo-user", USER, "--demo-password", PASSWORD]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"pymap exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail("pymap did not start listening")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    @contextmanager
    def client(self) -> Iterator[IMAPClient]:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        try:
            yield client
        finally:
            client.logout()

    def new_folder(self) -> str:
        folder = f"support-{uuid.uuid4().hex[:10]}"
        with self.client() as client:
            client.create_folder(folder)
        return folder

    def deliver(self, folder: str, *raws: bytes) -> None:
        with self.client() as client:
            for raw in raws:
                client.append(folder, raw)

    def rebuild(self, folder: str, *raws: bytes) -> None:
        """The folder deleted and made again (a server migration): a new UIDVALIDITY."""
        with self.client() as client:
            client.delete_folder(folder)
            client.create_folder(folder)
        self.deliver(folder, *raws)

    def unseen(self, folder: str) -> list[int]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return client.search(["UNSEEN"])


class DroppingRelay:
    """A TCP relay to the server that, once the client has sent its `cut_at`-th command
    fetching a whole message, passes a few bytes of the answer and then closes both ends."""

    FETCH_WHOLE = b"BODY.PEEK[]"

    def __init__(self, server: ImapServer, *, cut_at: int) -> None:
        self.server, self.cut_at = server, cut_at
        self.fetches = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                near, _address = self.listener.accept()
            except OSError:
                return
            far = socket.create_connection((self.server.host, self.server.port))
            cutting = threading.Event()
            for relay in (self._upstream, self._downstream):
                threading.Thread(target=relay, args=(near, far, cutting), daemon=True).start()

    def _upstream(self, near: socket.socket, far: socket.socket, cutting: threading.Event) -> None:
        while data := _receive(near):
            self.fetches += data.count(self.FETCH_WHOLE)
            if self.fetches >= self.cut_at:
                cutting.set()
            if not _send(far, data):
                return

    def _downstream(
        self, near: socket.socket, far: socket.socket, cutting: threading.Event
    ) -> None:
        while data := _receive(far):
            if cutting.is_set():
                _send(near, data[:40])  # the start of the answer, then the line goes dead
                for end in (near, far):
                    end.close()
                return
            if not _send(near, data):
                return

    def close(self) -> None:
        self.listener.close()


def _receive(end: socket.socket) -> bytes:
    try:
        return end.recv(65536)
    except OSError:
        return b""


def _send(end: socket.socket, data: bytes) -> bool:
    try:
        end.sendall(data)
    except OSError:
        return False
    return True
