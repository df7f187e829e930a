"""The database side of each websocket frame: one synchronous call per frame, run by the
consumers on their database thread pool (`consumers.in_pool`). Each returns an Outcome —
frames for the sender and frames for groups — built only from rows already committed."""

import threading
import time
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import assignment, frames, selectors, services
from livechat.ending import (
    conversation_end,
    conversation_follow_up,
    conversation_leave_message,
    conversation_rate,
)
from livechat.handoff import conversation_accept
from livechat.messages import (
    conversation_mark_read,
    conversation_post_agent_message,
    conversation_post_customer_message,
)
from livechat.models import ChatMessage, Conversation, SenderKind, Status
from livechat.offer_sweep import conversation_withdraw_offers_of
from livechat.transfer import conversation_hand_back, conversation_transfer
from support.models import AgentProfile, Team
from support.services import agent_set_presence

AGENTS_GROUP = "livechat.agents"
CONNECTION_CHECK_SECONDS = 10.0
_checked = threading.local()


def conversation_group(conversation_id: int) -> str:
    return f"livechat.conversation.{conversation_id}"


def staff_group(conversation_id: int) -> str:
    return f"livechat.staff.{conversation_id}"


def agent_group(user_id: int) -> str:
    return f"livechat.agent.{user_id}"


@dataclass
class Outcome:
    replies: list[dict] = field(default_factory=list)
    broadcasts: list[tuple[str, dict]] = field(default_factory=list)
    join: list[int] = field(default_factory=list)  # conversations the agent socket now follows


def _fresh(function):
    """Django's request cycle drops stale connections; a long-lived socket's database threads
    do it themselves, every few seconds rather than before every frame (each check costs a
    round trip to PostgreSQL with CONN_HEALTH_CHECKS)."""

    def wrapper(*args, **kwargs):
        now = time.monotonic()
        if now - getattr(_checked, "at", 0.0) > CONNECTION_CHECK_SECONDS:
            close_old_connections()
            _checked.at = now
        try:
            return function(*args, **kwargs)
        except (InterfaceError, OperationalError):
            close_old_connections()  # a dead connection: the next frame reconnects
            _checked.at = 0.0
            raise

    return wrapper


def publish(posted: services.Posted, *, client_id: str = "") -> Outcome:
    outcome = Outcome()
    if posted.duplicate_of is not None:
        outcome.replies.append(frames.ack_frame(posted.duplicate_of))
        return outcome
    conversation = posted.conversation
    for message in posted.messages:
        if client_id and message.client_message_id == client_id:
            outcome.replies.append(frames.ack_frame(message))
        outcome.broadcasts.append((_group_for(message), frames.message_frame(message)))
    if posted.state_changed:
        outcome.broadcasts.append(
            (
                conversation_group(conversation.pk),
                frames.state_frame(conversation, offline=posted.offline),
            )
        )
    if posted.state_changed or posted.offer_withdrawn_from is not None or posted.offered_anew:
        outcome.broadcasts.append((AGENTS_GROUP, frames.chat_summary_frame(conversation)))
    if posted.offer_withdrawn_from is not None:
        frame = frames.offer_withdrawn_frame(
            conversation.pk, away=posted.marked_away, expired=posted.offer_expired
        )
        outcome.broadcasts.append((agent_group(posted.offer_withdrawn_from), frame))
    for team_id in posted.queue_teams:
        for pk, position, wait in assignment.queue_positions(team_id=team_id):
            outcome.broadcasts.append(
                (conversation_group(pk), frames.queue_frame(pk, position, wait))
            )
    return outcome


def _group_for(message: ChatMessage) -> str:
    if message.internal:
        return staff_group(message.conversation_id)
    return conversation_group(message.conversation_id)


def _error(error: services.ChatError) -> Outcome:
    return Outcome(replies=[frames.error_frame(error.code, error.message)])


# --- Customers -------------------------------------------------------------------------------


@_fresh
def customer_connect(*, pk: int, user, token: str) -> Conversation | None:
    return selectors.conversation_for_customer(pk=pk, user=user, token=token)


@_fresh
def customer_frame(*, conversation_id: int, user, frame: dict) -> Outcome:
    """One frame from a customer whose access was checked on connect."""
    kind = frame.get("type")
    try:
        if kind == "message":
            posted = conversation_post_customer_message(
                conversation_id=conversation_id, client_id=frame["client_id"], text=frame["text"]
            )
            return publish(posted, client_id=frame["client_id"])
        if kind == "resume":
            return _resume(conversation_id, after=frame["after"], staff=False)
        if kind == "read":
            return _read(conversation_id, SenderKind.CUSTOMER, frame["up_to"])
        if kind == "leave_message":
            posted = conversation_leave_message(
                conversation_id=conversation_id, client_id=frame["client_id"], text=frame["text"]
            )
            return publish(posted, client_id=frame["client_id"])
        if kind == "end":
            by = user if user is not None and user.is_authenticated else None
            return publish(conversation_end(conversation_id=conversation_id, by=by))
        if kind == "rate":
            conversation = conversation_rate(
                conversation_id=conversation_id,
                rating=frame["rating"],
                comment=frame.get("comment", ""),
            )
            return Outcome(replies=[{**frames.state_frame(conversation), "type": "rated"}])
    except services.ChatError as error:
        return _error(error)
    return Outcome()


def _resume(conversation_id: int, *, after: int, staff: bool) -> Outcome:
    messages = selectors.messages_after(conversation_id=conversation_id, after=after, staff=staff)
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    outcome = Outcome(replies=[frames.message_frame(message) for message in messages])
    offline = conversation.status == Status.QUEUED and (
        not assignment.agents_online(team=conversation.team)
        or (
            not conversation.urgent
            and not assignment.team_is_open(conversation.team, now=timezone.now())
        )
    )
    outcome.replies.append(frames.state_frame(conversation, offline=offline))
    if conversation.status == Status.QUEUED:
        for pk, position, wait in assignment.queue_positions(team_id=conversation.team_id):
            if pk == conversation_id:
                outcome.replies.append(frames.queue_frame(pk, position, wait))
    if staff:
        outcome.replies.append(frames.chat_summary_frame(conversation))
    last = messages[-1].pk if messages else after
    outcome.replies.append({"type": "resumed", "conversation": conversation_id, "last_id": last})
    return outcome


def _read(conversation_id: int, reader: str, up_to: int) -> Outcome:
    conversation_mark_read(conversation_id=conversation_id, reader=reader, up_to=up_to)
    frame = {"type": "read", "conversation": conversation_id, "by": reader, "up_to": up_to}
    return Outcome(broadcasts=[(conversation_group(conversation_id), frame)])


# --- Agents ----------------------------------------------------------------------------------


@_fresh
def agent_snapshot(*, user: AbstractBaseUser) -> Outcome:
    chats = selectors.agent_chats(user, supervisor=services.is_supervisor(user))
    return Outcome(replies=[frames.chat_summary_frame(chat) for chat in chats])


def may_join(conversation: Conversation, user: AbstractBaseUser) -> bool:
    """Agents see the queue and their own chats; supervisors may watch any chat."""
    return (
        conversation.status == Status.QUEUED
        or conversation.agent_id == user.pk
        or services.is_supervisor(user)
    )


@_fresh
def agent_frame(*, user: AbstractBaseUser, frame: dict) -> Outcome:
    """One frame from a signed-in agent; every frame names its conversation."""
    kind = frame.get("type")
    if kind == "presence":
        return _presence(user, frame["presence"])
    conversation_id = int(frame["conversation"])
    try:
        return _agent_action(kind, user=user, conversation_id=conversation_id, frame=frame)
    except services.ChatError as error:
        return _error(error)


def _presence(user: AbstractBaseUser, presence: str) -> Outcome:
    """Set the agent's presence; away or offline, their open offers go to the next agent."""
    agent_set_presence(agent=user, presence=presence)
    outcome = Outcome(replies=[{"type": "presence", "presence": presence}])
    if presence != AgentProfile.Presence.ONLINE:
        for posted in conversation_withdraw_offers_of(agent=user, now=timezone.now()):
            outcome.broadcasts += publish(posted).broadcasts
    return outcome


def _agent_action(kind: str, *, user, conversation_id: int, frame: dict) -> Outcome:
    if kind == "join":
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None or not may_join(conversation, user):
            raise services.ChatError("not_allowed", _("You may not open this chat."))
        outcome = _resume(conversation_id, after=int(frame.get("after", 0)), staff=True)
        outcome.join.append(conversation_id)
        return outcome
    if kind == "accept":
        outcome = publish(conversation_accept(conversation_id=conversation_id, agent=user))
        outcome.join.append(conversation_id)
        return outcome
    if kind in ("message", "note"):
        posted = conversation_post_agent_message(
            conversation_id=conversation_id,
            agent=user,
            client_id=frame["client_id"],
            text=frame["text"],
            internal=kind == "note",
        )
        return publish(posted, client_id=frame["client_id"])
    if kind == "transfer":
        return publish(_transfer(user, conversation_id, frame))
    if kind == "hand_back":
        return publish(conversation_hand_back(conversation_id=conversation_id, by=user))
    if kind == "end":
        return publish(conversation_end(conversation_id=conversation_id, by=user))
    if kind == "follow_up":
        posted = conversation_follow_up(conversation_id=conversation_id, by=user)
        return publish(posted)
    if kind == "read":
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None or not may_join(conversation, user):
            raise services.ChatError("not_allowed", _("You may not open this chat."))
        return _read(conversation_id, SenderKind.AGENT, int(frame["up_to"]))
    return Outcome()


def _transfer(user, conversation_id: int, frame: dict) -> services.Posted:
    to_agent = to_team = None
    if frame.get("to_agent"):
        profile = AgentProfile.objects.select_related("user").filter(user_id=frame["to_agent"])
        to_agent = profile.first().user if profile.exists() else None
    if frame.get("to_team"):
        to_team = Team.objects.filter(pk=frame["to_team"]).first()
    return conversation_transfer(
        conversation_id=conversation_id,
        by=user,
        to_agent=to_agent,
        to_team=to_team,
        note=str(frame.get("note", ""))[:2000],
    )


def user_language(user) -> str:
    from support.services import user_preferred_language

    return user_preferred_language(user) or translation.get_language() or "en"
