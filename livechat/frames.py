"""The JSON frames of the chat protocol (docs/livechat.md), built from stored rows."""

from livechat.bot import GREETING, quick_replies
from livechat.models import ChatMessage, Conversation


def message_frame(message: ChatMessage) -> dict:
    author = message.author
    return {
        "type": "message",
        "conversation": message.conversation_id,
        "id": message.pk,
        "client_id": message.client_message_id,
        "sender": message.sender,
        "author": (author.first_name or "") if author is not None else "",
        "body": message.body,
        "automated": message.automated,
        "internal": message.internal,
        "articles": message.articles,
        "quick_replies": (
            quick_replies(message.conversation.language) if message.bot_action == GREETING else []
        ),
        "attachments": [attachment_frame(row) for row in _attachments(message)],
        "created_at": message.created_at.isoformat(),
    }


def _attachments(message: ChatMessage) -> list:
    """Rows set by the service that stored them, or prefetched; never a query per message."""
    rows = getattr(message, "attachment_rows", None)
    if rows is not None:
        return rows
    if "attachments" in getattr(message, "_prefetched_objects_cache", {}):
        return list(message.attachments.all())
    return []


def attachment_frame(attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": f"/api/v1/livechat/attachments/{attachment.pk}/",
    }


def ack_frame(message: ChatMessage) -> dict:
    return {
        "type": "ack",
        "conversation": message.conversation_id,
        "client_id": message.client_message_id,
        "id": message.pk,
    }


def state_frame(conversation: Conversation, *, offline: bool = False) -> dict:
    return {
        "type": "state",
        "conversation": conversation.pk,
        "status": conversation.status,
        "urgent": conversation.urgent,
        "rating": conversation.rating,
        "offline": offline,
    }


def queue_frame(conversation_id: int, position: int, wait_seconds: int) -> dict:
    return {
        "type": "queue",
        "conversation": conversation_id,
        "position": position,
        "wait_seconds": wait_seconds,
    }


def chat_summary_frame(conversation: Conversation) -> dict:
    """A chat as the agents' list shows it."""
    customer = conversation.customer
    return {
        "type": "chat",
        "conversation": conversation.pk,
        "status": conversation.status,
        "urgent": conversation.urgent,
        "language": conversation.language,
        "category": conversation.category,
        "customer": customer.email if customer is not None else conversation.guest_email,
        "agent": conversation.agent_id,
        "offered_to": conversation.offered_to_id,
        "team": conversation.team_id,
        "handoff_reason": conversation.handoff_reason,
        "bot_summary": conversation.bot_summary,
        "queued_at": conversation.queued_at.isoformat() if conversation.queued_at else None,
    }


def offer_withdrawn_frame(conversation_id: int, *, away: bool, expired: bool) -> dict:
    """To the agent whose offer ran out (`expired`) or was withdrawn because they went away;
    `away` when they were set to away for missing offers."""
    return {
        "type": "offer_withdrawn",
        "conversation": conversation_id,
        "away": away,
        "expired": expired,
    }


def error_frame(code: str, message: str) -> dict:
    return {"type": "error", "code": code, "message": message}
