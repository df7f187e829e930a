"""IMAP IDLE against the real IMAP server the IMAP tests start (pymap offers IDLE): a message
arriving is taken without waiting for beat's minute, IDLE is entered again before the server
would log an idle client out, a server without IDLE is polled instead, a dropped connection is
made again, and `manage.py email_idle` stops cleanly. A relay in front of the server counts
the commands, can hide IDLE from the server's capabilities, and can cut every connection."""

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import ensure_roles
from tests.faults.conftest import wait_for
from tests.tickets.imap_server import PASSWORD, USER, ImapServer
from tickets.channels.imap_idle import MailboxWatcher, Timing, idle_run
from tickets.mailboxes import mailbox_set_password
from tickets.models import Mailbox, Ticket

ROOT = Path(__file__).resolve().parents[2]
FAST = Timing(reidle=60, check=0.1, poll=0.3, backoff_first=0.1, backoff_max=0.5, refresh=0.5)
pytestmark = pytest.mark.django_db(transaction=True)  # watchers use connections of their own


class Relay:
    """A TCP relay to the IMAP server that counts what clients send, can hide IDLE from what
    the server offers, and can cut every connection at once."""

    def __init__(self, server: ImapServer, *, hide_idle: bool = False) -> None:
        self.server, self.hide_idle = server, hide_idle
        self.sent = b""
        self.connections = 0
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def commands(self, name: bytes) -> int:
        """How many times clients sent the command `name` (IDLE, LOGOUT, …)."""
        return sum(
            1 for line in self.sent.split(b"\r\n") if line.split(b" ")[1:2] == [name.upper()]
        )

    def cut(self) -> None:
        for end in self.sockets:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)  # the far end sees the connection end
            end.close()
        self.sockets.clear()

    def close(self) -> None:
        self.listener.close()
        self.cut()

    def _accept(self) -> None:
        while True:
            try:
                near, _address = self.listener.accept()
            except OSError:
                return
            far = socket.create_connection((self.server.host, self.server.port))
            self.connections += 1
            self.sockets += [near, far]
            threading.Thread(target=self._pipe, args=(near, far, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(far, near, False), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                if upstream:
                    self.sent += data
                elif self.hide_idle:
                    data = data.replace(b" IDLE", b"")
                target.sendall(data)
            except OSError:
                break
        for end in (source, target):
            end.close()


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    server = ImapServer()
    yield server
    server.stop()


def relayed_mailbox(relay: Relay, folder: str) -> Mailbox:
    mailbox = Mailbox.objects.create(
        address="idle@exchange.example",
        host="127.0.0.1",
        port=relay.port,
        security=Mailbox.Security.NONE,
        username=USER,
        folder=folder,
    )
    return mailbox_set_password(mailbox=mailbox, password=PASSWORD)


def customer_email(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = "trader@example.net"
    message["To"] = "idle@exchange.example"
    message["Subject"] = f"Deposit {number} missing"
    message["Message-ID"] = f"<idle-{number}@example.net>"
    message.set_content(f"My deposit number {number} has not arrived since this morning.")
    return message.as_bytes()


@pytest.fixture
def watching(imap_server):
    """Start a watcher on a new folder through a relay; stopped and joined afterwards."""
    started: list[tuple[MailboxWatcher, Relay]] = []

    def watch(*, hide_idle: bool = False, timing: Timing = FAST) -> tuple[MailboxWatcher, Relay]:
        ensure_roles()
        relay = Relay(imap_server, hide_idle=hide_idle)
        folder = imap_server.new_folder()
        watcher = MailboxWatcher(relayed_mailbox(relay, folder).pk, timing=timing)
        watcher.folder = folder
        watcher.start()
        started.append((watcher, relay))
        return watcher, relay

    yield watch
    for watcher, relay in started:
        watcher.stop()
        watcher.join(timeout=30)
        relay.close()


def test_a_message_arriving_is_taken_without_waiting_for_beat(imap_server, watching, policy):
    watcher, relay = watching()
    wait_for(lambda: relay.commands(b"IDLE") >= 1, what="the watcher in IDLE")

    imap_server.deliver(watcher.folder, customer_email(1))

    # No beat runs in this test: only the watcher's wake-up can have polled the mailbox.
    ticket = wait_for(lambda: Ticket.objects.filter(subject="Deposit 1 missing").first())
    assert ticket.customer.email == "trader@example.net"
    wait_for(lambda: imap_server.unseen(watcher.folder) == [], what="the message flagged")
    assert watcher.mode == "idle"


def test_idle_is_entered_again_before_the_server_would_end_it(watching, policy):
    watcher, relay = watching(timing=Timing(reidle=0.3, check=0.1))

    wait_for(lambda: relay.commands(b"IDLE") >= 3, what="three IDLE commands")

    assert relay.sent.count(b"DONE\r\n") >= 2  # each IDLE ended before the next
    assert relay.commands(b"EXAMINE") == 1  # all on the watcher's one connection


def test_a_server_without_idle_is_polled_instead(imap_server, watching, policy):
    watcher, relay = watching(hide_idle=True)
    wait_for(lambda: watcher.mode == "poll", what="the watcher polling")

    imap_server.deliver(watcher.folder, customer_email(2))

    wait_for(lambda: Ticket.objects.filter(subject="Deposit 2 missing").exists())
    assert relay.commands(b"IDLE") == 0


def test_a_cut_connection_is_made_again_and_mail_still_arrives(imap_server, watching, policy):
    watcher, relay = watching()
    wait_for(lambda: relay.commands(b"IDLE") >= 1, what="the watcher in IDLE")

    relay.cut()
    wait_for(lambda: relay.commands(b"IDLE") >= 2, what="the watcher in IDLE again")
    imap_server.deliver(watcher.folder, customer_email(3))

    wait_for(lambda: Ticket.objects.filter(subject="Deposit 3 missing").exists())
    assert relay.connections >= 2


def test_a_mailbox_disabled_in_the_admin_is_no_longer_watched(imap_server, policy):
    ensure_roles()
    relay = Relay(imap_server)
    mailbox = relayed_mailbox(relay, imap_server.new_folder())
    stop = threading.Event()
    running = threading.Thread(target=idle_run, kwargs={"stop": stop, "timing": FAST})
    running.start()
    try:
        wait_for(lambda: relay.commands(b"IDLE") >= 1, what="the mailbox watched")

        Mailbox.objects.filter(pk=mailbox.pk).update(enabled=False)

        # Every session ended, the watcher's (EXAMINE, IDLE) as the polls' (SELECT, FETCH).
        wait_for(
            lambda: relay.commands(b"LOGOUT") == relay.commands(b"LOGIN"), what="it logged out"
        )
    finally:
        stop.set()
        running.join(timeout=30)
        relay.close()
    assert not running.is_alive()


def test_the_command_takes_mail_and_stops_cleanly_on_sigterm(imap_server, policy):
    ensure_roles()
    relay = Relay(imap_server)
    folder = imap_server.new_folder()
    relayed_mailbox(relay, folder)
    url, _, query = os.environ["DATABASE_URL"].partition("?")
    database = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"{url.rpartition('/')[0]}/{database}" + (f"?{query}" if query else ""),
        "SECRET_KEY": settings.SECRET_KEY,
        "CELERY_TASK_ALWAYS_EAGER": "1",  # the poll runs in the command, standing in for a worker
    }
    command = [sys.executable, "manage.py", "email_idle"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: relay.commands(b"IDLE") >= 1, timeout=60, what="the command in IDLE")
        imap_server.deliver(folder, customer_email(4))
        wait_for(lambda: Ticket.objects.filter(subject="Deposit 4 missing").exists(), timeout=60)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, process.stderr.read().decode()[-2000:]
        assert relay.commands(b"LOGOUT") == relay.commands(b"LOGIN")  # every session ended
    finally:
        if process.poll() is None:
            process.kill()
        relay.close()
