"""The handoff: the bot queues the chat for a team (with a summary of what it tried), and an
agent accepts it from the queue."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livechat import assignment, bot, offers, texts
from livechat.models import Conversation, SenderKind, Status
from livechat.services import (
    ChatError,
    Posted,
    conversation_lock,
    conversation_transition,
    is_supervisor,
    joined_message,
    system_message,
)

SUMMARY_TURNS = 6


def conversation_queue(posted: Posted, *, reason: str, urgent: bool, category: str | None) -> None:
    """The bot hands the chat (locked by the caller) to a team's queue, with a summary of what
    it tried; offered to an agent at once unless the team is closed."""
    conversation = posted.conversation
    conversation.urgent = urgent or conversation.urgent
    conversation.category = category or conversation.category
    conversation.handoff_reason = reason
    conversation.bot_summary = bot_summary(conversation)
    conversation.queued_at = timezone.now()
    conversation.team = assignment.pick_team(
        category=conversation.category, language=conversation.language, urgent=urgent
    )
    # Urgent (security) chats ignore opening hours: the security team must see them at once.
    closed = not conversation.urgent and not assignment.team_is_open(
        conversation.team, now=conversation.queued_at
    )
    if closed:
        conversation.offered_to = None
    else:
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
        data={"reason": reason, "closed": True} if closed else {"reason": reason},
    )  # fmt: skip
    posted.state_changed = True
    if closed:
        posted.messages.append(system_message(conversation, _closed_text(conversation)))
        posted.offline = True
        return
    if not assignment.agents_online(team=conversation.team):
        posted.messages.append(system_message(conversation, texts.offline(conversation.language)))
        posted.offline = True
    posted.queue_teams.add(conversation.team_id)


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
