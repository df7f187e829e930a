"""Times in business minutes: first response, resolution and handle time (docs/metrics.md).

Business minutes depend on each ticket's calendar (its SLA policy's, else its team's, else
24/7); tickets.metrics.rollups counts them once per row after the fact, so these figures are SQL
aggregates over the stored numbers (medians and 90th percentiles by PostgreSQL's
percentile_cont), whatever the period's size. Rows not counted yet are left out
(`rollups.freshness()` says up to when the figures are complete).
"""

from django.db.models import Avg, Count, F, Q, QuerySet

from support.aggregates import Percentile
from tickets.metrics.base import DONE_STATUSES, ticket_filter, tickets_in
from tickets.metrics.scope import Scope
from tickets.models import Message


def _spread(rows: QuerySet, field: str) -> dict:
    """{"median", "p90", "count"} of `field` over `rows`, minutes to one decimal."""
    found = rows.aggregate(
        median=Percentile(field, 0.5), p90=Percentile(field, 0.9), count=Count("pk")
    )
    return {
        "median": _one_decimal(found["median"]),
        "p90": _one_decimal(found["p90"]),
        "count": found["count"],
    }


def _one_decimal(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def first_response_times(scope: Scope) -> dict:
    """Business minutes from a ticket's creation to its first public agent reply, over the
    tickets first answered in the period: {"median", "p90", "count"}."""
    answered = tickets_in(scope).filter(
        first_responded_at__gte=scope.start,
        first_responded_at__lt=scope.end,
        first_response_minutes__isnull=False,
    )
    return _spread(answered, "first_response_minutes")


def resolution_times(scope: Scope) -> dict:
    """Business minutes from creation to the last solve, less the business minutes the ticket
    spent pending, on hold or solved before a reopening (sla_paused_minutes), over the tickets
    solved in the period and still solved or closed: {"median", "p90", "count"}."""
    solved = tickets_in(scope).filter(
        status__in=DONE_STATUSES,
        solved_at__gte=scope.start,
        solved_at__lt=scope.end,
        resolution_of=F("solved_at"),
    )
    return _spread(solved, "resolution_minutes")


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
    found = handled_replies(scope).aggregate(minutes=Avg("handle_minutes"), count=Count("pk"))
    return {"minutes": _one_decimal(found["minutes"]), "count": found["count"]}


def handle_minutes_by_agent(scope: Scope) -> dict[int, float | None]:
    rows = (
        handled_replies(scope)
        .filter(~Q(author=None))
        .values("author")
        .annotate(minutes=Avg("handle_minutes"))
    )
    return {row["author"]: _one_decimal(row["minutes"]) for row in rows}
