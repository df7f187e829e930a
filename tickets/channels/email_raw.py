"""A raw email stored before anything reads it, and the pipe's way of having it read later.

The MTA's pipe (`manage.py email_pipe`) must answer fast and lose nothing: it only stores the
message (sealed, tickets/raw_inbound.py) with the mailbox it was delivered to, and queues
`email_process_task`. The row is the durable copy: if the broker is down, or a worker dies on
the message, the minutely sweep hands it to the workers again, and after MAX_ATTEMPTS takes it
is given up with a note on the row (replayed from the admin once fixed). Reading it twice
changes nothing: its key (the Message-ID, else the hash of the message) and the row's lock
make the second reading a no-op (tickets/channels/email.py).

This module imports nothing of the parsing or of intake, so the pipe does not load them.
"""

import hashlib
from contextlib import suppress
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from tickets.models import Channel, Mailbox, RawInbound, Ticket
from tickets.raw_inbound import raw_inbound_store

WAIT_FOR_WORKER = timedelta(minutes=2)  # before the sweep hands a queued email out again
MAX_ATTEMPTS = 5
SWEEP_BATCH = 500
GIVEN_UP = "not read after {attempts} attempts (each stopped its worker): replay it from here"


def email_key(raw: bytes) -> str:
    """What makes a second delivery of `raw` a no-op: its Message-ID, else its hash."""
    return _message_id(raw) or "sha256:" + hashlib.sha256(raw).hexdigest()


def _message_id(raw: bytes) -> str:
    """The Message-ID, read from the header block alone (no full parse before storing)."""
    head = raw[: raw.find(b"\n\n") if b"\n\n" in raw else 64 * 1024][: 256 * 1024]
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"message-id" and value.strip():
            return value.strip().decode("ascii", "replace")[:250]
    return ""


def email_store_for_worker(*, raw: bytes, mailbox: Mailbox | None) -> RawInbound:
    """Store `raw` to be read by a worker (the caller queues `email_process_task`). A second
    delivery returns the first row; one still waiting keeps its place."""
    stored = raw_inbound_store(channel=Channel.EMAIL, key=email_key(raw), payload=raw)
    if stored.processed_at is None and stored.process_after is None:
        stored.mailbox_id = stored.mailbox_id or (mailbox.pk if mailbox else None)
        stored.process_after = timezone.now() + WAIT_FOR_WORKER
        RawInbound.objects.filter(pk=stored.pk, processed_at__isnull=True).update(
            mailbox_id=stored.mailbox_id, process_after=stored.process_after
        )
    return stored


def email_stored_process(*, raw_id: int) -> Ticket | None:
    """A worker reads a stored email (the task's service): its ticket, None when it made none
    or was read already. A message whose readings keep stopping their worker is given up.
    Raises what tickets.channels.email.email_process raises for our storage being out."""
    from tickets.channels.email import TEMPORARY, email_process  # parsing: the worker's only

    with transaction.atomic():
        stored = (
            RawInbound.objects.select_for_update(of=("self",))
            .select_related("mailbox")
            .defer("payload")
            .filter(pk=raw_id, processed_at__isnull=True, purged_at__isnull=True, error="")
            .first()
        )
        if stored is None:
            return None
        if stored.process_attempts >= MAX_ATTEMPTS:
            stored.error = GIVEN_UP.format(attempts=stored.process_attempts)
            stored.save(update_fields=["error"])
            return None
        RawInbound.objects.filter(pk=raw_id).update(process_attempts=F("process_attempts") + 1)
    try:
        return email_process(raw_id=raw_id, mailbox=stored.mailbox)
    except TEMPORARY:
        with suppress(DatabaseError):  # our outage is no fault of the message: not counted
            RawInbound.objects.filter(pk=raw_id).update(process_attempts=F("process_attempts") - 1)
        raise


def emails_waiting_sweep(*, now: datetime | None = None) -> int:
    """Hand the emails the pipe stored and no worker read yet (the broker was down, a worker
    died) to the workers again; returns how many. Each one's turn moves ahead in the same
    transaction, so the next sweep does not hand it out twice while it waits in the queue."""
    from tickets.tasks import email_process_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            RawInbound.objects.filter(process_after__lte=now, processed_at__isnull=True)
            .filter(channel=Channel.EMAIL)  # webhook bodies: tickets/channels/webhooks.py
            .filter(error="", purged_at__isnull=True)  # failed ones wait for a replay
            .order_by("process_after")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        RawInbound.objects.filter(pk__in=due).update(process_after=now + WAIT_FOR_WORKER)
    for raw_id in due:
        email_process_task.delay(raw_id)
    return len(due)
