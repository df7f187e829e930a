"""Mailboxes (docs/email.md): their sealed passwords, the team and language they give the mail
that reaches them, the lock that keeps two workers from polling one mailbox at once, and the
record of each poll (tickets/channels/imap.py polls).

A password (and an OAuth2 mailbox's client secret and tokens, tickets/mailbox_oauth.py) is
sealed with Fernet under a key derived from the same secrets as the raw inbound emails
(RAW_INBOUND_KEY, else SECRET_KEY and its fallbacks) but for its own purpose, so the two never
share a key; it is read back only to log in.

Every email that reaches us without a mailbox named (the HTTP endpoint, a replay) asks which
mailbox its recipients name. The mailboxes are few and rarely change, so each process keeps
them in memory (support.process_copies), renewed from the model's signals: a mailbox added,
edited or deleted, in the admin or anywhere else, and a team deleted (which empties its
mailboxes' team without a signal of theirs), reach the very next email.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from support.locks import advisory_claimed
from support.models import Team
from support.process_copies import ProcessCopy
from support.roles import Role
from support.services import outbox_enqueue_email
from tickets.channels.email_headers import BLANK_LINE_RE
from tickets.intake import InboundMessage
from tickets.models import Mailbox
from tickets.raw_inbound import derive_key

logger = logging.getLogger(__name__)

KEY_PURPOSE = "mailbox-password:"  # keeps the password key apart from the raw-email key
LOCK_CLASS = 0x3A11  # the first key of the mailboxes' advisory locks (the second: the id)
RECIPIENT_HEADERS = ("delivered-to", "x-original-to", "to", "cc")  # most telling first
ALERT_AFTER = timedelta(minutes=10)  # a failure lasting this long is mailed to the admins
MAX_ERROR_CHARS = 2000
MAX_RECIPIENTS = 20  # a message addressed to hundreds: its first twenty are looked up
MAX_KEPT_MAILBOXES = 2000  # more than this, and each email asks PostgreSQL instead
VERSION_KEY = "tickets:mailboxes:version"


class MailboxPasswordUnreadable(Exception):
    """The sealing key of the stored password is no longer configured."""


# --- Password ----------------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    secrets = (
        *settings.RAW_INBOUND_KEY,
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", ()),
    )
    keys = [derive_key(KEY_PURPOSE + str(secret)) for secret in dict.fromkeys(secrets)]
    return MultiFernet([Fernet(key) for key in keys])


def mailbox_seal(secret: str) -> bytes:
    """A secret of a mailbox (its password, its OAuth2 tokens) sealed; "" gives b""."""
    return _fernet().encrypt(secret.encode()) if secret else b""


def mailbox_unseal(mailbox: Mailbox, sealed: bytes) -> str:
    """Raises MailboxPasswordUnreadable when its key is no longer configured."""
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(bytes(sealed)).decode()
    except InvalidToken as error:
        raise MailboxPasswordUnreadable(mailbox.address) from error


def mailbox_set_password(*, mailbox: Mailbox, password: str) -> Mailbox:
    """Store `password` sealed (an empty one removes it)."""
    sealed = mailbox_seal(password)
    Mailbox.objects.filter(pk=mailbox.pk).update(password_sealed=sealed)
    mailbox.password_sealed = sealed
    return mailbox


def mailbox_password(mailbox: Mailbox) -> str:
    return mailbox_unseal(mailbox, mailbox.password_sealed)


def raw_limit() -> int:
    """The most of one message the IMAP poll and the pipe read: the HTTP endpoint's limit.
    Beyond it a message is cut, so its text (which comes first) is kept and the attachments
    past the cut are not (docs/email.md)."""
    return settings.ATTACHMENT_MAX_BYTES * 3


# --- Which mailbox a message reached ----------------------------------------------------------


def mailbox_addressed(message: InboundMessage, mailbox: Mailbox | None) -> InboundMessage:
    """`message` with the team and default language of the mailbox it reached: the one polled
    or named to the pipe, else the first of ours among its recipients (mailbox_for_recipients)."""
    if mailbox is None:
        return message
    return replace(
        message,
        language_hint=message.language_hint or mailbox.language,
        team_id=mailbox.team_id,
        metadata={**message.metadata, "mailbox": mailbox.address},
    )


def mailbox_for_recipients(raw: bytes, *, parsed: Message | None = None) -> Mailbox | None:
    """The first of our mailboxes among the recipients of `raw` (shared object: do not change
    it), or None. `parsed`: `raw` as the email channel read it, whose headers are used instead
    of reading them again."""
    addresses = _recipients(raw, parsed)[:MAX_RECIPIENTS]
    if not addresses:
        return None
    kept = _mailboxes.get()
    if kept is None:  # too many to keep
        found = {box.address.lower(): box for box in _mailboxes_addressed(addresses)}
    else:
        found = kept
    return next((found[address] for address in addresses if address in found), None)


def _recipients(raw: bytes, parsed: Message | None) -> list[str]:
    headers = parsed if parsed is not None else _header_block(raw)
    # The values as written (not as a policy reads addresses: the standard library's modern
    # parser drops "Max Kohl | [example.com] <kohl@example.com>"), non-ASCII bytes as UTF-8.
    written = [(name.lower(), _text(value)) for name, value in headers.raw_items()]
    values = [value for wanted in RECIPIENT_HEADERS for name, value in written if name == wanted]
    addresses = [address.strip().lower() for _name, address in getaddresses(values)]
    return list(dict.fromkeys(address for address in addresses if "@" in address))


def _text(value: object) -> str:
    return str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _header_block(raw: bytes) -> Message:
    end = BLANK_LINE_RE.search(raw)  # the header block alone: the parser decodes all it is given
    head = raw[: end.end()] if end else raw
    return BytesParser(policy=policy.compat32).parsebytes(head, headersonly=True)


def _mailboxes_addressed(addresses: list[str]) -> list[Mailbox]:
    query = Q()
    for address in addresses:
        query |= Q(address__iexact=address)
    return list(Mailbox.objects.filter(query))


def _load_mailboxes() -> dict[str, Mailbox] | None:
    """Every mailbox by its address in lower case; None when there are too many to keep."""
    boxes = list(Mailbox.objects.order_by("pk")[: MAX_KEPT_MAILBOXES + 1])
    if len(boxes) > MAX_KEPT_MAILBOXES:
        return None
    return {box.address.lower(): box for box in boxes}


_mailboxes = ProcessCopy(key=VERSION_KEY, name="mailboxes", load=_load_mailboxes)


def mailboxes_changed() -> None:
    """Make every process read the mailboxes again (now, and once the change is committed)."""
    _mailboxes.changed()


def connect_receivers() -> None:
    """Mark the kept mailboxes stale on every change (connected by TicketsConfig.ready): the
    only receivers here, and they do nothing else."""
    post_save.connect(_changed, sender=Mailbox, dispatch_uid="mailboxes-saved")
    post_delete.connect(_changed, sender=Mailbox, dispatch_uid="mailboxes-deleted")
    post_delete.connect(_changed, sender=Team, dispatch_uid="mailboxes-team-deleted")


def _changed(**kwargs) -> None:
    mailboxes_changed()


def mailbox_named(address: str) -> Mailbox | None:
    return Mailbox.objects.filter(address__iexact=address.strip()).first()


# --- Polling: the lock and the record ---------------------------------------------------------


@contextmanager
def mailbox_claimed(mailbox_id: int) -> Iterator[bool]:
    """Whether this session holds the mailbox's poll lock, for the block's duration: a
    session-level advisory lock, which PostgreSQL releases if the worker dies."""
    with advisory_claimed(LOCK_CLASS, mailbox_id) as claimed:
        yield claimed


def mailbox_uid_stored(*, mailbox: Mailbox, uid: int) -> None:
    """The message `uid` is stored: a poll that stops now resumes after it."""
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
    mailbox.last_uid = uid


def mailbox_resynced(*, mailbox: Mailbox, uidvalidity: int, last_uid: int) -> None:
    """The folder's new state (a new UIDVALIDITY) is read up to `last_uid`."""
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=last_uid)
    mailbox.uidvalidity, mailbox.last_uid = uidvalidity, last_uid


def mailbox_polled(*, mailbox: Mailbox, note: str = "") -> None:
    """A poll that reached the server; `note` names the messages it could not process."""
    now = timezone.now()
    problem = Mailbox.Problem.MESSAGES if note else ""
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=now,
        last_problem=problem,
        last_error=note[:MAX_ERROR_CHARS],
        failing_since=None,
    )
    mailbox.last_polled_at, mailbox.last_problem = now, problem
    mailbox.last_error, mailbox.failing_since = note, None


def mailbox_poll_failed(*, mailbox: Mailbox, problem: str, error: str) -> None:
    """Record a poll that failed (`problem`: a Mailbox.Problem, `error`: the detail); once
    failing for ALERT_AFTER, each admin gets one email about it."""
    now = timezone.now()
    mailbox.failing_since = mailbox.failing_since or now
    mailbox.last_polled_at, mailbox.last_problem = now, problem
    mailbox.last_error = error[:MAX_ERROR_CHARS]
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=now,
        last_problem=problem,
        last_error=mailbox.last_error,
        failing_since=mailbox.failing_since,
    )
    logger.warning("mailbox poll failed", extra={"mailbox_id": mailbox.pk, "problem": problem})
    if now - mailbox.failing_since >= ALERT_AFTER:
        _alert_admins(mailbox, since=mailbox.failing_since)


def _alert_admins(mailbox: Mailbox, *, since: datetime) -> None:
    """One email per admin and failure (the dedupe key names when it began)."""
    admins = (
        get_user_model()
        .objects.filter(groups__name=Role.ADMIN, is_active=True)
        .exclude(email="")
        .select_related("agent_profile")
    )
    with transaction.atomic():
        for admin in admins:
            profile = getattr(admin, "agent_profile", None)
            outbox_enqueue_email(
                dedupe_key=f"mailbox:{mailbox.pk}:failing:{since.timestamp():.0f}:{admin.pk}",
                to=admin.email,
                template="tickets/emails/mailbox_failing",
                language=profile.preferred_language if profile else "en",
                context={
                    "mailbox": mailbox,
                    "since": since,
                    "error": mailbox.last_error,
                    "url": _admin_url(mailbox),
                },
            )


def _admin_url(mailbox: Mailbox) -> str:
    path = reverse("admin:tickets_mailbox_change", args=[mailbox.pk])
    return settings.SITE_URL.rstrip("/") + path
