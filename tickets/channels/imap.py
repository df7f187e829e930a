"""IMAP polling (docs/email.md, "IMAP"): every minute Celery beat queues one task per polled
mailbox; each task logs in, reads the messages it has not stored yet, hands each raw message to
the email channel (stored first, then parsed) and notes its UID before taking the next.

- UIDs, not flags, say what is new: a connection dropped mid-fetch loses at most the batch in
  flight, and the next poll fetches from the UID after the last one stored. A message is
  stored before its UID is noted, so a crash in between only fetches it again, and its
  Message-ID (or raw hash) makes the second delivery a no-op.
- A new UIDVALIDITY (the folder was rebuilt or moved to another server, or a first poll) makes
  every UID meaningless: we read the new folder's unread messages and those since the last
  poll (less a day), let dedupe drop those already stored, then go on from its highest UID.
- Stored messages are flagged \\Seen, so people looking at the mailbox see what was taken.
- One mailbox's failure is recorded on it and stops nothing else (a task per mailbox); two
  workers never poll one mailbox at once (tickets.mailboxes.mailbox_claimed).
"""

import logging
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.db import Error as DatabaseError
from imapclient import SEEN, IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from support.unavailable import Unavailable
from tickets.channels.email import email_receive
from tickets.mailbox_oauth import OAuthRefused, mailbox_access_token, mailbox_access_token_rejected
from tickets.mailboxes import (
    MailboxPasswordUnreadable,
    mailbox_claimed,
    mailbox_password,
    mailbox_poll_failed,
    mailbox_polled,
    mailbox_resynced,
    mailbox_uid_stored,
    raw_limit,
)
from tickets.models import Mailbox

logger = logging.getLogger(__name__)

FETCH_BATCH = 20  # messages per FETCH command
FETCH_BATCH_BYTES = 20 * 1024 * 1024  # and at most this much of them in memory at once
RUN_SECONDS = 50  # a poll stops taking new batches after this; the next minute's goes on
TIMEOUT_SECONDS = 30  # for connecting and for each answer of the server
RESYNC_OVERLAP = timedelta(days=1)


class FolderUnavailable(Exception):
    pass


def mailboxes_to_poll() -> list[int]:
    return list(Mailbox.objects.filter(enabled=True).exclude(host="").values_list("pk", flat=True))


def mailbox_poll(*, mailbox_id: int) -> int | None:
    """Read one mailbox's new messages; returns how many were handed to the email channel,
    None when another worker holds the mailbox (or it is not polled). A database error is
    raised (nothing could be recorded; the next minute retries); any other failure is
    recorded on the mailbox."""
    with mailbox_claimed(mailbox_id) as claimed:
        mailbox = Mailbox.objects.filter(pk=mailbox_id).first() if claimed else None
        if mailbox is None or not mailbox.polled:
            return None
        try:
            handled, problems = _poll(mailbox)
        except DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001 - each is recorded on the mailbox
            problem = _problem(error)
            if problem == Mailbox.Problem.IMAP and not isinstance(error, IMAPClientError):
                logger.exception("mailbox poll failed unexpectedly", extra={"mailbox": mailbox_id})
            mailbox_poll_failed(mailbox=mailbox, problem=problem, error=_detail(error, mailbox))
            return 0
        mailbox_polled(mailbox=mailbox, note="; ".join(problems))
        return handled


def _poll(mailbox: Mailbox) -> tuple[int, list[str]]:
    deadline = time.monotonic() + RUN_SECONDS
    handled, problems = 0, []
    with imap_session(mailbox) as client:
        uidvalidity, uids, highest = _new_messages(client, mailbox)
        sizes = _sizes(client, uids)
        for batch in _batches(uids, sizes):
            if time.monotonic() > deadline:
                return handled, problems  # a resync not finished is started again
            handled += _store_batch(client, mailbox, batch, sizes, problems)
        if uidvalidity != mailbox.uidvalidity:
            mailbox_resynced(
                mailbox=mailbox, uidvalidity=uidvalidity, last_uid=max([highest, *uids])
            )
    return handled, problems


@contextmanager
def imap_session(mailbox: Mailbox) -> Iterator[IMAPClient]:
    """A logged-in connection to the mailbox's server (TLS or STARTTLS, certificates
    verified; a password, or an OAuth2 access token by XOAUTH2); logged out when the block
    ends."""
    oauth = mailbox.auth == Mailbox.Auth.OAUTH2
    # Before connecting: a lost key or a refused refresh token needs no server.
    secret = mailbox_access_token(mailbox) if oauth else mailbox_password(mailbox)
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.host,
        port=mailbox.port,
        ssl=mailbox.security == Mailbox.Security.TLS,
        ssl_context=context,
        timeout=TIMEOUT_SECONDS,
    )
    try:
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(context)
        _login(client, mailbox, secret, oauth=oauth)
        yield client
    finally:
        with suppress(Exception):
            client.logout()


def _login(client: IMAPClient, mailbox: Mailbox, secret: str, *, oauth: bool) -> None:
    if not oauth:
        client.login(mailbox.username, secret)
        return
    try:
        client.oauth2_login(mailbox.username, secret)
    except LoginError:
        mailbox_access_token_rejected(mailbox)  # revoked early: the next login renews it
        raise


def _new_messages(client: IMAPClient, mailbox: Mailbox) -> tuple[int, list[int], int]:
    """(UIDVALIDITY, the UIDs to fetch in order, the highest UID the folder had)."""
    try:
        state = client.select_folder(mailbox.folder)
    except IMAPClientError as error:
        raise FolderUnavailable(str(error)) from error
    uidvalidity = int(state[b"UIDVALIDITY"])
    if uidvalidity == mailbox.uidvalidity:
        after = mailbox.last_uid  # "n:*" answers the highest UID even when it is below n
        uids = [uid for uid in client.search(["UID", f"{after + 1}:*"]) if uid > after]
        return uidvalidity, uids, 0
    uids = set(client.search(["UNSEEN"]))
    last_read = mailbox.failing_since or mailbox.last_polled_at
    if mailbox.uidvalidity is not None and last_read is not None:
        uids |= set(client.search(["SINCE", (last_read - RESYNC_OVERLAP).date()]))
    highest = int(state.get(b"UIDNEXT", 1)) - 1
    return uidvalidity, sorted(uids), highest


def _sizes(client: IMAPClient, uids: list[int]) -> dict[int, int]:
    if not uids:
        return {}
    answer = client.fetch(uids, ["RFC822.SIZE"])
    return {uid: int(data.get(b"RFC822.SIZE", 0)) for uid, data in answer.items()}


def _batches(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    batch, weight = [], 0
    for uid in uids:
        size = min(sizes.get(uid, 0), raw_limit())
        if batch and (len(batch) >= FETCH_BATCH or weight + size > FETCH_BATCH_BYTES):
            yield batch
            batch, weight = [], 0
        batch.append(uid)
        weight += size
    if batch:
        yield batch


def _store_batch(
    client: IMAPClient, mailbox: Mailbox, batch: list[int], sizes: dict, problems: list[str]
) -> int:
    raws = _fetch(client, batch, sizes)
    handled = 0
    for uid in batch:
        raw = raws.get(uid)
        if raw is not None:  # None: deleted since the search
            handled += _store_one(mailbox, uid, raw, problems)
        mailbox_uid_stored(mailbox=mailbox, uid=uid)
    with suppress(IMAPClientError):  # a read-only folder: the UIDs still say what was taken
        client.add_flags(batch, [SEEN], silent=True)
    return handled


def _fetch(client: IMAPClient, batch: list[int], sizes: dict) -> dict[int, bytes]:
    limit = raw_limit()
    whole = [uid for uid in batch if sizes.get(uid, 0) <= limit]
    raws = {}
    if whole:
        for uid, data in client.fetch(whole, ["BODY.PEEK[]"]).items():
            raws[uid] = data.get(b"BODY[]")
    for uid in sorted(set(batch) - set(whole)):
        for found, data in client.fetch([uid], [f"BODY.PEEK[]<0.{limit}>"]).items():
            raws[found] = data.get(b"BODY[]<0>")
    return {uid: bytes(raw) for uid, raw in raws.items() if raw is not None}


def _store_one(mailbox: Mailbox, uid: int, raw: bytes, problems: list[str]) -> int:
    """Hand one message to the email channel; a fault of ours in processing it is noted and
    the poll goes on (the raw message is stored first, to be replayed once fixed)."""
    try:
        email_receive(raw=raw, mailbox=mailbox)
    except (DatabaseError, Unavailable):
        raise  # ours is out: the poll stops here and takes this message again next time
    except Exception as error:  # noqa: BLE001 - one message never blocks the mailbox
        logger.exception("mailbox message not processed", extra={"mailbox": mailbox.pk})
        problems.append(f"UID {uid}: {type(error).__name__}")
        return 0
    return 1


def _problem(error: Exception) -> str:
    kinds = [
        (MailboxPasswordUnreadable, Mailbox.Problem.PASSWORD_KEY),
        (OAuthRefused, Mailbox.Problem.OAUTH),
        (LoginError, Mailbox.Problem.LOGIN),
        (FolderUnavailable, Mailbox.Problem.FOLDER),
        (ssl.SSLError, Mailbox.Problem.TLS),
        (ssl.CertificateError, Mailbox.Problem.TLS),
        ((OSError, socket.timeout), Mailbox.Problem.CONNECT),
    ]
    return next((kind for types, kind in kinds if isinstance(error, types)), Mailbox.Problem.IMAP)


def _detail(error: Exception, mailbox: Mailbox) -> str:
    """The server's or the system's words, never the password (a server may echo it)."""
    text = f"{type(error).__name__}: {error}"
    with suppress(MailboxPasswordUnreadable):
        password = mailbox_password(mailbox)
        if password:
            text = text.replace(password, "[password]")
    return text
