"""What chats report to webhook endpoints (support.webhooks, docs/webhooks.md): ids, states
and times, never the chat's text."""

from livechat.models import Conversation
from support.webhooks import WebhookEvent, webhook_emit


def chat_data(conversation: Conversation, **extra: object) -> dict:
    return {
        "chat": {
            "id": conversation.pk,
            "status": conversation.status,
            "language": conversation.language,
            "category": conversation.category,
            "customer_id": conversation.customer_id,
            "guest": conversation.customer_id is None,
            "team_id": conversation.team_id,
            "agent_id": conversation.agent_id,
            "created_at": conversation.created_at,
            "ended_at": conversation.ended_at,
            **extra,
        }
    }


def webhooks_chat_started(conversation: Conversation) -> None:
    webhook_emit(WebhookEvent.CHAT_STARTED, lambda: chat_data(conversation))


def webhooks_chat_ended(conversation: Conversation, *, outcome: str) -> None:
    """`outcome`: resolved by the bot, or recorded as a ticket (livechat.ending)."""
    webhook_emit(WebhookEvent.CHAT_ENDED, lambda: chat_data(conversation, outcome=outcome))
