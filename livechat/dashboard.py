"""The supervisors' live-chat panel: one aggregate query over the open and recent chats of the
viewer's teams (support.registry `with_teams`: None is every team, and chats of no team), and
one over those teams' latest waits."""

from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from livechat.assignment import measured_wait
from livechat.models import Conversation, Status
from support.registry import figure


def chat_figures(*, teams: tuple[int, ...] | None = None) -> dict:
    since = timezone.now() - timedelta(days=7)
    chats = Conversation.objects.of_teams(teams)
    counts = chats.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since)).aggregate(
        with_bot=Count("pk", filter=Q(status=Status.BOT)),
        queued=Count("pk", filter=Q(status=Status.QUEUED)),
        urgent=Count("pk", filter=Q(status=Status.QUEUED, urgent=True)),
        assigned=Count("pk", filter=Q(status=Status.ASSIGNED)),
        rating=Avg("rating", filter=Q(ended_at__gte=since)),
        # Ended without ever leaving the bot (livechat.ending.chat_outcome): no ticket made.
        bot_resolved=Count(
            "pk", filter=Q(status=Status.ENDED, ended_at__gte=since, queued_at__isnull=True)
        ),
    )
    rating, wait = counts["rating"], measured_wait(chats)
    return {
        "title": _("Live chat"),
        "figures": [
            figure(_("With the bot"), counts["with_bot"]),
            figure(_("Waiting for an agent"), counts["queued"], alert="warning"),
            figure(_("Urgent, waiting"), counts["urgent"], alert="breached"),
            figure(_("With an agent"), counts["assigned"]),
            figure(_("Resolved by the bot, last 7 days"), counts["bot_resolved"]),
            figure(
                _("Average wait (minutes)"),
                round(wait.total_seconds() / 60, 1) if wait is not None else "—",
            ),
            figure(
                _("Average rating, last 7 days"),
                round(rating, 2) if rating is not None else "—",
            ),
        ],
    }
