"""The chat's record outside the chat: a ticket of channel chat through tickets' intake, and
the transcript emailed to the customer in their language."""

from django.utils import translation
from django.utils.translation import gettext as _

from livechat.models import ChatMessage, Conversation, SenderKind
from support.services import outbox_enqueue_email

CHANNEL = "chat"


def transcript_lines(conversation: Conversation) -> list[dict]:
    """The customer-visible messages, oldest first (internal notes stay out)."""
    messages = conversation.messages.filter(internal=False).order_by("id")
    return [
        {
            "time": message.created_at,
            "sender": _sender_label(message),
            "body": message.body,
            "automated": message.automated,
        }
        for message in messages
    ]


def _sender_label(message: ChatMessage) -> str:
    labels = {
        SenderKind.CUSTOMER: _("You"),
        SenderKind.BOT: _("Assistant (automated)"),
        SenderKind.AGENT: _("Support agent"),
        SenderKind.SYSTEM: _("Support"),
    }
    return labels[message.sender]


def transcript_text(conversation: Conversation) -> str:
    with translation.override(conversation.language):
        lines = transcript_lines(conversation)
    return "\n".join(
        f"[{line['time']:%Y-%m-%d %H:%M} UTC] {line['sender']}: {line['body']}" for line in lines
    )


def enqueue_transcript_email(conversation: Conversation) -> None:
    """Queue the transcript email in the caller's transaction (once per chat)."""
    with translation.override(conversation.language):
        lines = transcript_lines(conversation)
    outbox_enqueue_email(
        dedupe_key=f"livechat-transcript-{conversation.pk}",
        to=conversation.email,
        template="livechat/emails/transcript",
        language=conversation.language,
        context={"conversation": conversation, "lines": lines},
    )


def record_ticket(conversation: Conversation) -> str:
    """The ended chat as a ticket of channel chat; returns the ticket's reference."""
    from tickets.intake import InboundMessage, intake_message

    if not conversation.email:
        return ""
    with translation.override(conversation.language):
        subject = _("Live chat %(number)s") % {"number": conversation.pk}
    ticket = intake_message(
        InboundMessage(
            channel=CHANNEL,
            text=transcript_text(conversation) or subject,
            customer_email=conversation.email,
            customer_id=conversation.customer_id,
            subject=subject,
            external_id=f"livechat-{conversation.pk}",
            conversation_id=f"livechat-{conversation.pk}",
            language_hint=conversation.language,
            category=conversation.category,
            metadata={"livechat_conversation": conversation.pk, "rating": conversation.rating},
        )
    )
    return ticket.reference


def conversation_record_ticket(*, conversation_id: int) -> Conversation:
    """Record the ended chat as a ticket of channel chat (idempotent: once per chat)."""
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    if conversation.ticket_reference:
        return conversation
    reference = record_ticket(conversation)
    if reference:
        Conversation.objects.filter(pk=conversation_id, ticket_reference="").update(
            ticket_reference=reference
        )
        conversation.ticket_reference = reference
    return conversation
