"""Messages: the customer's (and the bot's answer while the bot has the chat), the agent's,
and how far each side has read."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.functions import Greatest
from django.utils import translation

from livechat import bot, texts
from livechat.handoff import _handoff
from livechat.models import ChatMessage, Conversation, SenderKind, Status
from livechat.services import (
    ChatError,
    Posted,
    _check_may_act,
    _existing,
    _store_message,
    _system,
    conversation_lock,
)
from support.text import analyze, security_notice


def conversation_post_customer_message(
    *, conversation_id: int, client_id: str, text: str
) -> Posted:
    """Store the customer's message (redacted, once per client id), then let the bot act."""
    analysis = analyze(text)
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        existing = _existing(conversation, client_id)
        if existing is not None:
            return Posted(conversation, duplicate_of=existing)
        if conversation.status == Status.ENDED:
            raise ChatError("ended", texts.ended(conversation.language))
        message = _store_message(
            conversation, SenderKind.CUSTOMER, analysis.redacted_text, client_id=client_id
        )
        posted = Posted(conversation, [message])
        if analysis.secrets:
            posted.messages.append(
                _system(conversation, security_notice(conversation.language), automated=True)
            )
        if conversation.status == Status.BOT:
            _bot_turn(posted, text=analysis.redacted_text, analysis=analysis)
    return posted


def _bot_turn(posted: Posted, *, text: str, analysis) -> None:
    conversation = posted.conversation
    history = list(
        conversation.messages.filter(sender=SenderKind.BOT)
        .exclude(bot_action__in=["", bot.GREETING])
        .values_list("bot_action", flat=True)
    )
    decision = bot.decide(text, lang=conversation.language, history=history, analysis=analysis)
    posted.messages.append(
        ChatMessage.objects.create(
            conversation=conversation,
            sender=SenderKind.BOT,
            body=decision.reply,
            automated=True,
            bot_action=decision.action,
            articles=[{"slug": a.slug, "title": a.title, "url": a.url} for a in decision.articles],
        )
    )
    if decision.action in (bot.HANDOFF, bot.URGENT_HANDOFF):
        _handoff(
            posted,
            reason=decision.reason,
            urgent=decision.action == bot.URGENT_HANDOFF,
            category="security_incident" if decision.reason == bot.SECURITY else None,
        )


def conversation_post_agent_message(
    *,
    conversation_id: int,
    agent: AbstractBaseUser,
    client_id: str,
    text: str,
    internal: bool = False,
) -> Posted:
    """An agent's reply (or internal note), redacted like every message."""
    redacted = analyze(text).redacted_text
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        _check_may_act(conversation, agent)
        existing = _existing(conversation, client_id)
        if existing is not None:
            return Posted(conversation, duplicate_of=existing)
        if conversation.status == Status.ENDED:
            raise ChatError("ended", texts.ended(translation.get_language() or "en"))
        message = _store_message(
            conversation,
            SenderKind.AGENT,
            redacted,
            client_id=client_id,
            author=agent,
            internal=internal,
        )
    return Posted(conversation, [message])


def conversation_mark_read(*, conversation_id: int, reader: str, up_to: int) -> None:
    field_name = "customer_read_up_to" if reader == SenderKind.CUSTOMER else "agent_read_up_to"
    Conversation.objects.filter(pk=conversation_id).update(
        **{field_name: Greatest(field_name, up_to)}
    )
