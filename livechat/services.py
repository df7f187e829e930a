"""Every state change of a chat: one function per verb, each in one transaction.

Messages are stored (redacted) before anything is broadcast; callers broadcast what these
functions return. Side effects that leave the process (the ticket, the transcript email) run
after commit.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import assignment, bot, offers, texts
from livechat.models import (
    ChatMessage,
    Conversation,
    ConversationEvent,
    HandoffReason,
    OfferOutcome,
    SenderKind,
    Status,
)
from support.models import Team
from support.roles import has_role
from support.text import analyze, security_notice

MAX_OPEN_CHATS_PER_GUEST = 3
MAX_MESSAGE_CHARS = 4000
SUMMARY_TURNS = 6


class ChatError(Exception):
    """A refused chat action; `code` is stable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Posted:
    """What a write produced: new messages to broadcast and whether the queue moved."""

    conversation: Conversation
    messages: list[ChatMessage] = field(default_factory=list)
    duplicate_of: ChatMessage | None = None
    state_changed: bool = False
    offline: bool = False  # queued with no agent online: the customer may leave a message
    queue_teams: set = field(default_factory=set)
    offer_withdrawn_from: int | None = None  # the agent whose offer ran out
    offered_anew: bool = False  # a waiting chat was offered to an agent who came free
    marked_away: bool = False  # ... and who was set to away for missing offers


# --- Starting --------------------------------------------------------------------------------


def conversation_start(
    *,
    customer: AbstractBaseUser | None,
    guest_email: str = "",
    language: str,
    category: str,
    address: str | None = None,
    wants_transcript: bool = True,
) -> Conversation:
    """Open a chat with the bot. Guests are limited to a few open chats at once."""
    if customer is None:
        _check_guest_limit(email=guest_email, address=address, language=language)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            customer=customer,
            guest_email="" if customer else guest_email.strip().lower(),
            guest_key="" if customer else secrets.token_urlsafe(24),
            guest_address=address if customer is None else None,
            language=language,
            category=category,
            wants_transcript=wants_transcript,
        )
        conversation_event(conversation, "started", actor=customer, after=Status.BOT)
        ChatMessage.objects.create(
            conversation=conversation,
            sender=SenderKind.BOT,
            body=bot.greeting(language),
            automated=True,
            bot_action=bot.GREETING,
        )
    return conversation


def _check_guest_limit(*, email: str, address: str | None, language: str) -> None:
    same_guest = Q(guest_email=email.strip().lower())
    if address:
        same_guest |= Q(guest_address=address)
    open_chats = Conversation.objects.open().filter(customer=None).filter(same_guest).count()
    if open_chats >= MAX_OPEN_CHATS_PER_GUEST:
        with translation.override(language):
            raise ChatError(
                "too_many_chats",
                _("You already have several chats open. Please continue in one of them."),
            )


# --- Customer messages and the bot -----------------------------------------------------------


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


def _handoff(posted: Posted, *, reason: str, urgent: bool, category: str | None) -> None:
    conversation = posted.conversation
    before = conversation.status
    _check_transition(conversation, Status.QUEUED)
    conversation.status = Status.QUEUED
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
    conversation.save(
        update_fields=[
            "status", "urgent", "category", "handoff_reason", "bot_summary", "queued_at",
            "team", "offered_to",
        ]
    )  # fmt: skip
    data = {"reason": reason, "closed": True} if closed else {"reason": reason}
    conversation_event(conversation, "handoff", before=before, after=Status.QUEUED, data=data)
    posted.state_changed = True
    if closed:
        posted.messages.append(_system(conversation, _closed_text(conversation)))
        posted.offline = True
        return
    if not assignment.agents_online(team=conversation.team):
        posted.messages.append(_system(conversation, texts.offline(conversation.language)))
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


# --- Agents ----------------------------------------------------------------------------------


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
        posted.messages.append(_joined(conversation, agent))
    return posted


def _assign(conversation: Conversation, *, agent: AbstractBaseUser, by: AbstractBaseUser) -> None:
    before = conversation.status
    _check_transition(conversation, Status.ASSIGNED)
    conversation.status = Status.ASSIGNED
    conversation.agent = agent
    conversation.offered_to = None
    conversation.assigned_at = timezone.now()
    offers.offer_taken(conversation, agent=agent, now=conversation.assigned_at)
    conversation.save(update_fields=["status", "agent", "offered_to", "assigned_at"])
    conversation_event(conversation, "assigned", actor=by, before=before, after=Status.ASSIGNED)


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


def conversation_transfer(
    *,
    conversation_id: int,
    by: AbstractBaseUser,
    to_agent: AbstractBaseUser | None = None,
    to_team: Team | None = None,
    note: str = "",
) -> Posted:
    """Hand the chat to another agent (who gets it at once) or back to a team's queue."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        _check_may_act(conversation, by)
        posted = Posted(conversation, state_changed=True)
        if to_agent is not None:
            _reassign(conversation, agent=to_agent, by=by)
        elif to_team is not None:
            _requeue(conversation, team=to_team, by=by)
            posted.queue_teams.add(to_team.pk)
        else:
            raise ChatError("invalid", _("Choose an agent or a team."))
        conversation.transfer_note = note
        conversation.save(update_fields=["transfer_note"])
        if note:
            posted.messages.append(
                _store_message(conversation, SenderKind.AGENT, note, author=by, internal=True)
            )
    return posted


def _reassign(conversation: Conversation, *, agent: AbstractBaseUser, by: AbstractBaseUser):
    if conversation.status != Status.ASSIGNED:
        raise ChatError("invalid_transition", _("Only a chat with an agent can be transferred."))
    previous = conversation.agent_id
    conversation.agent = agent
    conversation.save(update_fields=["agent"])
    conversation_event(
        conversation, "transferred", actor=by, data={"from": previous, "to": agent.pk}
    )


def _requeue(conversation: Conversation, *, team: Team, by: AbstractBaseUser) -> None:
    before = conversation.status
    _check_transition(conversation, Status.QUEUED)
    conversation.status = Status.QUEUED
    conversation.team = team
    conversation.agent = None
    conversation.handoff_reason = HandoffReason.TRANSFER
    conversation.queued_at = timezone.now()
    offers.offer_next(conversation, now=conversation.queued_at)
    conversation.save(
        update_fields=["status", "team", "agent", "handoff_reason", "queued_at", "offered_to"]
    )
    conversation_event(conversation, "requeued", actor=by, before=before, after=Status.QUEUED)


def conversation_hand_back(*, conversation_id: int, by: AbstractBaseUser) -> Posted:
    """The agent hands the chat back to the bot."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        _check_may_act(conversation, by)
        before = conversation.status
        _check_transition(conversation, Status.BOT)
        conversation.status = Status.BOT
        conversation.agent = None
        conversation.offered_to = None
        offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=timezone.now())
        conversation.save(update_fields=["status", "agent", "offered_to"])
        conversation_event(conversation, "handed_back", actor=by, before=before, after=Status.BOT)
        with translation.override(conversation.language):
            text = _("You are back with the automated assistant. Ask for a person at any time.")
        message = _system(conversation, text, automated=True)
    return Posted(conversation, [message], state_changed=True, queue_teams={conversation.team_id})


def conversation_end(*, conversation_id: int, by: AbstractBaseUser | None) -> Posted:
    """End the chat; it is recorded as a ticket and the transcript is emailed after commit."""
    from livechat import tasks, transcripts

    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        before = conversation.status
        _check_transition(conversation, Status.ENDED)
        conversation.status = Status.ENDED
        conversation.ended_at = timezone.now()
        conversation.offered_to = None
        offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=conversation.ended_at)
        conversation.save(update_fields=["status", "ended_at", "offered_to"])
        conversation_event(conversation, "ended", actor=by, before=before, after=Status.ENDED)
        with translation.override(conversation.language):
            text = _("The chat has ended. How did we do? Please rate this chat.")
        message = _system(conversation, text, automated=True)
        if conversation.wants_transcript and conversation.email:
            transcripts.enqueue_transcript_email(conversation)
        transaction.on_commit(lambda: tasks.conversation_record_ticket_task.delay(conversation.pk))
    return Posted(conversation, [message], state_changed=True, queue_teams={conversation.team_id})


def conversation_leave_message(*, conversation_id: int, client_id: str, text: str) -> Posted:
    """No agent is available: the customer's message ends the chat and becomes a ticket."""
    redacted = analyze(text).redacted_text
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if _existing(conversation, client_id) is not None or not conversation.is_open:
            return Posted(conversation)
        message = _store_message(conversation, SenderKind.CUSTOMER, redacted, client_id=client_id)
        posted = conversation_end(conversation_id=conversation_id, by=None)
        posted.messages.insert(0, message)
    return posted


def conversation_follow_up(*, conversation_id: int, by: AbstractBaseUser) -> Posted:
    """Convert the chat to a ticket now: end it, record the ticket, and tell the customer its
    reference; the team follows up by email."""
    from livechat import transcripts

    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        _check_may_act(conversation, by)
        posted = conversation_end(conversation_id=conversation_id, by=by)
    conversation = transcripts.conversation_record_ticket(conversation_id=conversation_id)
    with translation.override(conversation.language):
        text = _("We will follow up by email on ticket %(reference)s.") % {
            "reference": conversation.ticket_reference or "-"
        }
    posted.messages.append(_system(conversation, text))
    return posted


def conversation_rate(*, conversation_id: int, rating: int, comment: str = "") -> Conversation:
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        with translation.override(conversation.language):
            if conversation.status != Status.ENDED:
                raise ChatError("not_ended", _("You can rate the chat once it has ended."))
            if not 1 <= rating <= 5:
                raise ChatError("invalid", _("Choose a rating from 1 to 5."))
        conversation.rating = rating
        conversation.rating_comment = analyze(comment).redacted_text[:2000] if comment else ""
        conversation.save(update_fields=["rating", "rating_comment"])
        conversation_event(conversation, "rated", data={"rating": rating})
    return conversation


def conversation_mark_read(*, conversation_id: int, reader: str, up_to: int) -> None:
    field_name = "customer_read_up_to" if reader == SenderKind.CUSTOMER else "agent_read_up_to"
    Conversation.objects.filter(pk=conversation_id).update(
        **{field_name: Greatest(field_name, up_to)}
    )


# --- Helpers ---------------------------------------------------------------------------------


def is_supervisor(user: AbstractBaseUser) -> bool:
    return bool(user.is_superuser or has_role(user, "supervisor") or has_role(user, "admin"))


def _check_may_act(conversation: Conversation, user: AbstractBaseUser) -> None:
    if conversation.agent_id == user.pk or is_supervisor(user):
        return
    raise ChatError("not_allowed", _("This chat is assigned to another agent."))


def _check_transition(conversation: Conversation, target: str) -> None:
    if target not in Conversation.TRANSITIONS[conversation.status]:
        raise ChatError(
            "invalid_transition",
            _("This chat cannot move from “%(before)s” to “%(after)s”.")
            % {"before": conversation.get_status_display(), "after": Status(target).label},
        )


def conversation_lock(conversation_id: int) -> Conversation:
    try:
        return Conversation.objects.select_for_update().get(pk=conversation_id)
    except Conversation.DoesNotExist:
        raise ChatError("not_found", _("This chat does not exist.")) from None


def _existing(conversation: Conversation, client_id: str) -> ChatMessage | None:
    if not client_id:
        return None
    found = ChatMessage.objects.filter(conversation=conversation, client_message_id=client_id)
    return next(iter(found.order_by()[:1]), None)


def _store_message(
    conversation: Conversation,
    sender: str,
    body: str,
    *,
    client_id: str = "",
    author: AbstractBaseUser | None = None,
    internal: bool = False,
) -> ChatMessage:
    """Insert a message. The caller holds the conversation's row lock and has looked for the
    client id, so the unique constraint is only a backstop (it aborts the transaction)."""
    return ChatMessage.objects.create(
        conversation=conversation,
        sender=sender,
        body=body[:MAX_MESSAGE_CHARS],
        client_message_id=client_id[:64],
        author=author,
        internal=internal,
    )


def _system(conversation: Conversation, text: str, *, automated: bool = False) -> ChatMessage:
    return ChatMessage.objects.create(
        conversation=conversation, sender=SenderKind.SYSTEM, body=text, automated=automated
    )


def _joined(conversation: Conversation, agent: AbstractBaseUser) -> ChatMessage:
    return _system(conversation, texts.joined(conversation.language, name=agent.first_name))


def conversation_event(
    conversation: Conversation,
    kind: str,
    *,
    actor: AbstractBaseUser | None = None,
    before: str = "",
    after: str = "",
    data: dict | None = None,
) -> None:
    ConversationEvent.objects.create(
        conversation=conversation,
        kind=kind,
        actor=actor,
        before=before,
        after=after,
        data=data or {},
    )
