"""Raw inbound payloads (emails, webhook bodies): stored encrypted before they are parsed, read
only to parse or replay them, and emptied once their retention period (an admin-edited
`support.RetentionPeriod` row) is over. See docs/intake.md, "Raw copies".

A raw email holds whatever the customer wrote — a seed phrase included — before the redaction
gate has seen it, so it never sits in the database in clear: it is sealed with Fernet
(AES-128-CBC + HMAC-SHA256) under RAW_INBOUND_KEY, or, when that is unset, under a key derived
from SECRET_KEY (HKDF-SHA256). Rows written before encryption (`encrypted=False`) still read.
"""

import base64
import functools
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from support.data_rights.holds import held_customer_ids
from support.models import RetentionPeriod
from support.text import redact_customer_text
from tickets.models import Channel, RawInbound, Ticket

KDF_SALT = b"exchange-support/raw-inbound"
KDF_INFO = b"fernet-key-v1"
DEFAULT_RETENTION_DAYS = 30  # when an admin deleted the row: the shipped default
PURGE_BATCH = 500
# URL-safe base64: no quote, no backslash. Tested by deleting these bytes (a fourth of a
# regular expression's time over an 80 KB token).
TOKEN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_=-"


class RawPayloadUnavailable(Exception):
    """The payload cannot be read any more; the message is for the admin who asked."""


class RawPayloadPurged(RawPayloadUnavailable):
    def __init__(self, stored: RawInbound) -> None:
        super().__init__(
            _(
                "The raw payload %(key)s was purged on %(date)s, at the end of its retention "
                "period: it cannot be replayed."
            )
            % {"key": stored.key, "date": stored.purged_at.date().isoformat()}
        )


class RawPayloadUndecryptable(RawPayloadUnavailable):
    def __init__(self, stored: RawInbound) -> None:
        super().__init__(
            _(
                "The raw payload %(key)s cannot be decrypted: the key it was sealed with is no "
                "longer configured (RAW_INBOUND_KEY, SECRET_KEY_FALLBACKS)."
            )
            % {"key": stored.key}
        )


# --- Keys --------------------------------------------------------------------------------------


def derive_key(secret: str) -> bytes:
    """A Fernet key from any secret string: HKDF-SHA256 with a fixed salt and context, so the
    same secret always gives the same key and no other use of the secret shares it."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=KDF_SALT, info=KDF_INFO)
    return base64.urlsafe_b64encode(kdf.derive(secret.encode()))


def _secrets() -> tuple[str, ...]:
    """The configured secrets, the one that seals first; SECRET_KEY and its fallbacks last,
    so rows sealed before RAW_INBOUND_KEY was set (or before a SECRET_KEY rotation) still read."""
    explicit = tuple(settings.RAW_INBOUND_KEY)
    derived = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return tuple(dict.fromkeys(explicit + tuple(str(secret) for secret in derived)))


@functools.lru_cache(maxsize=4)
def _fernet(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(derive_key(secret)) for secret in secrets])


def raw_seal(payload: bytes) -> bytes:
    return _fernet(_secrets()).encrypt(bytes(payload))


def raw_payload(stored: RawInbound) -> bytes:
    """The payload in clear, to parse or replay it; raises RawPayloadUnavailable when it was
    purged or its key is gone."""
    if stored.purged_at is not None:
        raise RawPayloadPurged(stored)
    payload = bytes(stored.payload)
    if not stored.encrypted:
        return payload  # stored before encryption
    try:
        return _fernet(_secrets()).decrypt(payload)
    except InvalidToken as error:
        raise RawPayloadUndecryptable(stored) from error


# --- Storing -----------------------------------------------------------------------------------


def raw_inbound_store(
    *, channel: str, key: str, payload: bytes, wait_for_disk: bool = True
) -> RawInbound:
    """Store a payload sealed, once per (channel, key); a repeat returns the first row. A repeat
    of a purged, never-parsed payload stores it again, so it can still be parsed.

    `wait_for_disk=False`: the caller commits again, durably, before it tells the sender the
    payload is taken (email_receive processes it at once). This insert's commit then returns
    without waiting for the disk: PostgreSQL writes its log in order, so the caller's durable
    commit makes this one durable too, and a crash before it loses nothing the sender was
    told was taken (the sender delivers again). The row is committed, and visible to every
    other session, either way."""
    key = redact_customer_text(key, lang="en").text[:255]  # a Message-ID is customer text
    sealed = raw_seal(payload)
    new = raw_inbound_insert(channel=channel, key=key, sealed=sealed, wait_for_disk=wait_for_disk)
    if new is not None:
        return new
    stored = RawInbound.objects.get(channel=channel, key=key)
    if stored.purged_at is not None and stored.processed_at is None:
        RawInbound.objects.filter(pk=stored.pk).update(
            payload=sealed, encrypted=True, purged_at=None
        )
        stored.refresh_from_db()
    return stored


# Plain SQL, one statement committed on its own: every inbound email and webhook is stored this
# way, and the ORM's insert inside a transaction of its own cost several times the statement.
# The columns are the model's; those left out are NULL. `synchronous_commit` is set for this
# statement's own transaction only (set_config's third argument): "off" when the caller's later
# commit makes it durable (raw_inbound_store's `wait_for_disk`), else left as it is.
INSERT_RAW = """
    INSERT INTO tickets_rawinbound
        (channel, key, payload, received_at, process_after, error, encrypted, process_attempts)
    SELECT %s, %s, %s::bytea, %s, %s, '', true, 0
    FROM (
        SELECT set_config(
            'synchronous_commit', COALESCE(%s, current_setting('synchronous_commit')), true
        )
    ) AS commit_setting
    ON CONFLICT (channel, key) DO NOTHING
    RETURNING id
"""


def raw_inbound_insert(
    *,
    channel: str,
    key: str,
    sealed: bytes,
    wait_for_disk: bool = True,
    process_after: datetime | None = None,
) -> RawInbound | None:
    """Insert a sealed payload in one statement: the new row, or None when (channel, key) is
    stored already (a concurrent insert of it is waited for; nothing is raised, so a caller's
    transaction is not spoiled). `process_after`: when the sweep may take the row up if no
    worker has (the webhooks' drain)."""
    received_at = timezone.now()
    # Inside a caller's transaction the commit is the caller's: its setting is left alone.
    commit_setting = None if wait_for_disk or connection.in_atomic_block else "off"
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_RAW,
            [channel, key, _literal(sealed), received_at, process_after, commit_setting],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    return RawInbound(
        pk=found[0],
        channel=channel,
        key=key,
        payload=sealed,
        received_at=received_at,
        process_after=process_after,
        encrypted=True,
    )


def _literal(sealed: bytes) -> str | bytes:
    """A sealed payload as the statement carries it: a Fernet token is URL-safe base64, which
    bytea reads as written, so it is sent as text (half the bytes of the hex form; 0.2 ms less
    CPU an 80 KB email, most of it PostgreSQL's); anything else as bytes."""
    return sealed if sealed.translate(None, TOKEN_BYTES) else sealed.decode("ascii")


# --- Retention ---------------------------------------------------------------------------------


def retention_kind(channel: str) -> str:
    if channel == Channel.EMAIL:
        return RetentionPeriod.Kind.RAW_EMAIL
    return RetentionPeriod.Kind.RAW_WEBHOOK


def raw_inbound_purge(*, now: datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Empty the payloads older than their retention period, `batch` rows per statement;
    returns how many were purged. Safe to run twice: a purged row is never touched again."""
    now = now or timezone.now()
    days = dict(RetentionPeriod.objects.values_list("kind", "days"))
    purged = 0
    for channel in Channel.values:
        kept = days.get(retention_kind(channel), DEFAULT_RETENTION_DAYS)
        purged += _purge_channel(channel, before=now - timedelta(days=kept), now=now, batch=batch)
    return purged


def _purge_channel(channel: str, *, before: datetime, now: datetime, batch: int) -> int:
    due = (
        RawInbound.objects.filter(channel=channel, purged_at__isnull=True, received_at__lt=before)
        .exclude(ticket__customer_id__in=held_customer_ids())  # legal holds
        .order_by("pk")
    )
    purged = 0
    while ids := list(due.values_list("pk", flat=True)[:batch]):
        purged += RawInbound.objects.filter(pk__in=ids, purged_at__isnull=True).update(
            payload=b"", purged_at=now
        )
        if len(ids) < batch:
            break
    return purged


# --- Deployment check --------------------------------------------------------------------------


@register(Tags.security, deploy=True)
def check_raw_inbound_key(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """`manage.py check --deploy`: without RAW_INBOUND_KEY the raw payloads are sealed under a
    key derived from SECRET_KEY, and a new SECRET_KEY without the old one in
    SECRET_KEY_FALLBACKS leaves them unreadable (unreadable, not exposed)."""
    if settings.RAW_INBOUND_KEY or settings.DEBUG:
        return []
    return [
        CheckWarning(
            "RAW_INBOUND_KEY is not set: raw inbound emails are encrypted with a key derived "
            "from SECRET_KEY. Set RAW_INBOUND_KEY, or keep the old SECRET_KEY in "
            "SECRET_KEY_FALLBACKS when you rotate it, or stored raw emails cannot be replayed.",
            id="tickets.W001",
        )
    ]


def raw_email_download(*, ticket: Ticket, message_pk: int, by: AbstractBaseUser) -> bytes:
    """The decrypted original of one of the ticket's emails (Http404 for anything else), its
    download recorded on the ticket's history; raises RawPayloadUnavailable, nothing recorded,
    when it can no longer be read."""
    from tickets.selectors import raw_email_get_for_ticket
    from tickets.services import events_record

    payload = raw_payload(raw_email_get_for_ticket(ticket=ticket, message_pk=message_pk))
    with transaction.atomic():
        events_record(ticket=ticket, by=by, changes=[("raw_email_downloaded", "", message_pk)])
    return payload
