"""The chat's record outside the chat: a ticket of channel chat through tickets' intake, and
the transcript emailed to the customer in their language."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from livechat.models import ChatMessage, Conversation, ConversationEvent, SenderKind, Status
from support.services import outbox_enqueue_email

CHANNEL = "chat"
RECORDED = "recorded"  # the event that says the ended chat's ticket step has run
RECORD_GRACE = timedelta(minutes=3)  # how long the task may take before the sweep steps in
RECORD_WINDOW = timedelta(days=7)  # older chats are not looked at again (bounds the scan)
RECORD_BATCH = 500

logger = logging.getLogger(__name__)


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
        SenderKind.CUSTOMER: pgettext("message author: the customer reading it", "You"),
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


def customer_text(conversation: Conversation) -> str:
    """What the customer wrote, oldest first: the only words that decide the ticket's urgency
    and category (the bot's answers mention account takeover, an agent quotes a warning)."""
    bodies = conversation.messages.filter(sender=SenderKind.CUSTOMER, internal=False)
    return "\n\n".join(bodies.order_by("id").values_list("body", flat=True))


def record_ticket(conversation: Conversation) -> str:
    """The ended chat as a ticket of channel chat; returns the ticket's reference. Its text is
    the customer's own words; the whole conversation comes with it as a transcript file."""
    from tickets.intake import InboundAttachment, InboundMessage, intake_message

    if not conversation.email:
        return ""
    with translation.override(conversation.language):
        subject = _("Live chat %(number)s") % {"number": conversation.pk}
        transcript = InboundAttachment(
            name=f"chat-{conversation.pk}-transcript.txt",
            content_type="text/plain",
            content=transcript_text(conversation).encode(),
        )
    ticket = intake_message(
        InboundMessage(
            channel=CHANNEL,
            text=customer_text(conversation) or subject,
            customer_email=conversation.email,
            customer_id=conversation.customer_id,
            subject=subject,
            attachments=(transcript,) if transcript.content else (),
            external_id=f"livechat-{conversation.pk}",
            conversation_id=f"livechat-{conversation.pk}",
            language_hint=conversation.language,
            category=conversation.category,
            metadata={"livechat_conversation": conversation.pk, "rating": conversation.rating},
            told_in_channel=True,  # the chat showed its security and safety notices
        )
    )
    return ticket.reference


def conversation_record_ticket(*, conversation_id: int) -> Conversation:
    """Record the ended chat as a ticket of channel chat (idempotent: once per chat; intake
    dedupes on the external id), then mark it recorded so the sweep leaves it alone."""
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    if conversation.ticket_reference:
        return conversation
    reference = record_ticket(conversation)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation_id)
        if reference and not locked.ticket_reference:
            locked.ticket_reference = reference
            locked.save(update_fields=["ticket_reference"])
        if not locked.events.filter(kind=RECORDED).exists():
            ConversationEvent.objects.create(
                conversation=locked, kind=RECORDED, data={"ticket": locked.ticket_reference}
            )
    conversation.ticket_reference = locked.ticket_reference
    return conversation


def conversation_record_sweep(*, now: datetime | None = None) -> int:
    """Record the ended chats whose ticket step never ran (its task lost with the broker, or
    failed): those ended more than RECORD_GRACE ago (and within RECORD_WINDOW) whose "ended"
    event asks for a ticket and that have no "recorded" event. Idempotent: intake dedupes on
    the chat's external id and the recorded mark is written once under the row lock, so two
    sweeps at once record each chat once. Returns how many it finished."""
    now = now or timezone.now()
    due = (
        Conversation.objects.filter(
            status=Status.ENDED,
            ticket_reference="",
            ended_at__lte=now - RECORD_GRACE,
            ended_at__gte=now - RECORD_WINDOW,
        )
        .filter(events__kind="ended", events__data__record=True)
        .exclude(events__kind=RECORDED)
        .order_by("ended_at")
        .values_list("pk", flat=True)[:RECORD_BATCH]
    )
    done = 0
    for pk in list(due):
        try:
            conversation_record_ticket(conversation_id=pk)
        except Exception:  # one bad chat must not stop the others; retried next sweep
            logger.exception("recording chat %s as a ticket failed", pk)
            continue
        done += 1
    return done
