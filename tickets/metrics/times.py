"""Times in business minutes: first response, resolution and handle time (docs/metrics.md).

Business minutes depend on each ticket's calendar (its SLA policy's, else its team's, else
24/7), so they are counted in Python, row by row, over at most MAX_ROWS rows of the period (the
most recent); calendars are read once per (policy, team) pair.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, OuterRef, Subquery

from tickets import sla
from tickets.metrics.base import DONE_STATUSES, MAX_ROWS, spread, ticket_filter, tickets_in
from tickets.metrics.compliance import _previous_reply
from tickets.metrics.scope import Scope
from tickets.models import Message, SlaPolicy, Ticket
from tickets.selectors import calendar_for

# A reply's handle time counts at most this many business minutes from the customer message it
# answers: beyond it the ticket was waiting in a queue, not being worked on.
HANDLE_CAP_MINUTES = 60


class Calendars:
    """calendar_for() once per (policy, team): a 90-day period has few of them."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int | None, int | None], sla.Calendar] = {}
        self._policies = {policy.pk: policy for policy in SlaPolicy.objects.all()}

    def of(self, policy_id: int | None, team_id: int | None) -> sla.Calendar:
        key = (policy_id, team_id)
        if key not in self._seen:
            ticket = Ticket(team_id=team_id)
            self._seen[key] = calendar_for(ticket, self._policies.get(policy_id))
        return self._seen[key]


def _minutes(rows: Iterable[dict], start: str, end: str) -> list[tuple[dict, int]]:
    calendars = Calendars()
    return [
        (
            row,
            sla.business_minutes_between(
                row[start], row[end], calendars.of(row["sla_policy"], row["team"])
            ),
        )
        for row in rows
    ]


def first_response_times(scope: Scope) -> dict:
    """Business minutes from a ticket's creation to its first public agent reply, over the
    tickets first answered in the period: {"median", "p90", "count"}."""
    rows = (
        tickets_in(scope)
        .filter(first_responded_at__gte=scope.start, first_responded_at__lt=scope.end)
        .order_by("-first_responded_at")
        .values("created_at", "first_responded_at", "sla_policy", "team")[:MAX_ROWS]
    )
    return spread(minutes for _row, minutes in _minutes(rows, "created_at", "first_responded_at"))


def resolution_times(scope: Scope) -> dict:
    """Business minutes from creation to the last solve, less the business minutes the ticket
    spent pending, on hold or solved before a reopening (sla_paused_minutes), over the tickets
    solved in the period and still solved or closed: {"median", "p90", "count"}."""
    rows = (
        tickets_in(scope)
        .filter(status__in=DONE_STATUSES, solved_at__gte=scope.start, solved_at__lt=scope.end)
        .order_by("-solved_at")
        .values("created_at", "solved_at", "sla_policy", "team", "sla_paused_minutes")[:MAX_ROWS]
    )
    pairs = _minutes(rows, "created_at", "solved_at")
    return spread(max(0, minutes - row["sla_paused_minutes"]) for row, minutes in pairs)


def handle_rows(scope: Scope, *, by_author: bool = False) -> list[tuple[dict, int]]:
    """(reply row, handle minutes) of each public agent reply of the period that answers a
    customer message: business minutes from the latest customer message since the previous
    reply to the reply, capped at HANDLE_CAP_MINUTES. With `by_author`, the scope's agent is
    the reply's author rather than the ticket's assignee."""
    last_customer = Message.objects.filter(
        ticket=OuterRef("ticket"), kind=Message.Kind.CUSTOMER, id__lt=OuterRef("pk")
    ).order_by("-id")
    replies = Message.objects.filter(
        ticket_filter(scope, "ticket__", agent=not by_author),
        ticket__merged_into__isnull=True,
        kind=Message.Kind.REPLY,
        created_at__gte=scope.start,
        created_at__lt=scope.end,
    )
    if scope.agent is not None:
        replies = replies.filter(author=scope.agent)
    replies = replies.annotate(
        previous_reply=_previous_reply(),
        answered_id=Subquery(last_customer.values("id")[:1]),
        answered_at=Subquery(last_customer.values("created_at")[:1]),
        sla_policy=F("ticket__sla_policy"),
        team=F("ticket__team"),
    ).order_by("-id")
    rows = [
        row
        for row in replies.values(
            "author",
            "created_at",
            "answered_id",
            "answered_at",
            "previous_reply",
            "sla_policy",
            "team",
        )[:MAX_ROWS]
        if row["answered_id"] and (row["previous_reply"] or 0) < row["answered_id"]
    ]
    return [
        (row, min(minutes, HANDLE_CAP_MINUTES))
        for row, minutes in _minutes(rows, "answered_at", "created_at")
    ]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def average_handle_time(scope: Scope) -> dict:
    """{"minutes": mean handle minutes per reply or None, "count": replies}."""
    values = [minutes for _row, minutes in handle_rows(scope, by_author=True)]
    return {"minutes": _mean(values), "count": len(values)}


def handle_minutes_by_agent(scope: Scope) -> dict[int, float | None]:
    found: dict[int, list[int]] = defaultdict(list)
    for row, minutes in handle_rows(scope, by_author=True):
        found[row["author"]].append(minutes)
    return {author: _mean(values) for author, values in found.items()}
