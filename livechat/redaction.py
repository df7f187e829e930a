"""The chat's gate for what a customer types: each message is judged together with the same
customer's recent messages (`support.text.window`: up to 4 messages within 5 minutes), so a seed
phrase pasted in parts is caught when its last part arrives — and the earlier parts, already
stored, are redacted in the same transaction: their text, the help-center search records the
bot wrote for them, and the summary the agents see. The transcript and the chat's ticket are
made from the stored messages when the chat ends, after which no message is accepted, so they
never hold what was removed. The caller tells the open clients after commit
(`publish.publish`: a `redacted` frame per earlier message).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from livechat import knowledge
from livechat.models import ChatMessage, Conversation, ConversationEvent, SenderKind
from support.text.window import WINDOW_AGE, WINDOW_MESSAGES, Earlier, redact_window

SEARCHED = "bot_searched"  # the event that ties a customer message to the bot's search record


@dataclass
class Redacted:
    text: str  # the new message, ready to store
    secrets: list[str]  # kinds removed from it or from earlier messages
    earlier: list[ChatMessage] = field(default_factory=list)  # stored again, with new text
    summary_changed: bool = False  # the agents' summary of the chat lost a secret too


def customer_message_redact(conversation: Conversation, text: str, *, now: datetime) -> Redacted:
    """The customer's new `text` redacted with their recent messages; earlier messages that
    held part of a secret are stored with their new text. The caller holds the chat's row
    lock (two messages of one chat are never judged at once)."""
    recent = _recent_customer_messages(conversation, now=now)
    result = redact_window(
        text,
        earlier=[Earlier(message.pk, message.body, message.created_at) for message in recent],
        now=now,
        lang=conversation.language,
    )
    redacted = Redacted(result.text, result.secrets)
    changed = [message for message in recent if message.pk in result.earlier]
    if changed:
        before = {message.pk: message.body for message in changed}
        for message in changed:
            message.body = result.earlier[message.pk]
            message.save(update_fields=["body"])
        _searches_redact(conversation, changed)
        redacted.summary_changed = _summary_redact(conversation, before=before, after=changed)
        redacted.earlier = changed
    return redacted


def searched(conversation: Conversation, *, message: ChatMessage, search_id: int | None) -> None:
    """Remember which search record the bot wrote for `message`, so that it can be redacted
    with the message (the record itself knows nothing of chats)."""
    if search_id is not None:
        ConversationEvent.objects.create(
            conversation=conversation,
            kind=SEARCHED,
            data={"message": message.pk, "search": search_id},
        )


def _recent_customer_messages(conversation: Conversation, *, now: datetime) -> list[ChatMessage]:
    recent = ChatMessage.objects.filter(
        conversation=conversation, sender=SenderKind.CUSTOMER, created_at__gte=now - WINDOW_AGE
    )
    return list(reversed(recent.order_by("-id")[: WINDOW_MESSAGES - 1]))


def _searches_redact(conversation: Conversation, messages: list[ChatMessage]) -> None:
    events = ConversationEvent.objects.filter(
        conversation=conversation, kind=SEARCHED, data__message__in=[m.pk for m in messages]
    )
    texts = {message.pk: message.body for message in messages}
    for data in events.values_list("data", flat=True):
        knowledge.search_redact(search_id=data["search"], query=texts[data["message"]])


def _summary_redact(
    conversation: Conversation, *, before: dict[int, str], after: list[ChatMessage]
) -> bool:
    """Replace the earlier texts in what the bot told the agents at handoff (handoff.bot_summary
    quotes the customer's first 300 characters)."""
    summary = conversation.bot_summary
    for message in after:
        quoted = re.escape(f"Customer: {before[message.pk][:300]}") + r"(?=\n|\Z)"
        replacement = f"Customer: {message.body[:300]}"
        summary = re.sub(quoted, lambda _match, text=replacement: text, summary)
    if summary == conversation.bot_summary:
        return False
    conversation.bot_summary = summary
    conversation.save(update_fields=["bot_summary"])
    return True
