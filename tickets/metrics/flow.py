"""Ticket flow: volume, backlog, reopenings, first-contact resolution, sentiment
(docs/metrics.md). Each adds the daily roll-ups of the period's counted days (tickets/metrics/
cube.py) to the same counts taken from the tickets for the other days."""

from dataclasses import replace
from datetime import UTC, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from tickets.metrics import cube
from tickets.metrics.base import (
    DONE_STATUSES,
    day_start,
    days,
    pct,
    resolved_on,
    ticket_filter,
    tickets_in,
)
from tickets.metrics.scope import Scope
from tickets.models import OPEN_STATUSES, Event, Message, Status


def _reopened() -> Exists:
    return Exists(
        Event.objects.filter(
            ticket=OuterRef("pk"), field="status", before=Status.SOLVED, after=Status.OPEN
        )
    )


def first_contact_resolution(scope: Scope) -> dict:
    """Tickets solved in the period (still solved or closed) with exactly one public agent
    reply and never reopened, ÷ tickets solved in the period: {"rate", "count"}."""
    days, raw = cube.split(scope)
    total = cube.sums(scope, days, "fcr_solved", "fcr_first_contact")
    solved, first = total["fcr_solved"], total["fcr_first_contact"]
    for part in raw:
        counts = _first_contact_counts(part)
        solved, first = solved + counts["solved"], first + counts["first_contact"]
    return {"rate": pct(first, solved), "count": solved}


def _first_contact_counts(scope: Scope) -> dict:
    solved = tickets_in(scope).filter(
        status__in=DONE_STATUSES, solved_at__gte=scope.start, solved_at__lt=scope.end
    )
    return solved.annotate(
        replies=Count("messages", filter=Q(messages__kind=Message.Kind.REPLY)),
        reopened=_reopened(),
    ).aggregate(solved=Count("pk"), first_contact=Count("pk", filter=Q(replies=1, reopened=False)))


def _status_events(scope: Scope):
    return Event.objects.filter(
        ticket_filter(scope, "ticket__"),
        ticket__merged_into__isnull=True,
        field="status",
        created_at__gte=scope.start,
        created_at__lt=scope.end,
    )


def reopen_rate(scope: Scope) -> dict:
    """Reopenings (status events solved → open) in the period ÷ solves (status events → solved)
    in the period: {"rate", "reopened", "solved"}. Events, not tickets: a ticket solved twice
    in the period counts twice, as its customer lived it."""
    days, raw = cube.split(scope)
    total = cube.sums(scope, days, "reopenings", "solves")
    reopened, solved = total["reopenings"], total["solves"]
    for part in raw:
        events = _status_events(part)
        reopened += events.filter(before=Status.SOLVED, after=Status.OPEN).count()
        solved += events.filter(after=Status.SOLVED).count()
    return {"rate": pct(reopened, solved), "reopened": reopened, "solved": solved}


def _per_day(queryset, field: str) -> dict:
    rows = (
        queryset.annotate(day=TruncDate(field, tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def _created_and_resolved(scope: Scope) -> tuple[dict, dict]:
    """Per UTC day: tickets created, and tickets whose last solve (else closing) was that day
    and that are solved or closed now."""
    days, raw = cube.split(scope)
    rows = cube.per_day(scope, days, "created", "resolved")
    created = {day: row["created"] for day, row in rows.items()}
    resolved = {day: row["resolved"] for day, row in rows.items()}
    for part in raw:
        tickets = tickets_in(part)
        made = tickets.filter(created_at__gte=part.start, created_at__lt=part.end)
        # Solved or closed now, by COALESCE(solved_at, closed_at): the expression its index has.
        done = (
            tickets.filter(status__in=DONE_STATUSES)
            .alias(resolved=resolved_on())
            .filter(resolved__gte=part.start, resolved__lt=part.end)
        )
        for found, counts in (
            (created, _per_day(made, "created_at")),
            (resolved, _per_day(done, "resolved")),
        ):
            for day, n in counts.items():
                found[day] = found.get(day, 0) + n
    return created, resolved


def volume_trend(scope: Scope) -> list[dict]:
    """Per UTC day: tickets created, and tickets solved (or closed unsolved) that day and
    still solved or closed: [{"day", "created", "solved"}], every day of the period."""
    created, solved = _created_and_resolved(scope)
    return [
        {"day": day, "created": created.get(day, 0), "solved": solved.get(day, 0)}
        for day in days(scope)
    ]


def backlog_trend(scope: Scope) -> list[dict]:
    """Per UTC day: tickets open at the day's end (created by then, not yet solved or closed
    for the last time): [{"day", "open"}]. A ticket solved and reopened counts as open from
    its creation to its last solve (the ticket keeps only that solve's time).

    Counted backwards from the tickets open now: the backlog at a day's end is today's, plus
    the tickets resolved after that day, less those created after it."""
    period = days(scope)
    now = timezone.now()
    open_now = tickets_in(scope).filter(status__in=OPEN_STATUSES).count()
    created, resolved = {}, {}
    start = day_start(period[0])
    while start < now:  # a scope spans at most two years: count up to now in slices
        end = min(start + timedelta(days=700), now)
        made, done = _created_and_resolved(replace(scope, start=start, end=end))
        created |= made
        resolved |= done
        start = end
    after, points = 0, {}
    for day in sorted(set(period) | set(created) | set(resolved), reverse=True):
        points[day] = open_now + after  # resolved after the day, less created after it
        after += resolved.get(day, 0) - created.get(day, 0)
    return [{"day": day, "open": points[day]} for day in period]


def sentiment_trend(scope: Scope) -> list[dict]:
    """Per UTC day of creation: tickets opened ("messages": their opening customer messages)
    and the share flagged strongly negative by the text analysis (tickets keep the flag, not
    each message's score): [{"day", "negative_pct", "messages"}]."""
    days_counted, raw = cube.split(scope)
    found = {
        day: {"n": row["created"], "negative": row["negative"]}
        for day, row in cube.per_day(scope, days_counted, "created", "negative").items()
    }
    for part in raw:
        tickets = tickets_in(part).filter(created_at__gte=part.start, created_at__lt=part.end)
        rows = (
            tickets.annotate(day=TruncDate("created_at", tzinfo=UTC))
            .values("day")
            .annotate(n=Count("pk"), negative=Count("pk", filter=Q(strongly_negative=True)))
        )
        for row in rows:
            total = found.setdefault(row["day"], {"n": 0, "negative": 0})
            total["n"] += row["n"]
            total["negative"] += row["negative"]
    points = []
    for day in days(scope):
        row = found.get(day, {"n": 0, "negative": 0})
        points.append(
            {"day": day, "negative_pct": pct(row["negative"], row["n"]), "messages": row["n"]}
        )
    return points
