"""Reads, including the one way in to a chat: `conversation_get_for_user`."""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from livechat.models import ChatMessage, Conversation
from support.models import AgentProfile
from support.roles import is_staff_member
from support.teams import team_readable_filter
from tickets.models import Macro
from tickets.services import customer_display_name, fill_placeholder_values

GUEST_TOKEN_SALT = "livechat.guest"  # noqa: S105 - a signing salt, not a secret
GUEST_TOKEN_MAX_AGE = 7 * 24 * 3600
REPLAY_LIMIT = 500
MACRO_LIMIT = 500


def guest_token(conversation: Conversation) -> str:
    """What a guest's browser shows to rejoin its chat: signed, never chosen by the browser."""
    return signing.dumps({"c": conversation.pk, "k": conversation.guest_key}, salt=GUEST_TOKEN_SALT)


class Access(StrEnum):
    """What a caller wants to do with a chat."""

    VIEW = "view"  # open it: join, replay, read marks, the console's panes, files
    ACT = "act"  # write in it or change it: message, note, file, transfer, hand back, end
    TAKE = "take"  # accept it from the queue


def conversation_get_for_user(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    pk: int,
    token: str = "",
    for_action: Access = Access.VIEW,
) -> Conversation:
    """The one way in to a chat, for pages, the API, every websocket frame and tasks acting
    for someone: the chat `pk` if `user` (or a guest holding the chat's signed `token`) may
    do `for_action` with it (`Conversation.objects.visible_to` / `actable_by`), else Http404
    — the same for a chat that is missing and one that is not theirs."""
    user = user if user is not None else AnonymousUser()
    chats = Conversation.objects.select_related("customer")
    allowed = {
        Access.VIEW: chats.visible_to,
        Access.ACT: chats.actable_by,
        Access.TAKE: chats.takeable_by,
    }[Access(for_action)](user)
    conversation = allowed.filter(pk=pk).first()
    if conversation is None and token and not is_staff_member(user):
        conversation = _guest_chat(chats, pk=pk, token=token)
    if conversation is None:
        raise Http404
    return conversation


def conversation_for_customer(
    *, pk: int, user: AbstractBaseUser | AnonymousUser | None, token: str = ""
) -> Conversation | None:
    """`conversation_get_for_user` answering None instead of Http404 (a socket's connect)."""
    try:
        return conversation_get_for_user(user=user, pk=pk, token=token)
    except Http404:
        return None


def _guest_chat(chats, *, pk: int, token: str) -> Conversation | None:
    """The guest chat `pk` if `token` is its signed token (bound to its id and guest key)."""
    try:
        claims = signing.loads(token, salt=GUEST_TOKEN_SALT, max_age=GUEST_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(claims, dict) or claims.get("c") != pk:
        return None
    return chats.filter(pk=pk, customer=None, guest_key=claims.get("k") or "-").first()


def messages_after(*, conversation_id: int, after: int, staff: bool) -> list[ChatMessage]:
    messages = ChatMessage.objects.filter(conversation_id=conversation_id, id__gt=after)
    if not staff:
        messages = messages.filter(internal=False)
    messages = messages.select_related("author", "conversation").prefetch_related("attachments")
    return list(messages.order_by("id")[:REPLAY_LIMIT])


def agent_chats(user: AbstractBaseUser, *, limit: int = 200) -> list[Conversation]:
    """The queue and the chats an agent works on (a supervisor sees every open chat), of the
    teams they may read: their own chats first, so a long queue never pushes them out of the
    first 200."""
    chats = Conversation.objects.visible_to(user).open().exclude(status="bot")
    chats = chats.select_related("customer", "agent", "team")
    mine = Case(
        When(agent_id=user.pk, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(chats.order_by(mine, "-urgent", "queued_at", "id")[:limit])


def agent_presence(user: AbstractBaseUser) -> str | None:
    """online, away or offline; None for staff without an agent profile."""
    return AgentProfile.objects.filter(user=user).values_list("presence", flat=True).first()


def customer_chats(
    customer: AbstractBaseUser, viewer: AbstractBaseUser | None = None
) -> list[dict]:
    """Rows for the customer 360 panel: the customer's latest chats, but not those of a
    restricted team `viewer` may not read (support.teams)."""
    chats = Conversation.objects.filter(customer=customer)
    chats = chats.filter(team_readable_filter(viewer or AnonymousUser())).order_by("-id")[:10]
    return [
        {
            "id": chat.pk,
            "reference": chat.ticket_reference or f"#{chat.pk}",
            "subject": chat.get_category_display(),
            "status": chat.get_status_display(),
            "created_at": chat.created_at,
            "url": "/console/chats/",
            # the chat's impersonation event, in words (the panels show it as a badge)
            "warning": _("Possible impersonation scam.") if chat.impersonation_suspected else "",
        }
        for chat in chats
    ]


def chat_macros(conversation: Conversation) -> list[dict]:
    """The active macros for a chat's pane, the chat's language first, each filled for this
    chat: {customer_name}, and {reference} from the chat's ticket record when it has one (a
    line holding a reference the chat does not have is left out)."""
    values = {
        "customer_name": customer_display_name(conversation.customer, conversation.email),
        "reference": conversation.ticket_reference,
    }
    own_language_first = Case(
        When(language=conversation.language, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    macros = Macro.objects.filter(active=True).order_by(own_language_first, "name", "language")
    return [
        {
            "id": macro.pk,
            "key": macro.key,
            "name": macro.name,
            "language": macro.language,
            "text": fill_placeholder_values(macro.body, values=values),
        }
        for macro in macros[:MACRO_LIMIT]
    ]
