"""The supervisors' live-chat panel: one aggregate query over open and recent chats."""

from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from livechat import assignment
from livechat.models import Conversation, Status


def chat_figures() -> dict:
    since = timezone.now() - timedelta(days=7)
    counts = Conversation.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=since)
    ).aggregate(
        with_bot=Count("pk", filter=Q(status=Status.BOT)),
        queued=Count("pk", filter=Q(status=Status.QUEUED)),
        urgent=Count("pk", filter=Q(status=Status.QUEUED, urgent=True)),
        assigned=Count("pk", filter=Q(status=Status.ASSIGNED)),
        rating=Avg("rating", filter=Q(ended_at__gte=since)),
    )
    rating = counts["rating"]
    return {
        "title": _("Live chat"),
        "figures": [
            {"label": _("With the bot"), "value": counts["with_bot"]},
            {
                "label": _("Waiting for an agent"),
                "value": counts["queued"],
                "tone": "warning" if counts["queued"] else "ok",
            },
            {
                "label": _("Urgent, waiting"),
                "value": counts["urgent"],
                "tone": "danger" if counts["urgent"] else "ok",
            },
            {"label": _("With an agent"), "value": counts["assigned"]},
            {
                "label": _("Average wait (minutes)"),
                "value": round(assignment.average_wait().total_seconds() / 60, 1),
            },
            {
                "label": _("Average rating, last 7 days"),
                "value": round(rating, 2) if rating is not None else "—",
            },
        ],
    }
