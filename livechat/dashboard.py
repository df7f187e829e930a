"""The supervisors' live-chat panel: one aggregate query over the open and recent chats of the
viewer's teams (support.registry `with_teams`: None is every team, and chats of no team), and
one over those teams' latest waits."""

from datetime import timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from livechat.assignment import WAIT_SAMPLE
from livechat.models import Conversation, Status
from support.registry import figure


def chat_figures(*, teams: tuple[int, ...] | None = None) -> dict:
    since = timezone.now() - timedelta(days=7)
    chats = _chats_of(teams)
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
    rating, wait = counts["rating"], _average_wait(chats)
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


def _chats_of(teams: tuple[int, ...] | None) -> QuerySet[Conversation]:
    chats = Conversation.objects.all()
    return chats if teams is None else chats.filter(team__in=teams)


def _average_wait(chats: QuerySet[Conversation]) -> timedelta | None:
    """How long the latest chats taken by an agent waited in the queue (the sample the queue's
    estimates use, livechat.assignment.average_wait), None when none was taken yet."""
    recent = (
        chats.filter(queued_at__isnull=False, assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values_list("queued_at", "assigned_at")[:WAIT_SAMPLE]
    )
    waits = [assigned - queued for queued, assigned in recent if assigned >= queued]
    return sum(waits, timedelta()) / len(waits) if waits else None
