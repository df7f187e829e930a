"""The end of a chat: ended by either side, by a message left while nobody is available, or
by converting it to a ticket for follow-up; then the customer's rating."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import offers, tasks, transcripts
from livechat.messages import customer_message_store
from livechat.models import Conversation, OfferOutcome, Status
from livechat.services import (
    ChatError,
    Posted,
    check_may_act,
    conversation_event,
    conversation_lock,
    conversation_transition,
    existing_message,
    system_message,
)
from support.roles import is_staff_member
from support.text import redact_customer_text


def conversation_end(*, conversation_id: int, by: AbstractBaseUser | None) -> Posted:
    """End the chat; it is recorded as a ticket and the transcript is emailed after commit.
    `by` is the customer (None: a guest, or nobody), or staff who still have the chat."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if by is not None and is_staff_member(by):
            check_may_act(conversation, by)
        conversation.ended_at = timezone.now()
        conversation.offered_to = None
        offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=conversation.ended_at)
        conversation_transition(
            conversation, to=Status.ENDED, by=by, kind="ended", fields=["ended_at", "offered_to"]
        )
        with translation.override(conversation.language):
            text = _("The chat has ended. How did we do? Please rate this chat.")
        message = system_message(conversation, text, automated=True)
        if conversation.wants_transcript and conversation.email:
            transcripts.enqueue_transcript_email(conversation)
        transaction.on_commit(lambda: tasks.conversation_record_ticket_task.delay(conversation.pk))
    return Posted(conversation, [message], state_changed=True, queue_teams={conversation.team_id})


def conversation_leave_message(*, conversation_id: int, client_id: str, text: str) -> Posted:
    """No agent is available: the customer's message (through the chat's gate, like any
    message) ends the chat and becomes a ticket."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if existing_message(conversation, client_id) is not None or not conversation.is_open:
            return Posted(conversation)
        stored = customer_message_store(conversation, client_id=client_id, text=text)
        posted = conversation_end(conversation_id=conversation_id, by=None)
        posted.messages[:0] = stored.messages
        posted.redacted, posted.summary_changed = stored.redacted, stored.summary_changed
    return posted


def conversation_follow_up(*, conversation_id: int, by: AbstractBaseUser) -> Posted:
    """Convert the chat to a ticket now: end it, record the ticket, and tell the customer its
    reference; the team follows up by email."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        check_may_act(conversation, by)
        posted = conversation_end(conversation_id=conversation_id, by=by)
    conversation = transcripts.conversation_record_ticket(conversation_id=conversation_id)
    with translation.override(conversation.language):
        text = _("We will follow up by email on ticket %(reference)s.") % {
            "reference": conversation.ticket_reference or "-"
        }
    posted.messages.append(system_message(conversation, text))
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
        text = redact_customer_text(comment, lang=conversation.language).text if comment else ""
        conversation.rating_comment = text[:2000]
        conversation.save(update_fields=["rating", "rating_comment"])
        conversation_event(conversation, "rated", data={"rating": rating})
    return conversation
