"""A small real SMTP server for the fault tests, on a local port, in a thread.

It speaks enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and can misbehave
the way a mail relay does: turn connections away with 421 (down, or "try again later"), or
hold a message after its data arrived without answering (the sender is mid-send). A message
counts as accepted only once the server has answered it with 250.
"""

import select
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class SmtpServer:
    refuse: int = 0  # connections still to turn away with 421
    hold: int = 0  # messages still to hold after their data, until `release` is set
    accepted: list[EmailMessage] = field(default_factory=list)
    refused: int = 0
    abandoned: int = 0  # held messages whose sender went away before an answer
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _Session)
        self.server.smtp = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def subjects(self) -> list[str]:
        with self.lock:
            return [str(message["Subject"]) for message in self.accepted]

    def take_refusal(self) -> bool:
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return True
            return False

    def take_hold(self) -> bool:
        with self.lock:
            if self.hold > 0:
                self.hold -= 1
                return True
            return False


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    smtp: SmtpServer


class _Session(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        smtp: SmtpServer = self.server.smtp
        if smtp.take_refusal():
            self._say("421 4.3.2 Service not available, try again later")
            return
        self._say("220 localhost test SMTP")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            if verb in {"EHLO", "HELO"}:
                self._say("250 localhost")
            elif verb in {"MAIL", "RCPT", "RSET", "NOOP"}:
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                if not self._receive(smtp, self._read_data()):
                    return
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def _receive(self, smtp: SmtpServer, data: bytes) -> bool:
        if smtp.take_hold():
            smtp.held.set()
            if not self._wait_for_release(smtp):
                with smtp.lock:
                    smtp.abandoned += 1
                return False
        message = message_from_bytes(data, policy=policy.default)
        self._say("250 OK: queued")
        with smtp.lock:
            smtp.accepted.append(message)
        return True

    def _wait_for_release(self, smtp: SmtpServer) -> bool:
        """Hold the answer until released; False once the sender has gone (its process died)."""
        while not smtp.release.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return False
        return True

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()
