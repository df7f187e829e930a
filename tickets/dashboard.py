"""The supervisors' SLA panel: one aggregate query over open tickets."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Ticket

DUE_FIELDS = ("first_response_due", "next_response_due", "resolution_due")


def _any_due_before(moment) -> Q:
    condition = Q()
    for field in DUE_FIELDS:
        condition |= Q(**{f"{field}__lte": moment})
    return condition


def sla_figures() -> dict:
    now = timezone.now()
    counts = Ticket.objects.open().aggregate(
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
            {"label": _("Open tickets"), "value": counts["open"]},
            {
                "label": _("Unassigned"),
                "value": counts["unassigned"],
                "tone": "warning" if counts["unassigned"] else "ok",
            },
            {
                "label": _("Urgent"),
                "value": counts["urgent"],
                "tone": "breached" if counts["urgent"] else "ok",
            },
            {
                "label": _("SLA breached"),
                "value": counts["breached"],
                "tone": "breached" if counts["breached"] else "ok",
            },
            {
                "label": _("Breaching within 1 hour"),
                "value": counts["breaching_soon"],
                "tone": "warning" if counts["breaching_soon"] else "ok",
            },
            {"label": _("Escalated"), "value": counts["escalated"]},
        ],
    }
