"""Times in business minutes: first response, resolution and handle time (docs/metrics.md).

Business minutes depend on each ticket's calendar (its SLA policy's, else its team's, else
24/7); tickets.metrics.rollups counts them once per row after the fact, and tickets.metrics.cube
keeps each day's histogram of them, so these figures add up stored numbers whatever the
period's size (medians and 90th percentiles exactly as PostgreSQL's percentile_cont computes
them). Rows not counted yet are left out (`cube.complete_to()` says up to when the figures are
complete).
"""

from collections import Counter
from collections.abc import Callable

from django.db.models import Count, F, Q, QuerySet, Sum

from tickets.metrics import cube
from tickets.metrics.base import DONE_STATUSES, ticket_filter, tickets_in
from tickets.metrics.scope import Scope
from tickets.models import Message


def _spread(scope: Scope, rolled_up: str, field: str, rows_of: Callable[[Scope], QuerySet]) -> dict:
    """{"median", "p90", "count"} of the minutes in the roll-ups' `rolled_up` histograms ("fr",
    "res") of the counted days and of `field` over `rows_of(part)` for the other days, minutes
    to one decimal: exactly PostgreSQL's percentile_cont over all of them, from one histogram."""
    days, raw = cube.split(scope)
    counts = Counter(cube.minutes_histogram(scope, days, rolled_up))
    for part in raw:
        found = rows_of(part).values(field).annotate(n=Count("pk")).order_by()
        for value, n in found.values_list(field, "n"):
            counts[value] += n
    return {
        "median": _one_decimal(percentile(counts, 0.5)),
        "p90": _one_decimal(percentile(counts, 0.9)),
        "count": sum(counts.values()),
    }


def percentile(counts: Counter, fraction: float) -> float | None:
    """percentile_cont over the values counted in `counts`: the value at position
    fraction × (n − 1) of the sorted values, interpolated between its two neighbours."""
    total = sum(counts.values())
    if not total:
        return None
    position = fraction * (total - 1)
    below, above = int(position), min(int(position) + 1, total - 1)
    low = high = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > below:
            low = value
        if seen > above:
            high = value
            break
    return low + (position - below) * (high - low)


def _one_decimal(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def first_response_times(scope: Scope) -> dict:
    """Business minutes from a ticket's creation to its first public agent reply, over the
    tickets first answered in the period: {"median", "p90", "count"}."""
    return _spread(
        scope,
        "fr",
        "first_response_minutes",
        lambda part: tickets_in(part).filter(
            first_responded_at__gte=part.start,
            first_responded_at__lt=part.end,
            first_response_minutes__isnull=False,
        ),
    )


def resolution_times(scope: Scope) -> dict:
    """Business minutes from creation to the last solve, less the business minutes the ticket
    spent pending, on hold or solved before a reopening (sla_paused_minutes), over the tickets
    solved in the period and still solved or closed: {"median", "p90", "count"}."""
    return _spread(
        scope,
        "res",
        "resolution_minutes",
        lambda part: tickets_in(part).filter(
            status__in=DONE_STATUSES,
            solved_at__gte=part.start,
            solved_at__lt=part.end,
            resolution_of=F("solved_at"),
        ),
    )


def handled_replies(scope: Scope) -> QuerySet[Message]:
    """The public agent replies of the period that answer a customer message, with their handle
    minutes (rollups: from the latest customer message since the previous reply, capped at 60).
    The scope's agent is the reply's author, not the ticket's assignee."""
    replies = Message.objects.filter(
        ticket_filter(scope, "ticket__", agent=False),
        ticket__merged_into__isnull=True,
        kind=Message.Kind.REPLY,
        created_at__gte=scope.start,
        created_at__lt=scope.end,
        handle_minutes__isnull=False,
    )
    if scope.agent is not None:
        replies = replies.filter(author=scope.agent)
    return replies


def average_handle_time(scope: Scope) -> dict:
    """{"minutes": mean handle minutes per reply or None, "count": replies}."""
    days, raw = cube.split(scope)
    total = cube.sums(scope, days, "handle_total", "handle_count")
    minutes, count = total["handle_total"], total["handle_count"]
    for part in raw:
        found = handled_replies(part).aggregate(minutes=Sum("handle_minutes"), count=Count("pk"))
        minutes, count = minutes + (found["minutes"] or 0), count + found["count"]
    return {"minutes": _one_decimal(minutes / count) if count else None, "count": count}


def handle_minutes_by_agent(scope: Scope, days: tuple = (), raw: list | None = None) -> dict:
    """{author: mean handle minutes} of the replies in scope: the AgentDay roll-ups of `days`
    plus `raw` scopes (default: the whole scope) counted from the replies."""
    rolled = cube.agent_sums(scope, days, "handle_total", "handle_count") if days else {}
    totals = {agent: [row["handle_total"], row["handle_count"]] for agent, row in rolled.items()}
    for part in [scope] if raw is None else raw:
        rows = (
            handled_replies(part)
            .filter(~Q(author=None))
            .values("author")
            .annotate(minutes=Sum("handle_minutes"), count=Count("pk"))
            .order_by()
        )
        for row in rows:
            total = totals.setdefault(row["author"], [0, 0])
            total[0] += row["minutes"] or 0
            total[1] += row["count"]
    return {
        agent: _one_decimal(minutes / count) if count else None
        for agent, (minutes, count) in totals.items()
    }
