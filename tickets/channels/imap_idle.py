"""IMAP IDLE (RFC 2177): mail in seconds instead of within beat's minute (docs/email.md, "IDLE").

`manage.py email_idle` runs one watcher thread per polled mailbox. A watcher holds a connection
to the mailbox's folder and waits in IDLE; when the server says a message arrived, it queues the
same poll beat queues every minute (`mailbox_poll_task`), which fetches by UID, stores and
processes as always. So the watcher itself reads no mail and needs nothing of intake, and a
message it wakes the poll for twice, or that beat's poll takes first, is taken once (the
mailbox's poll lock, and the UIDs recorded).

- It leaves IDLE and enters it again every 29 minutes: servers may log out a client idle for 30
  (RFC 2177), and the NAT boxes on the way forget a silent connection.
- A server that does not offer IDLE is polled by the watcher every POLL_SECONDS instead.
- A dropped connection, a refused login, a server away: the watcher connects again after 1 s,
  then 2, 4, … up to 5 minutes (with jitter), and once it waits in IDLE again it polls once for
  what arrived meanwhile. Beat's minutely poll goes on all along (and records the failures on
  the mailbox), so a watcher down loses no mail, it only stops bringing it early.
- The command re-reads the mailboxes every minute: a new mailbox gets a watcher, a disabled or
  deleted one loses it, one whose server, login or folder changed gets a new one.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import Error as DatabaseError
from django.db import connections
from imapclient import IMAPClient

from tickets.channels.imap import imap_session
from tickets.models import Mailbox

logger = logging.getLogger(__name__)
CLOSED_AFTER = 3  # empty answers in a row, each at once, that mean the connection is gone


@dataclass(frozen=True)
class Timing:
    reidle: float = 29 * 60  # seconds in one IDLE before it is entered again (RFC 2177)
    check: float = 5.0  # how often a waiting watcher looks whether it must stop
    poll: float = 60.0  # a server without IDLE is polled this often
    backoff_first: float = 1.0  # the first wait before connecting again; doubled each failure
    backoff_max: float = 300.0
    refresh: float = 60.0  # how often the command re-reads the mailboxes


def queue_poll(mailbox_id: int) -> None:
    """Have a worker poll the mailbox now (what beat does every minute)."""
    from tickets.tasks import MAILBOX_POLL_EXPIRES, mailbox_poll_task

    try:
        mailbox_poll_task.apply_async((mailbox_id,), expires=MAILBOX_POLL_EXPIRES)
    except Exception:  # noqa: BLE001 - the broker is away: beat's poll takes the mail later
        logger.warning("mailbox poll not queued", extra={"mailbox": mailbox_id})


class MailboxWatcher(threading.Thread):
    """Waits in IDLE on one mailbox and calls `wake(mailbox_id)` when mail arrives (and once
    each time it starts waiting, for what arrived while it was not)."""

    def __init__(
        self,
        mailbox_id: int,
        *,
        timing: Timing = Timing(),
        wake: Callable[[int], None] = queue_poll,
    ) -> None:
        super().__init__(name=f"imap-idle-{mailbox_id}", daemon=True)
        self.mailbox_id, self.timing, self.wake = mailbox_id, timing, wake
        self.stopping = threading.Event()
        self.mode = ""  # "idle" or "poll" once connected: what the server offers

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        failures = 0
        try:
            while not self.stopping.is_set():
                try:
                    self._watch()
                except Mailbox.DoesNotExist:
                    return  # deleted: the command stops watching it
                except Exception as error:  # noqa: BLE001 - connection, login, server, database
                    failures = 1 if self.mode else failures + 1
                    self.mode = ""
                    logger.warning(
                        "mailbox watcher reconnecting",
                        extra={"mailbox": self.mailbox_id, "error": type(error).__name__},
                    )
                    self.stopping.wait(self._backoff(failures))
        finally:
            connections.close_all()  # this thread's database connection

    def _backoff(self, failures: int) -> float:
        delay = min(self.timing.backoff_max, self.timing.backoff_first * 2 ** (failures - 1))
        return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret

    def _watch(self) -> None:
        mailbox = Mailbox.objects.get(pk=self.mailbox_id)
        connections.close_all()  # no database connection held open while waiting
        with imap_session(mailbox) as client:
            if not client.has_capability("IDLE"):
                self.mode = "poll"
                while not self.stopping.is_set():
                    self.wake(self.mailbox_id)
                    self.stopping.wait(self.timing.poll)
                return
            client.select_folder(mailbox.folder, readonly=True)  # the poll flags on its own
            self.mode = "idle"
            self.wake(self.mailbox_id)
            while not self.stopping.is_set():
                if self._idle_once(client):
                    self.wake(self.mailbox_id)

    def _idle_once(self, client: IMAPClient) -> bool:
        """One IDLE of at most `timing.reidle` seconds; whether a message arrived. Raises
        ConnectionLost when the server closed the connection meanwhile."""
        client.idle()
        deadline = time.monotonic() + self.timing.reidle
        arrived, empty_at_once = False, 0
        while not arrived and not self.stopping.is_set():
            wait = min(self.timing.check, deadline - time.monotonic())
            if wait <= 0:
                break
            started = time.monotonic()
            responses = client.idle_check(timeout=wait)
            arrived = any(_announces_mail(response) for response in responses)
            # IMAPClient answers a closed connection with no responses, at once, every time;
            # a live one with no responses only after the whole wait.
            quick = not responses and time.monotonic() - started < wait / 2
            empty_at_once = empty_at_once + 1 if quick else 0
            if empty_at_once >= CLOSED_AFTER:
                raise ConnectionLost("the server closed the connection")
        client.idle_done()  # (after an error the connection is dropped, not ended politely)
        return arrived


class ConnectionLost(Exception):
    pass


def _announces_mail(response: tuple) -> bool:
    return len(response) >= 2 and response[1] in (b"EXISTS", b"RECENT")


def _watched() -> dict[int, tuple]:
    """The polled mailboxes, each with what makes a watcher's connection stale when changed
    (not an OAuth2 mailbox's tokens, which are renewed on their own)."""
    mailboxes = Mailbox.objects.filter(enabled=True).exclude(host="")
    return {box.pk: _connection_key(box) for box in mailboxes}


def _connection_key(box: Mailbox) -> tuple:
    where = (box.host, box.port, box.security, box.username, box.folder)
    how = (box.auth, bytes(box.password_sealed), box.oauth_provider, box.oauth_client_id)
    return (*where, *how, box.oauth_tenant, box.oauth_token_url)


def idle_run(*, stop: threading.Event, timing: Timing = Timing()) -> None:
    """Watch every polled mailbox until `stop` is set (`manage.py email_idle`)."""
    watchers: dict[int, tuple[tuple, MailboxWatcher]] = {}
    try:
        while not stop.is_set():
            try:
                wanted = _watched()
            except DatabaseError:
                logger.warning("mailboxes unreadable; watching the ones known", exc_info=True)
                wanted = {pk: key for pk, (key, _watcher) in watchers.items()}
            finally:
                connections.close_all()
            _reconcile(watchers, wanted, timing)
            stop.wait(timing.refresh)
    finally:
        for _key, watcher in watchers.values():
            watcher.stop()
        for _key, watcher in watchers.values():
            watcher.join(timeout=timing.check + 30)


def _reconcile(
    watchers: dict[int, tuple[tuple, MailboxWatcher]], wanted: dict[int, tuple], timing: Timing
) -> None:
    for mailbox_id, (key, watcher) in list(watchers.items()):
        if wanted.get(mailbox_id) != key or not watcher.is_alive():
            watcher.stop()
            del watchers[mailbox_id]
    for mailbox_id, key in wanted.items():
        if mailbox_id not in watchers:
            watcher = MailboxWatcher(mailbox_id, timing=timing)
            watcher.start()
            watchers[mailbox_id] = (key, watcher)
