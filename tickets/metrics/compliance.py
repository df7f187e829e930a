"""SLA compliance: the share of SLA targets met among the targets decided in the period
(docs/metrics.md). A target is decided when it is met or when it comes due unmet, whichever is
first; a target still running is not counted yet."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Least

from tickets.metrics import cube
from tickets.metrics.base import pct, period_end, resolved_at, ticket_filter, tickets_in
from tickets.metrics.scope import Scope
from tickets.models import Message, SlaEvent, SlaTarget


def _breached(target: str) -> Exists:
    return Exists(
        SlaEvent.objects.filter(ticket=OuterRef("pk"), target=target, kind=SlaEvent.Kind.BREACH)
    )


def _clock_counts(scope: Scope, target: str, met_field, due_field: str, tickets=None) -> dict:
    """Met and breached targets of one clock that runs once per ticket (first response,
    resolution): decided at LEAST(met, due) within the period. Met: done by the due time and
    no breach recorded by the sweep (a breach stays a breach if the due time moved later)."""
    tickets = (tickets if tickets is not None else tickets_in(scope)).filter(
        **{f"{due_field}__isnull": False}
    )
    decided = tickets.annotate(met_at=met_field, breach=_breached(target)).annotate(
        decided_at=Least(F("met_at"), F(due_field))
    )
    decided = decided.filter(decided_at__gte=scope.start, decided_at__lt=period_end(scope))
    met = Q(met_at__isnull=False, met_at__lte=F(due_field), breach=False)
    return decided.aggregate(met=Count("pk", filter=met), breached=Count("pk", filter=~met))


def next_response_cycles(scope: Scope) -> QuerySet[Message]:
    """The public agent replies of the period that close a next-response cycle: a reply after
    an earlier reply, with a customer message in between; `cycle_started_at` (counted by
    tickets.metrics.rollups) is the first customer message after the earlier reply."""
    return Message.objects.filter(
        ticket_filter(scope, "ticket__"),
        ticket__merged_into__isnull=True,
        kind=Message.Kind.REPLY,
        created_at__gte=scope.start,
        created_at__lt=scope.end,
        cycle_started_at__isnull=False,
    )


def _next_response_counts(scope: Scope) -> dict:
    """Breached: the sweep's next-response breach rows due in the period. Met: cycles closed
    by a reply in the period with no breach recorded between the cycle's start and the reply."""
    breach_rows = SlaEvent.objects.filter(
        ticket_filter(scope, "ticket__"),
        ticket__merged_into__isnull=True,
        target=SlaTarget.NEXT_RESPONSE,
        kind=SlaEvent.Kind.BREACH,
        due_at__gte=scope.start,
        due_at__lt=period_end(scope),
    )
    late = SlaEvent.objects.filter(
        ticket=OuterRef("ticket"),
        target=SlaTarget.NEXT_RESPONSE,
        kind=SlaEvent.Kind.BREACH,
        due_at__gt=OuterRef("cycle_started_at"),
        due_at__lte=OuterRef("created_at"),
    )
    met = next_response_cycles(scope).filter(~Exists(late)).count()
    return {"met": met, "breached": breach_rows.count()}


def first_response_counts(scope: Scope, tickets=None) -> dict:
    return _clock_counts(
        scope, SlaTarget.FIRST_RESPONSE, F("first_responded_at"), "first_response_due", tickets
    )


def _raw_counts(scope: Scope) -> dict:
    return {
        SlaTarget.FIRST_RESPONSE.value: first_response_counts(scope),
        SlaTarget.NEXT_RESPONSE.value: _next_response_counts(scope),
        SlaTarget.RESOLUTION.value: _clock_counts(
            scope, SlaTarget.RESOLUTION, resolved_at(), "resolution_due"
        ),
    }


ROLLED_UP = {
    SlaTarget.FIRST_RESPONSE.value: ("fr_met", "fr_breached"),
    SlaTarget.NEXT_RESPONSE.value: ("nr_met", "nr_breached"),
    SlaTarget.RESOLUTION.value: ("res_met", "res_breached"),
}


def sla_compliance(scope: Scope) -> dict:
    """{"first_response", "next_response", "resolution": percent met or None, "counts":
    {target: {"met", "breached"}}}: the daily roll-ups of the period's counted days, plus the
    other days counted from the tickets."""
    days, raw = cube.split(scope)
    fields = [name for pair in ROLLED_UP.values() for name in pair]
    total = cube.sums(scope, days, *fields)
    counts = {
        target: {"met": total[met], "breached": total[breached]}
        for target, (met, breached) in ROLLED_UP.items()
    }
    for part in raw:
        for target, row in _raw_counts(part).items():
            counts[target]["met"] += row["met"]
            counts[target]["breached"] += row["breached"]
    figures = {
        target: pct(row["met"], row["met"] + row["breached"]) for target, row in counts.items()
    }
    return {**figures, "counts": counts}
