"""Messages: the customer's (and the bot's answer while the bot has the chat), the agent's,
and how far each side has read."""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.functions import Greatest
from django.utils import timezone, translation

from livechat import bot, redaction, texts
from livechat.handoff import bot_reply_store, conversation_escalate, conversation_queue
from livechat.models import Conversation, SenderKind, Status
from livechat.services import (
    MAX_MESSAGE_CHARS,
    ChatError,
    Posted,
    check_may_act,
    conversation_event,
    conversation_lock,
    existing_message,
    store_message,
    system_message,
)
from support.official.services import official_domains, verification_line_for, verification_url
from support.text import Analysis, analyze, redact_customer_text, security_notice
from support.text.impersonation import (
    contacted_elsewhere,
    domains_in,
    impersonation_notice,
    lookalike_links,
)

IMPERSONATION_EVENT = "impersonation_suspected"


def conversation_post_customer_message(
    *, conversation_id: int, client_id: str, text: str
) -> Posted:
    """Store the customer's message (redacted with their recent messages, once per client
    id), then let the bot act. Earlier messages that held part of a secret come back in
    `Posted.redacted` for the clients to replace."""
    analysis = analyze(text)  # before the lock: the costly part, usually right as it is
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        existing = existing_message(conversation, client_id)
        if existing is not None:
            return Posted(conversation, duplicate_of=existing)
        if conversation.status == Status.ENDED:
            raise ChatError("ended", texts.ended(conversation.language))
        posted = customer_message_store(conversation, client_id=client_id, text=text)
        body = posted.messages[0].body
        if body != analysis.redacted_text:  # a secret the window found: judge what is left
            analysis = analyze(body)
        if conversation.status == Status.BOT:
            _bot_turn(posted, text=body, analysis=analysis)
        elif is_security_incident(body, analysis=analysis):
            conversation_escalate(posted, now=timezone.now())
    return posted


def is_security_incident(text: str, *, analysis: Analysis | None = None) -> bool:
    """The customer's own words (never the bot's or an agent's) describe a security incident."""
    analysis = analysis or analyze(text)
    return bot.is_security_incident(text=analysis.redacted_text, analysis=analysis)


def customer_message_store(conversation: Conversation, *, client_id: str, text: str) -> Posted:
    """Store a customer's message through the chat's gate (livechat.redaction), and the
    security notice, once, when a secret was removed from it or from earlier messages. The
    caller holds the chat's row lock."""
    redacted = redaction.customer_message_redact(conversation, text, now=timezone.now())
    message = store_message(conversation, SenderKind.CUSTOMER, redacted.text, client_id=client_id)
    posted = Posted(
        conversation,
        [message],
        redacted=redacted.earlier,
        summary_changed=redacted.summary_changed,
    )
    if redacted.secrets:
        notice = security_notice(conversation.language)
        posted.messages.append(system_message(conversation, notice, automated=True))
    if _impersonation_suspected(redacted.text) and not conversation.impersonation_suspected:
        posted.messages.append(_impersonation_warn(conversation))
        posted.summary_changed = True  # the agents' list and pane show the warning
    return posted


def _impersonation_suspected(text: str) -> bool:
    """Someone posed as us (support.text.impersonation); our domains read only when the text
    names a domain."""
    if contacted_elsewhere(text):
        return True
    return bool(domains_in(text)) and bool(
        lookalike_links(text, official_domains=official_domains())
    )


def _impersonation_warn(conversation: Conversation):
    """Once per chat: the flag every agent's console shows (with its event row), and the safety
    notice in the customer's language. The caller holds the chat's row lock."""
    conversation.impersonation_suspected = True
    conversation.save(update_fields=["impersonation_suspected"])
    conversation_event(conversation, IMPERSONATION_EVENT)
    url = verification_url(conversation.language)
    notice = impersonation_notice(conversation.language, url=url)
    return system_message(conversation, notice, automated=True)


def _bot_turn(posted: Posted, *, text: str, analysis: Analysis) -> None:
    conversation = posted.conversation
    history = list(
        conversation.messages.filter(sender=SenderKind.BOT)
        .exclude(bot_action__in=["", bot.GREETING])
        .values_list("bot_action", flat=True)
    )
    decision = bot.decide(text, lang=conversation.language, history=history, analysis=analysis)
    redaction.searched(conversation, message=posted.messages[0], search_id=decision.search_id)
    if decision.action in (bot.HANDOFF, bot.URGENT_HANDOFF):
        # The reply depends on whether anyone can take the chat: handoff says it once.
        conversation_queue(
            posted,
            reason=decision.reason,
            urgent=decision.action == bot.URGENT_HANDOFF,
            category="security_incident" if decision.reason == bot.SECURITY else None,
            reply=decision.reply,
        )
        return
    articles = [{"slug": a.slug, "title": a.title, "url": a.url} for a in decision.articles]
    posted.messages.append(
        bot_reply_store(conversation, decision.reply, action=decision.action, articles=articles)
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
    body = redact_customer_text(text).text
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        check_may_act(conversation, agent)
        existing = existing_message(conversation, client_id)
        if existing is not None:
            return Posted(conversation, duplicate_of=existing)
        if conversation.status == Status.ENDED:
            raise ChatError("ended", texts.ended(translation.get_language() or "en"))
        if not internal:
            body = _with_verification_code(conversation, body, client_id=client_id)
        message = store_message(
            conversation,
            SenderKind.AGENT,
            body,
            client_id=client_id,
            author=agent,
            internal=internal,
        )
    return Posted(conversation, [message])


def _with_verification_code(conversation: Conversation, body: str, *, client_id: str) -> str:
    """The reply with the line that lets the customer check it came from us, in their
    language (support.official); the same client id gets the same code."""
    source = f"chat:{conversation.pk}:{client_id or secrets.token_hex(8)}"
    line = verification_line_for(channel="chat", source=source, language=conversation.language)
    return body[: MAX_MESSAGE_CHARS - len(line) - 2] + "\n\n" + line


def conversation_mark_read(*, conversation_id: int, reader: str, up_to: int) -> None:
    field_name = "customer_read_up_to" if reader == SenderKind.CUSTOMER else "agent_read_up_to"
    Conversation.objects.filter(pk=conversation_id).update(
        **{field_name: Greatest(field_name, up_to)}
    )
