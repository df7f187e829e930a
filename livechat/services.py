"""What every state change of a chat shares — the public face its sibling modules use: the
refusal (`ChatError`), the result (`Posted`), the row lock, the one transition function with its
event row, the may-act check and the message helpers. The verbs live by stage: `start.py`
(opening a chat), `messages.py` (customer and agent messages, the bot's turn), `handoff.py`
(bot to queue to agent), `transfer.py` (to another agent or team, back to the bot), `ending.py`
(ending, leaving a message, follow-up, rating).

Messages are stored (redacted) before anything is broadcast; callers broadcast what these
functions return, after commit (`livechat.publish`). Side effects that leave the process (the
ticket, the transcript email) run after commit. The two functions that store a message also
relay it, after commit, to the channel a Telegram customer writes from
(`channel_relay.chat_relay_on_commit`): done where messages are stored, so no verb can forget it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from livechat import texts
from livechat.channel_relay import chat_relay_on_commit
from livechat.models import (
    ChatMessage,
    Conversation,
    ConversationEvent,
    SenderKind,
    Status,
    is_supervisor,
)

__all__ = [
    "MAX_MESSAGE_CHARS",
    "ChatError",
    "Posted",
    "check_may_act",
    "conversation_event",
    "conversation_lock",
    "conversation_transition",
    "existing_message",
    "is_supervisor",
    "joined_message",
    "store_message",
    "system_message",
]

MAX_MESSAGE_CHARS = 4000


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
    offer_withdrawn_from: int | None = None  # the agent whose offer ran out or was withdrawn
    offer_expired: bool = False  # ... ran out (not withdrawn because the agent went away)
    offered_anew: bool = False  # a waiting chat was offered to an agent who came free
    marked_away: bool = False  # ... and who was set to away for missing offers
    redacted: list[ChatMessage] = field(default_factory=list)  # earlier messages, new text
    summary_changed: bool = False  # what agents see of the chat changed (not its state)


# --- Helpers ---------------------------------------------------------------------------------


def check_may_act(conversation: Conversation, user: AbstractBaseUser) -> None:
    """Under the chat's row lock: the agent still has the chat (or is a supervisor). The
    entry points check access first (selectors.conversation_get_for_user); this catches a
    chat that moved on between that check and the lock."""
    if conversation.agent_id == user.pk or is_supervisor(user):
        return
    raise ChatError("not_allowed", _("This chat is assigned to another agent."))


def conversation_lock(conversation_id: int) -> Conversation:
    try:
        return Conversation.objects.select_for_update().get(pk=conversation_id)
    except Conversation.DoesNotExist:
        raise ChatError("not_found", _("This chat does not exist.")) from None


def conversation_transition(
    conversation: Conversation,
    *,
    to: str,
    by: AbstractBaseUser | None,
    kind: str,
    fields: Iterable[str] = (),
    data: dict | None = None,
) -> None:
    """The one way a chat's status changes: through `Conversation.TRANSITIONS` (ChatError
    `invalid_transition` otherwise), saving the status with the other changed `fields`, and
    writing the event row. The caller holds the chat's row lock (`conversation_lock`)."""
    before = conversation.status
    if to not in Conversation.TRANSITIONS[before]:
        raise ChatError(
            "invalid_transition",
            _("This chat cannot move from “%(before)s” to “%(after)s”.")
            % {"before": conversation.get_status_display(), "after": Status(to).label},
        )
    conversation.status = to
    conversation.save(update_fields=["status", *dict.fromkeys(fields)])
    conversation_event(conversation, kind, actor=by, before=before, after=to, data=data)


def existing_message(conversation: Conversation, client_id: str) -> ChatMessage | None:
    """The message already stored under this client id (a resend), if any."""
    if not client_id:
        return None
    found = ChatMessage.objects.filter(conversation=conversation, client_message_id=client_id)
    return next(iter(found.order_by()[:1]), None)


def store_message(
    conversation: Conversation,
    sender: str,
    body: str,
    *,
    client_id: str = "",
    author: AbstractBaseUser | None = None,
    internal: bool = False,
) -> ChatMessage:
    """Insert a message whose body is already redacted, relayed after commit to the chat's
    channel when it is ours and not internal. The caller holds the conversation's row lock and
    has looked for the client id, so the unique constraint is only a backstop (it aborts the
    transaction)."""
    message = ChatMessage.objects.create(
        conversation=conversation,
        sender=sender,
        body=body[:MAX_MESSAGE_CHARS],
        client_message_id=client_id[:64],
        author=author,
        internal=internal,
    )
    chat_relay_on_commit(message)
    return message


def system_message(
    conversation: Conversation, text: str, *, automated: bool = False
) -> ChatMessage:
    """A message of the system to the customer, relayed after commit like `store_message`."""
    message = ChatMessage.objects.create(
        conversation=conversation, sender=SenderKind.SYSTEM, body=text, automated=automated
    )
    chat_relay_on_commit(message)
    return message


def joined_message(conversation: Conversation, agent: AbstractBaseUser) -> ChatMessage:
    return system_message(conversation, texts.joined(conversation.language, name=agent.first_name))


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
