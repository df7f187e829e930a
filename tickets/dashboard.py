"""The supervisors' SLA panel: one aggregate query over the open tickets of the viewer's teams
(support.registry `with_teams`: None is every team, and tickets of no team)."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from support.registry import figure
from tickets.models import Ticket

DUE_FIELDS = ("first_response_due", "next_response_due", "resolution_due")


def _any_due_before(moment) -> Q:
    condition = Q()
    for field in DUE_FIELDS:
        condition |= Q(**{f"{field}__lte": moment})
    return condition


def sla_figures(*, teams: tuple[int, ...] | None = None) -> dict:
    now = timezone.now()
    tickets = Ticket.objects.open().of_teams(teams)
    counts = tickets.aggregate(
        open=Count("pk"),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        urgent=Count("pk", filter=Q(priority=Ticket.Priority.URGENT)),
        breached=Count("pk", filter=_any_due_before(now)),
        breaching_soon=Count(
            "pk", filter=_any_due_before(now + timedelta(hours=1)) & ~_any_due_before(now)
        ),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
    )
    return {
        "title": _("Tickets and SLA"),
        "figures": [
            figure(_("Open tickets"), counts["open"]),
            figure(_("Unassigned"), counts["unassigned"], alert="warning"),
            figure(_("Urgent"), counts["urgent"], alert="breached"),
            figure(_("SLA breached"), counts["breached"], alert="breached"),
            figure(_("Breaching within 1 hour"), counts["breaching_soon"], alert="warning"),
            figure(_("Escalated"), counts["escalated"]),
        ],
    }
