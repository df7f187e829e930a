"""Reads, including the one place that decides who may join a chat."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db.models import Case, IntegerField, Value, When

from livechat.models import ChatMessage, Conversation
from support.models import AgentProfile
from tickets.models import Macro
from tickets.services import customer_display_name, fill_placeholder_values

GUEST_TOKEN_SALT = "livechat.guest"  # noqa: S105 - a signing salt, not a secret
GUEST_TOKEN_MAX_AGE = 7 * 24 * 3600
REPLAY_LIMIT = 500
MACRO_LIMIT = 500


def guest_token(conversation: Conversation) -> str:
    """What a guest's browser shows to rejoin its chat: signed, never chosen by the browser."""
    return signing.dumps({"c": conversation.pk, "k": conversation.guest_key}, salt=GUEST_TOKEN_SALT)


def conversation_for_customer(
    *, pk: int, user: AbstractBaseUser | AnonymousUser, token: str = ""
) -> Conversation | None:
    """The chat `pk` if this signed-in customer owns it or the guest token names it, else None
    (missing and not-yours look the same)."""
    conversation = Conversation.objects.filter(pk=pk).first()
    if conversation is None:
        return None
    if conversation.customer_id is not None:
        owned = user.is_authenticated and conversation.customer_id == user.pk
        return conversation if owned else None
    try:
        claims = signing.loads(token, salt=GUEST_TOKEN_SALT, max_age=GUEST_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if claims.get("c") == conversation.pk and claims.get("k") == conversation.guest_key:
        return conversation
    return None


def messages_after(*, conversation_id: int, after: int, staff: bool) -> list[ChatMessage]:
    messages = ChatMessage.objects.filter(conversation_id=conversation_id, id__gt=after)
    if not staff:
        messages = messages.filter(internal=False)
    messages = messages.select_related("author", "conversation").prefetch_related("attachments")
    return list(messages.order_by("id")[:REPLAY_LIMIT])


def agent_chats(user: AbstractBaseUser, *, supervisor: bool) -> list[Conversation]:
    """The queue and the chats an agent works on (a supervisor sees every open chat)."""
    chats = Conversation.objects.open().exclude(status="bot")
    if not supervisor:
        chats = chats.filter(status="queued") | chats.filter(agent=user)
    return list(
        chats.select_related("customer", "agent", "team").order_by("-urgent", "queued_at", "id")[
            :200
        ]
    )


def agent_presence(user: AbstractBaseUser) -> str | None:
    """online, away or offline; None for staff without an agent profile."""
    return AgentProfile.objects.filter(user=user).values_list("presence", flat=True).first()


def customer_chats(customer: AbstractBaseUser) -> list[dict]:
    """Rows for the customer 360 panel: the customer's latest chats."""
    chats = Conversation.objects.filter(customer=customer).order_by("-id")[:10]
    return [
        {
            "reference": chat.ticket_reference or f"#{chat.pk}",
            "subject": chat.get_category_display(),
            "status": chat.get_status_display(),
            "created_at": chat.created_at,
            "url": "/console/chats/",
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
