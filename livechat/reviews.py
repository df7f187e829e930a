"""Ended chats for the quality reviews' sampling (tickets.reviews), through
support.registry's review sources: tickets may not import livechat."""

from datetime import datetime

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from livechat.models import Conversation, Status
from tickets.models import QualityReview


def review_chats(
    agent_ids: list[int] | None,
    since: datetime | None,
    limit: int,
    order: str,
    conversation_ids: list[int] | None = None,
) -> list[dict]:
    """Ended chats handled by `agent_ids` (the chat_agent index: agent, status)."""
    chats = Conversation.objects.filter(status=Status.ENDED, agent__isnull=False)
    if agent_ids is not None:
        chats = chats.filter(agent_id__in=agent_ids)
    if conversation_ids is not None:
        chats = chats.filter(pk__in=conversation_ids)
    else:
        chats = _unreviewed(chats, since)
    if order == "low_csat":
        chats = chats.order_by(F("rating").asc(nulls_last=True), "-ended_at")
    else:
        chats = chats.order_by("?")
    rows = chats.values("pk", "agent_id", "language", "rating", "ended_at", "created_at")
    return [_row(chat) for chat in rows[:limit]]


def _unreviewed(chats: QuerySet, since: datetime | None) -> QuerySet:
    if since is not None:
        chats = chats.filter(ended_at__gte=since)
    reviewed = QualityReview.objects.filter(conversation_id__isnull=False)
    return chats.exclude(pk__in=reviewed.values("conversation_id"))


def _row(chat: dict) -> dict:
    url = reverse("livechat_console:chats")
    return {
        "conversation_id": chat["pk"],
        "agent": chat["agent_id"],
        "language": chat["language"],
        "title": gettext("Chat %(number)s") % {"number": chat["pk"]},
        "solved_at": chat["ended_at"] or chat["created_at"],
        "csat": chat["rating"],
        "url": f"{url}?chat={chat['pk']}",
    }
