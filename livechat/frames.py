"""The JSON frames of the chat protocol (docs/livechat.md): what clients may send, checked at
the edge before anything else reads a frame (`frame_problem`), and what the server sends,
built from stored rows."""

import json
from collections.abc import Callable

from django.utils.translation import gettext as _

from livechat.bot import GREETING, quick_replies
from livechat.models import ChatMessage, Conversation
from livechat.services import MAX_MESSAGE_CHARS
from support.models import AgentProfile

MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger id must not reach a query
MAX_CLIENT_ID = 64
MAX_NOTE_CHARS = 2000

# --- What clients send -----------------------------------------------------------------------

Check = Callable[[object], bool]


def _is_id(value: object) -> bool:
    """A row id or a message id to resume after: an int (not a bool) a bigint can hold."""
    return type(value) is int and 0 <= value <= MAX_ID


def _is_optional_id(value: object) -> bool:
    return value is None or value == "" or _is_id(value)


def _is_small_int(value: object) -> bool:
    return type(value) is int and -(2**31) <= value < 2**31


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_presence(value: object) -> bool:
    return isinstance(value, str) and value in AgentProfile.Presence.values


def _is_note(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_NOTE_CHARS


# Each frame type: {field: (check, required)}; other fields are ignored.
CONVERSATION = {"conversation": (_is_id, True)}
MESSAGE = {"client_id": (None, True), "text": (None, True)}  # checked by _message_problem
CUSTOMER_FRAMES: dict[str, dict[str, tuple[Check | None, bool]]] = {
    "ping": {},
    "typing": {"active": (_is_bool, False)},
    "message": MESSAGE,
    "leave_message": MESSAGE,
    "resume": {"after": (_is_id, True)},
    "read": {"up_to": (_is_id, True)},
    "end": {},
    "rate": {"rating": (_is_small_int, True), "comment": (_is_note, False)},
}
AGENT_FRAMES: dict[str, dict[str, tuple[Check | None, bool]]] = {
    "ping": {},
    "presence": {"presence": (_is_presence, True)},
    "typing": {**CONVERSATION, "active": (_is_bool, False)},
    "join": {**CONVERSATION, "after": (_is_id, False)},
    "leave": CONVERSATION,
    "accept": CONVERSATION,
    "message": {**CONVERSATION, **MESSAGE},
    "note": {**CONVERSATION, **MESSAGE},
    "read": {**CONVERSATION, "up_to": (_is_id, True)},
    "transfer": {
        **CONVERSATION,
        "to_agent": (_is_optional_id, False),
        "to_team": (_is_optional_id, False),
        "note": (_is_note, False),
    },
    "hand_back": CONVERSATION,
    "end": CONVERSATION,
    "follow_up": CONVERSATION,
}


def parse(text: str | None) -> object:
    """The JSON value of a text frame, or None when it is not JSON (or nested too deep)."""
    try:
        return json.loads(text or "")
    except (ValueError, RecursionError):
        return None


def frame_problem(
    frame: object, kinds: dict[str, dict[str, tuple[Check | None, bool]]]
) -> tuple[str, str] | None:
    """(code, message) when `frame` is not one of `kinds` with fields of the right types, in
    the active language; None when it may be handled. Never echoes the frame."""
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return "invalid", _("This message could not be understood.")
    fields = kinds.get(frame["type"])
    if fields is None:
        return "unknown_type", _("This message could not be understood.")
    if "text" in fields:
        problem = _message_problem(frame)
        if problem is not None:
            return problem
    for name, (check, required) in fields.items():
        if name not in frame:
            if required:
                return "invalid", _("This message could not be understood.")
        elif check is not None and not check(frame[name]):
            return "invalid", _("This message could not be understood.")
    return None


def _message_problem(frame: dict) -> tuple[str, str] | None:
    client_id, text = frame.get("client_id"), frame.get("text")
    if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID:
        return "invalid", _("Each message needs its own client id.")
    if not isinstance(text, str) or not text.strip():
        return "invalid", _("Please type a message.")
    if len(text) > MAX_MESSAGE_CHARS:
        return "too_large", _("This message is too long. Please split it up.")
    return None


# --- What the server sends -------------------------------------------------------------------


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


def redacted_frame(message: ChatMessage) -> dict:
    """An earlier message lost part of a secret (found when a later message completed it):
    clients replace its text."""
    return {
        "type": "redacted",
        "conversation": message.conversation_id,
        "id": message.pk,
        "body": message.body,
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
        "impersonation_suspected": conversation.impersonation_suspected,
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
