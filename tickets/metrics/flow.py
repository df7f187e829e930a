"""Ticket flow: volume, backlog, reopenings, first-contact resolution, sentiment
(docs/metrics.md). Each is one or a few aggregate queries, whatever the number of tickets."""

from datetime import UTC

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from tickets.metrics.base import (
    DONE_STATUSES,
    day_start,
    days,
    pct,
    resolved_at,
    ticket_filter,
    tickets_in,
)
from tickets.metrics.scope import Scope
from tickets.models import Event, Message, Status


def _reopened() -> Exists:
    return Exists(
        Event.objects.filter(
            ticket=OuterRef("pk"), field="status", before=Status.SOLVED, after=Status.OPEN
        )
    )


def first_contact_resolution(scope: Scope) -> dict:
    """Tickets solved in the period (still solved or closed) with exactly one public agent
    reply and never reopened, ÷ tickets solved in the period: {"rate", "count"}."""
    solved = tickets_in(scope).filter(
        status__in=DONE_STATUSES, solved_at__gte=scope.start, solved_at__lt=scope.end
    )
    counts = solved.annotate(
        replies=Count("messages", filter=Q(messages__kind=Message.Kind.REPLY)),
        reopened=_reopened(),
    ).aggregate(solved=Count("pk"), first_contact=Count("pk", filter=Q(replies=1, reopened=False)))
    return {"rate": pct(counts["first_contact"], counts["solved"]), "count": counts["solved"]}


def _status_events(scope: Scope):
    return Event.objects.filter(
        ticket_filter(scope, "ticket__"),
        ticket__merged_into__isnull=True,
        field="status",
        created_at__gte=scope.start,
        created_at__lt=scope.end,
    )


def reopen_rate(scope: Scope) -> dict:
    """Tickets reopened (a status event solved → open) in the period ÷ tickets solved (a
    status event → solved) in the period: {"rate", "reopened", "solved"}."""
    events = _status_events(scope)
    reopened = (
        events.filter(before=Status.SOLVED, after=Status.OPEN).values("ticket").distinct().count()
    )
    solved = events.filter(after=Status.SOLVED).values("ticket").distinct().count()
    return {"rate": pct(reopened, solved), "reopened": reopened, "solved": solved}


def _per_day(queryset, field: str) -> dict:
    rows = (
        queryset.annotate(day=TruncDate(field, tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def _created_and_resolved(scope: Scope, start=None) -> tuple[dict, dict]:
    start = start or scope.start
    tickets = tickets_in(scope)
    created = tickets.filter(created_at__gte=start, created_at__lt=scope.end)
    resolved = tickets.annotate(resolved=resolved_at()).filter(
        resolved__gte=start, resolved__lt=scope.end
    )
    return _per_day(created, "created_at"), _per_day(resolved, "resolved")


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
    its creation to its last solve (the ticket keeps only that solve's time)."""
    start = day_start(days(scope)[0])
    before = (
        tickets_in(scope)
        .annotate(resolved=resolved_at())
        .filter(created_at__lt=start)
        .filter(Q(resolved__isnull=True) | Q(resolved__gte=start))
        .count()
    )
    created, solved = _created_and_resolved(scope, start)
    points, running = [], before
    for day in days(scope):
        running += created.get(day, 0) - solved.get(day, 0)
        points.append({"day": day, "open": running})
    return points


def sentiment_trend(scope: Scope) -> list[dict]:
    """Per UTC day of creation: tickets opened ("messages": their opening customer messages)
    and the share flagged strongly negative by the text analysis (tickets keep the flag, not
    each message's score): [{"day", "negative_pct", "messages"}]."""
    tickets = tickets_in(scope).filter(created_at__gte=scope.start, created_at__lt=scope.end)
    rows = (
        tickets.annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"), negative=Count("pk", filter=Q(strongly_negative=True)))
    )
    found = {row["day"]: row for row in rows}
    points = []
    for day in days(scope):
        row = found.get(day, {"n": 0, "negative": 0})
        points.append(
            {"day": day, "negative_pct": pct(row["negative"], row["n"]), "messages": row["n"]}
        )
    return points
