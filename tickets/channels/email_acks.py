"""At most EMAIL_ACKS_PER_HOUR acknowledgements per address and clock hour, counted from the
outbox: the durable record of what was written, which holds with Redis down too.

Intake asks Redis first (tickets/channels/email_autoreply.py, `ack_allowed`) and marks the
message it will not acknowledge. The decision that counts is taken again when the
acknowledgement is written (`email_ack_due`, by the worker or by the sweep that runs a job the
broker lost): under the address's lock, from the outbox. So a storm that arrives while Redis is
down, when no acknowledgement is written yet, still gets no more than the cap, and a program's
mail never gets one from the sweep.
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from support.models import OutboxEmail
from tickets.models import Message, Ticket

ACK_KEY = "ack:"  # the acknowledgements' dedupe keys: "ack:<reference>"
LOCK_CLASS = 0x3A12  # the first key of the addresses' advisory locks (the second: a hash)


def hour_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def acks_written(address: str, *, since: datetime, leaving_out: str = "") -> int:
    """Acknowledgements to `address` written since `since` (an index on the address serves
    it: support migration 0005)."""
    written = OutboxEmail.objects.filter(
        to__iexact=address, dedupe_key__startswith=ACK_KEY, created_at__gte=since
    )
    return written.exclude(dedupe_key=leaving_out).count() if leaving_out else written.count()


def email_ack_due(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """Whether the email ticket `ticket` gets its acknowledgement. Call inside the transaction
    that writes it: the address's lock is held until it commits, so two workers cannot both
    write the last one the cap allows. A ticket refused for the cap says so on its message."""
    first = ticket.messages.order_by("pk").only("pk", "metadata").first()
    metadata = (first.metadata or {}) if first else {}
    if metadata.get("auto_reply") or metadata.get("acknowledgements_capped"):
        return False  # intake decided: a program's mail, or past the cap when it arrived
    address = ticket.customer.email
    _lock(address)
    key = f"{ACK_KEY}{ticket.reference}"  # a job run twice: its own acknowledgement not counted
    since = hour_start(now or timezone.now())
    if acks_written(address, since=since, leaving_out=key) < settings.EMAIL_ACKS_PER_HOUR:
        return True
    if first is not None:
        capped = {**metadata, "acknowledgements_capped": True}
        Message.objects.filter(pk=first.pk).update(metadata=capped)
    return False


def _lock(address: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [LOCK_CLASS, address.strip().lower()],
        )
