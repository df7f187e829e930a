"""The handoff: the bot queues the chat for a team (with a summary of what it tried), and an
agent accepts it from the queue."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import assignment, bot, offers, texts
from livechat.channel_relay import chat_relay_on_commit
from livechat.models import ChatMessage, Conversation, OfferOutcome, SenderKind, Status
from livechat.services import (
    ChatError,
    Posted,
    conversation_event,
    conversation_lock,
    conversation_transition,
    is_supervisor,
    joined_message,
    system_message,
)
from support.models import AgentProfile, Team
from support.services import outbox_enqueue_email

SUMMARY_TURNS = 6
SECURITY_CATEGORY = "security_incident"


# How a handoff goes on, decided once so the customer hears one thing (never "connecting
# you" followed by "leave a message"): an agent of the team is online -> connect, whatever
# the calendar says; nobody online -> the offline form ("busy" inside opening hours, "closed"
# with the next opening outside them); a security chat with nobody online -> the on-call
# rule: it waits first in the security team's queue, never the offline form, and the team's
# people are emailed.
CONNECT = "connect"
BUSY = "busy"
CLOSED = "closed"
ON_CALL = "on_call"


def handoff_mode(team: Team | None, *, urgent: bool, now: datetime) -> str:
    if assignment.agents_online(team=team):
        return CONNECT
    if urgent:
        return ON_CALL
    return BUSY if assignment.team_is_open(team, now=now) else CLOSED


def conversation_queue(
    posted: Posted, *, reason: str, urgent: bool, category: str | None, reply: str = ""
) -> None:
    """The bot hands the chat (locked by the caller) to a team's queue, with a summary of what
    it tried, and tells the customer what happens next in one message: `reply` (the bot's
    "connecting you") only when someone can take the chat."""
    conversation = posted.conversation
    conversation.urgent = urgent or conversation.urgent
    conversation.category = category or conversation.category
    conversation.handoff_reason = reason
    conversation.bot_summary = bot_summary(conversation)
    conversation.queued_at = timezone.now()
    conversation.team = assignment.pick_team(
        category=conversation.category, language=conversation.language, urgent=urgent
    )
    mode = handoff_mode(conversation.team, urgent=conversation.urgent, now=conversation.queued_at)
    conversation.offered_to = None
    if mode in (CONNECT, ON_CALL):
        offers.offer_next(conversation, now=conversation.queued_at)
    conversation_transition(
        conversation,
        to=Status.QUEUED,
        by=None,
        kind="handoff",
        fields=[
            "urgent", "category", "handoff_reason", "bot_summary", "queued_at", "team",
            "offered_to",
        ],
        data={"reason": reason, "mode": mode, **({"closed": True} if mode == CLOSED else {})},
    )  # fmt: skip
    posted.state_changed = True
    _tell_customer(posted, mode=mode, reply=reply)


def _tell_customer(posted: Posted, *, mode: str, reply: str) -> None:
    conversation = posted.conversation
    if mode == CONNECT:
        if reply:
            posted.messages.append(bot_reply_store(conversation, reply, action=bot.HANDOFF))
        posted.queue_teams.add(conversation.team_id)
    elif mode == ON_CALL:
        with translation.override(conversation.language):
            text = bot.security_on_call_reply()
        posted.messages.append(bot_reply_store(conversation, text, action=bot.URGENT_HANDOFF))
        posted.queue_teams.add(conversation.team_id)
        on_call_notify(conversation)
    elif mode == CLOSED:
        posted.messages.append(system_message(conversation, _closed_text(conversation)))
        posted.offline = True
    else:  # busy: the customer may still wait in the queue, and sees their place
        posted.messages.append(system_message(conversation, texts.offline(conversation.language)))
        posted.offline = True
        posted.queue_teams.add(conversation.team_id)


def bot_reply_store(
    conversation: Conversation, body: str, *, action: str, articles: list | None = None
) -> ChatMessage:
    """The bot's answer, relayed after commit like every message of ours (services)."""
    message = ChatMessage.objects.create(
        conversation=conversation,
        sender=SenderKind.BOT,
        body=body,
        automated=True,
        bot_action=action,
        articles=articles or [],
    )
    chat_relay_on_commit(message)
    return message


def conversation_escalate(posted: Posted, *, now: datetime) -> None:
    """A customer waiting in a team's queue (or at the offline form) wrote about a security
    incident: the chat goes on, urgent and first, in the security team's queue (on-call rule
    when nobody there is online) and the customer is told; nothing ends. The caller holds the
    chat's row lock; an assigned chat stays with its agent."""
    conversation = posted.conversation
    if conversation.status == Status.BOT:
        conversation_queue(
            posted, reason=bot.SECURITY, urgent=True, category=SECURITY_CATEGORY,
            reply=_security_reply(conversation),
        )  # fmt: skip
        return
    if conversation.status != Status.QUEUED or conversation.urgent:
        return
    old_team = conversation.team_id
    offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=now)
    conversation.urgent = True
    conversation.category = SECURITY_CATEGORY
    conversation.handoff_reason = bot.SECURITY
    conversation.team = assignment.pick_team(
        category=SECURITY_CATEGORY, language=conversation.language, urgent=True
    )
    conversation.offered_to = None
    mode = handoff_mode(conversation.team, urgent=True, now=now)
    offers.offer_next(conversation, now=now)
    conversation.save(update_fields=["urgent", "category", "handoff_reason", "team", "offered_to"])
    conversation_event(conversation, "escalated", data={"from_team": old_team, "mode": mode})
    posted.state_changed = True
    posted.offline = False
    posted.queue_teams.add(old_team)
    _tell_customer(posted, mode=mode, reply=_security_reply(conversation))


def _security_reply(conversation: Conversation) -> str:
    with translation.override(conversation.language):
        return bot.security_reply()


def on_call_notify(conversation: Conversation) -> None:
    """Nobody of the security team is online: email each of its active people (once per chat
    and person, in their language) so the one on call comes to the console."""
    if conversation.team_id is None:
        return
    people = AgentProfile.objects.filter(teams=conversation.team_id, user__is_active=True)
    for profile in people.select_related("user"):
        if not profile.user.email:
            continue
        outbox_enqueue_email(
            dedupe_key=f"livechat-on-call-{conversation.pk}-{profile.user_id}",
            to=profile.user.email,
            template="livechat/emails/on_call",
            language=profile.preferred_language or "en",
            context={"conversation": conversation, "url": _console_url(conversation)},
        )


def _console_url(conversation: Conversation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("livechat_console:chats")


def _closed_text(conversation: Conversation) -> str:
    reopening = assignment.team_opens_at(conversation.team, now=conversation.queued_at)
    opens_at, zone = reopening if reopening else (None, "UTC")
    return texts.closed(conversation.language, opens_at=opens_at, zone=zone)


def bot_summary(conversation: Conversation) -> str:
    """What the customer asked and what the bot offered, so the agent does not ask again."""
    turns = list(
        conversation.messages.filter(sender__in=[SenderKind.CUSTOMER, SenderKind.BOT])
        .exclude(sender=SenderKind.BOT, bot_action__in=["", bot.GREETING])
        .order_by("-id")[: SUMMARY_TURNS * 2]
    )
    lines = []
    for message in reversed(turns):
        if message.sender == SenderKind.CUSTOMER:
            lines.append(f"Customer: {message.body[:300]}")
        else:
            titles = ", ".join(article["title"] for article in message.articles) or "-"
            lines.append(f"Bot ({message.bot_action}): {titles}")
    return "\n".join(lines)


def conversation_accept(*, conversation_id: int, agent: AbstractBaseUser) -> Posted:
    """An agent takes a queued chat. Two agents accepting at once: the second is refused."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if conversation.status != Status.QUEUED:
            raise ChatError("already_taken", _("Another agent has already taken this chat."))
        if conversation.offered_to_id not in (None, agent.pk) and agent.pk in (
            offers.skipped_agent_ids(conversation)
        ):
            raise ChatError("offered_elsewhere", _("This chat was offered to someone else."))
        if not is_supervisor(agent) and not assignment.has_capacity(agent):
            raise ChatError("at_capacity", _("You have reached your maximum of open chats."))
        _assign(conversation, agent=agent, by=agent)
        posted = Posted(conversation, state_changed=True, queue_teams={conversation.team_id})
        posted.messages.append(joined_message(conversation, agent))
    return posted


def _assign(conversation: Conversation, *, agent: AbstractBaseUser, by: AbstractBaseUser) -> None:
    conversation.agent = agent
    conversation.offered_to = None
    conversation.assigned_at = timezone.now()
    offers.offer_taken(conversation, agent=agent, now=conversation.assigned_at)
    conversation_transition(
        conversation,
        to=Status.ASSIGNED,
        by=by,
        kind="assigned",
        fields=["agent", "offered_to", "assigned_at"],
    )
