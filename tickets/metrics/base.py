"""What every figure shares: the scope's filters on tickets, the period's days and
percentages."""

from datetime import UTC, date, datetime, timedelta

from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets.metrics.scope import Scope
from tickets.models import Status, Ticket

DONE_STATUSES = (Status.SOLVED, Status.CLOSED)
SATISFIED_FROM = 4  # a CSAT answer of 4 or 5 is "satisfied"


def ticket_filter(scope: Scope, prefix: str = "", *, agent: bool = True) -> Q:
    """The scope's filters on a ticket reached through `prefix` ("" or "ticket__"): team,
    channel, language, category, priority and (with `agent`) the assignee."""
    conditions = Q()
    if scope.teams is not None:
        conditions &= Q(**{f"{prefix}team__in": scope.teams})
    for name, values in (
        ("channel", scope.channels),
        ("language", scope.languages),
        ("category", scope.categories),
        ("priority", scope.priorities),
    ):
        if values:
            conditions &= Q(**{f"{prefix}{name}__in": values})
    if agent and scope.agent is not None:
        conditions &= Q(**{f"{prefix}assignee": scope.agent})
    return conditions


def tickets_in(scope: Scope, *, agent: bool = True) -> QuerySet[Ticket]:
    """The tickets the scope's filters select (any period), duplicates merged away left out:
    their messages and clocks live on the ticket they were merged into."""
    return Ticket.objects.filter(ticket_filter(scope, agent=agent), merged_into__isnull=True)


def resolved_at() -> Case:
    """When a ticket left the backlog: its last solve (else its closing) if it is solved or
    closed now; NULL while it is open (a reopened ticket's old solve does not count)."""
    return Case(
        When(status__in=DONE_STATUSES, then=Coalesce(F("solved_at"), F("closed_at"))),
        default=None,
    )


def resolved_on() -> Coalesce:
    """A solved or closed ticket's last solve, else its closing (indexed: ticket_resolved_on)."""
    return Coalesce(F("solved_at"), F("closed_at"))


def period_end(scope: Scope) -> datetime:
    """The period's end, never in the future: a target not due yet is not decided yet."""
    return min(scope.end, timezone.now())


def days(scope: Scope) -> list[date]:
    """The UTC days the period touches, first to last."""
    first = scope.start.astimezone(UTC).date()
    last = (scope.end - timedelta(microseconds=1)).astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def pct(part: int, whole: int) -> float | None:
    """part ÷ whole in percent to one decimal; None when there is nothing to count."""
    return round(part * 100 / whole, 1) if whole else None
