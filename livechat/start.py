"""Opening a chat: the customer meets the bot; guests may only have a few chats open."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from livechat import bot
from livechat.models import ChatMessage, Conversation, SenderKind, Status
from livechat.services import ChatError, conversation_event
from livechat.webhook_events import webhooks_chat_started


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
        webhooks_chat_started(conversation)
    return conversation


def _check_guest_limit(*, email: str, address: str | None, language: str) -> None:
    same_guest = Q(guest_email=email.strip().lower())
    if address:
        same_guest |= Q(guest_address=address)
    open_chats = Conversation.objects.open().filter(customer=None).filter(same_guest).count()
    if open_chats >= settings.LIVECHAT_GUEST_OPEN_CHATS:
        with translation.override(language):
            raise ChatError(
                "too_many_chats",
                _("You already have several chats open. Please continue in one of them."),
            )
