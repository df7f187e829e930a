"""The database side of each websocket frame: one synchronous call per frame, run by the
consumers on their database thread pool (`consumers.in_pool`). Every frame that touches a chat
goes through `selectors.conversation_get_for_user` first — the connect check is not enough,
since access changes while a socket is open — and each returns an Outcome (livechat.publish)
built only from rows already committed."""

import threading
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import InterfaceError, OperationalError, close_old_connections
from django.http import Http404
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
from livechat.models import Conversation, SenderKind, Status
from livechat.offer_sweep import conversation_withdraw_offers_of
from livechat.publish import Outcome, conversation_group, publish, team_group
from livechat.selectors import Access
from livechat.transfer import conversation_hand_back, conversation_transfer
from support.models import AgentProfile, Team
from support.roles import is_staff_member
from support.services import agent_set_presence
from support.teams import hidden_teams

CONNECTION_CHECK_SECONDS = 10.0
_checked = threading.local()

# What each agent frame needs: opening the chat, or acting in it (livechat.selectors.Access).
AGENT_ACCESS = {
    "join": Access.VIEW,
    "read": Access.VIEW,
    "accept": Access.TAKE,
    "message": Access.ACT,
    "note": Access.ACT,
    "transfer": Access.ACT,
    "hand_back": Access.ACT,
    "end": Access.ACT,
    "follow_up": Access.ACT,
}
CUSTOMER_ACCESS = {"resume": Access.VIEW, "read": Access.VIEW}  # the rest: Access.ACT


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


def _error(error: services.ChatError) -> Outcome:
    return Outcome(replies=[frames.error_frame(error.code, error.message)])


def not_found() -> services.ChatError:
    """What every refusal of access looks like: the same as a chat that does not exist."""
    return services.ChatError("not_found", _("This chat does not exist."))


def _get(user, pk: int, *, token: str = "", access: Access) -> Conversation:
    try:
        return selectors.conversation_get_for_user(user=user, pk=pk, token=token, for_action=access)
    except Http404:
        raise not_found() from None


# --- Customers -------------------------------------------------------------------------------


@_fresh
def customer_connect(*, pk: int, user, token: str) -> Conversation | None:
    return selectors.conversation_for_customer(pk=pk, user=user, token=token)


@_fresh
def customer_frame(*, conversation_id: int, user, token: str = "", frame: dict) -> Outcome:
    """One frame from a customer (or a guest with the chat's token), checked again here: a
    frame answers `not_found` once the chat is no longer theirs."""
    kind = frame["type"]
    try:
        access = CUSTOMER_ACCESS.get(kind, Access.ACT)
        conversation_id = _get(user, conversation_id, token=token, access=access).pk
        return _customer_action(kind, user=user, conversation_id=conversation_id, frame=frame)
    except services.ChatError as error:
        return _error(error)


def _customer_action(kind: str, *, user, conversation_id: int, frame: dict) -> Outcome:
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
    return Outcome()


def _resume(conversation_id: int, *, after: int, staff: bool) -> Outcome:
    messages = selectors.messages_after(conversation_id=conversation_id, after=after, staff=staff)
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    outcome = Outcome(replies=[frames.message_frame(message) for message in messages])
    # The same rule as the handoff (livechat.handoff.handoff_mode): the offline form only
    # when nobody of the team is online, and never for a security chat (on-call rule).
    offline = (
        conversation.status == Status.QUEUED
        and not conversation.urgent
        and not assignment.agents_online(team=conversation.team)
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


@dataclass(frozen=True)
class AgentAccess:
    """What an agent's console may receive now (re-read every few seconds while it is open)."""

    user: AbstractBaseUser | None  # freshly read; None: no longer allowed on the console
    team_groups: frozenset[str]  # the groups of the restricted teams they may read
    following: frozenset[int]  # of the chats the console follows, those still visible


@_fresh
def agent_access(*, user_id: int, following: frozenset[int] = frozenset()) -> AgentAccess:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not (is_staff_member(user) and user.has_perm("support.use_console")):
        return AgentAccess(None, frozenset(), frozenset())
    readable = Team.objects.filter(restricted=True).exclude(pk__in=hidden_teams(user))
    visible = Conversation.objects.visible_to(user).filter(pk__in=following)
    return AgentAccess(
        user,
        frozenset(team_group(pk) for pk in readable.values_list("pk", flat=True)),
        frozenset(visible.values_list("pk", flat=True)),
    )


@_fresh
def agent_snapshot(*, user: AbstractBaseUser) -> Outcome:
    return Outcome(
        replies=[frames.chat_summary_frame(chat) for chat in selectors.agent_chats(user)]
    )


@_fresh
def agent_frame(*, user: AbstractBaseUser, frame: dict) -> Outcome:
    """One frame from a signed-in agent; every frame but presence names its conversation, and
    each is checked against what this agent may do with it now."""
    kind = frame["type"]
    try:
        if kind == "presence":
            return _presence(user, frame["presence"])
        conversation = _get(user, frame["conversation"], access=AGENT_ACCESS[kind])
        return _agent_action(kind, user=user, conversation_id=conversation.pk, frame=frame)
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
        outcome = _resume(conversation_id, after=frame.get("after", 0), staff=True)
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
        return publish(conversation_follow_up(conversation_id=conversation_id, by=user))
    if kind == "read":
        return _read(conversation_id, SenderKind.AGENT, frame["up_to"])
    return Outcome()


def _transfer(user, conversation_id: int, frame: dict) -> services.Posted:
    """To an agent (an agent profile's user) or a team; an id that names neither is refused
    like a transfer to nobody."""
    to_agent = to_team = None
    if frame.get("to_agent"):
        profile = AgentProfile.objects.select_related("user").filter(user_id=frame["to_agent"])
        to_agent = next((found.user for found in profile[:1]), None)
    if frame.get("to_team"):
        to_team = Team.objects.filter(pk=frame["to_team"]).first()
    return conversation_transfer(
        conversation_id=conversation_id,
        by=user,
        to_agent=to_agent,
        to_team=to_team,
        note=frame.get("note", ""),
    )


def user_language(user) -> str:
    from support.services import user_preferred_language

    return user_preferred_language(user) or translation.get_language() or "en"
