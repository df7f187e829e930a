"""Roll-ups of the business-minute figures, counted once after the fact instead of on every
dashboard load (docs/metrics.md).

Business minutes depend on each ticket's calendar, so they are counted in Python; doing that for
every row of a 90-day period on each page load cannot scale. Instead `refresh()` (the Celery beat
runs it every minute) counts each row once and stores the result on it:
- a ticket's `first_response_minutes` once it has a first reply;
- its `resolution_minutes` for its last solve (`resolution_of` names the solve counted, so a
  ticket reopened and solved again is counted again);
- each public reply's `handle_minutes` and `cycle_started_at` (`counted` once done).

Each step reads only the rows still to count, on a partial index of exactly those rows, in
batches, and writes them in one statement. The figures read the stored numbers with SQL
aggregates; rows not counted yet are left out, and `freshness()` says up to when the figures
are complete.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from support.bulk import update_rows
from tickets import sla
from tickets.metrics.calendars import Calendars
from tickets.models import Message, Ticket

BATCH = 2_000
# A reply's handle time counts at most this many business minutes from the customer message it
# answers: beyond it the ticket was waiting in a queue, not being worked on.
HANDLE_CAP_MINUTES = 60

FIRST_RESPONSE_UNCOUNTED = Q(first_responded_at__isnull=False, first_response_minutes__isnull=True)
RESOLUTION_UNCOUNTED = Q(solved_at__isnull=False) & (
    Q(resolution_of__isnull=True) | ~Q(resolution_of=F("solved_at"))
)
REPLY_UNCOUNTED = Q(kind=Message.Kind.REPLY, counted=False)


def refresh(*, batch: int = BATCH) -> int:
    """Count up to `batch` rows of each kind still to count; returns how many were written (0:
    everything is counted)."""
    calendars = Calendars()
    return (
        _first_responses(batch, calendars)
        + _resolutions(batch, calendars)
        + _replies(batch, calendars)
    )


# freshness() reads at most this many rows still to count of each kind, the oldest first.
FRESHNESS_ROWS = 5_000


def freshness(now: datetime | None = None) -> datetime:
    """The moment up to which the roll-ups are complete: the earliest event still to count
    (a first reply, a solve, a reply), else now.

    Each kind's rows still to count are read in id order on their partial index, at most
    FRESHNESS_ROWS of them: `MIN(first_responded_at)` under the same condition let PostgreSQL
    walk the whole time index looking for a row still to count (2 s a page at 1 M tickets when
    none is). Ids follow time, so during a catch-up of more rows than that the answer is the
    earliest of the oldest ones, close to the true one."""
    now = now or timezone.now()
    pending = (
        (Ticket.objects.filter(FIRST_RESPONSE_UNCOUNTED), "first_responded_at"),
        (Ticket.objects.filter(RESOLUTION_UNCOUNTED), "solved_at"),
        (Message.objects.filter(REPLY_UNCOUNTED), "created_at"),
    )
    moments = [
        moment
        for rows, field in pending
        for moment in rows.order_by("id").values_list(field, flat=True)[:FRESHNESS_ROWS]
    ]
    return min(moments, default=now)


def _write(model, fields: tuple[str, ...], rows: list[tuple]) -> int:
    with transaction.atomic():
        return update_rows(model, fields, rows)


def _first_responses(batch: int, calendars: Calendars) -> int:
    rows = (
        Ticket.objects.filter(FIRST_RESPONSE_UNCOUNTED)
        .order_by("id")
        .values_list("id", "created_at", "first_responded_at", "sla_policy", "team")[:batch]
    )
    counted = [
        (pk, sla.business_minutes_between(start, end, calendars.of(policy, team)))
        for pk, start, end, policy, team in rows
    ]
    return _write(Ticket, ("first_response_minutes",), counted)


def _resolutions(batch: int, calendars: Calendars) -> int:
    """Business minutes from creation to the last solve, less those the ticket spent paused
    (pending, on hold, solved before a reopening: `sla_paused_minutes`), never below 0."""
    rows = (
        Ticket.objects.filter(RESOLUTION_UNCOUNTED)
        .order_by("id")
        .values_list("id", "created_at", "solved_at", "sla_paused_minutes", "sla_policy", "team")[
            :batch
        ]
    )
    counted = []
    for pk, start, solved, paused, policy, team in rows:
        minutes = sla.business_minutes_between(start, solved, calendars.of(policy, team))
        counted.append((pk, max(0, minutes - paused), solved))
    return _write(Ticket, ("resolution_minutes", "resolution_of"), counted)


def _replies(batch: int, calendars: Calendars) -> int:
    """For each reply: the customer message it answers (the latest since the previous reply)
    and the handle minutes from it, capped; and the start of the next-response cycle it closes
    (the first customer message after the previous reply, when there is one)."""
    previous = Message.objects.filter(
        ticket=OuterRef("ticket"), kind=Message.Kind.REPLY, id__lt=OuterRef("pk")
    ).order_by("-id")
    customer = Message.objects.filter(
        ticket=OuterRef("ticket"), kind=Message.Kind.CUSTOMER, id__lt=OuterRef("pk")
    )
    since_previous = customer.filter(id__gt=Coalesce(OuterRef("previous_reply"), Value(0)))
    rows = (
        Message.objects.filter(REPLY_UNCOUNTED)
        .order_by("id")
        .annotate(
            previous_reply=Subquery(previous.values("id")[:1]),
            answered_at=Subquery(since_previous.order_by("-id").values("created_at")[:1]),
            first_after=Subquery(since_previous.order_by("id").values("created_at")[:1]),
            sla_policy=F("ticket__sla_policy"),
            team=F("ticket__team"),
        )
        .values_list(
            "id", "created_at", "previous_reply", "answered_at", "first_after", "sla_policy", "team"
        )[:batch]
    )
    counted = []
    for pk, at, previous_reply, answered_at, first_after, policy, team in rows:
        minutes = None
        if answered_at is not None:
            counted_minutes = sla.business_minutes_between(
                answered_at, at, calendars.of(policy, team)
            )
            minutes = min(counted_minutes, HANDLE_CAP_MINUTES)
        cycle = first_after if previous_reply is not None else None
        counted.append((pk, True, minutes, cycle))
    return _write(Message, ("counted", "handle_minutes", "cycle_started_at"), counted)
