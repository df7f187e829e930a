"""The chats in the agents' inbox (tickets' inbox, through support.registry): the queue and
the agent's own open chats, each linking to the chat console."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse

from livechat.models import Conversation, Status
from support.display import display_name

INBOX_LIMIT = 50
LABELLED = ("category", "status", "language")


def inbox_chats(agent: AbstractBaseUser) -> list[dict]:
    """Waiting chats of the teams `agent` may read, then the chats `agent` is in: one query.
    Conversation.objects.visible_to decides; a supervisor's view of every chat is narrowed to
    the queue and their own, as for anyone."""
    chats = Conversation.objects.visible_to(agent).filter(
        Q(status=Status.QUEUED) | Q(status=Status.ASSIGNED, agent=agent)
    )
    chats = chats.select_related("customer").order_by("-urgent", "queued_at", "id")
    # Labels read once per call: get_FOO_display hashes every choice for every chat.
    labels = {
        name: {value: str(label) for value, label in Conversation._meta.get_field(name).flatchoices}
        for name in LABELLED
    }
    console = reverse("livechat_console:chats")
    return [_entry(chat, labels, console) for chat in chats[:INBOX_LIMIT]]


def _entry(chat: Conversation, labels: dict[str, dict], console: str) -> dict:
    queued = chat.status == Status.QUEUED
    return {
        "key": f"chat-{chat.pk}",
        "kind": "chat",
        "group": "queue" if queued else "mine",
        "title": labels["category"].get(chat.category, chat.category),
        "customer": display_name(chat.email),
        "status": labels["status"].get(chat.status, chat.status),
        "language": labels["language"].get(chat.language, chat.language),
        "urgent": chat.urgent,
        "at": (chat.queued_at if queued else chat.assigned_at) or chat.created_at,
        "url": f"{console}?chat={chat.pk}",
    }
