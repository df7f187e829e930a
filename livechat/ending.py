"""The end of a chat: ended by either side, by a message left while nobody is available, or
by converting it to a ticket for follow-up; then the customer's rating."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import offers
from livechat.models import Conversation, OfferOutcome, SenderKind, Status
from livechat.services import (
    ChatError,
    Posted,
    _check_may_act,
    _check_transition,
    _existing,
    _store_message,
    _system,
    conversation_event,
    conversation_lock,
)
from support.text import analyze


def conversation_end(*, conversation_id: int, by: AbstractBaseUser | None) -> Posted:
    """End the chat; it is recorded as a ticket and the transcript is emailed after commit."""
    from livechat import tasks, transcripts

    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        before = conversation.status
        _check_transition(conversation, Status.ENDED)
        conversation.status = Status.ENDED
        conversation.ended_at = timezone.now()
        conversation.offered_to = None
        offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=conversation.ended_at)
        conversation.save(update_fields=["status", "ended_at", "offered_to"])
        conversation_event(conversation, "ended", actor=by, before=before, after=Status.ENDED)
        with translation.override(conversation.language):
            text = _("The chat has ended. How did we do? Please rate this chat.")
        message = _system(conversation, text, automated=True)
        if conversation.wants_transcript and conversation.email:
            transcripts.enqueue_transcript_email(conversation)
        transaction.on_commit(lambda: tasks.conversation_record_ticket_task.delay(conversation.pk))
    return Posted(conversation, [message], state_changed=True, queue_teams={conversation.team_id})


def conversation_leave_message(*, conversation_id: int, client_id: str, text: str) -> Posted:
    """No agent is available: the customer's message ends the chat and becomes a ticket."""
    redacted = analyze(text).redacted_text
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if _existing(conversation, client_id) is not None or not conversation.is_open:
            return Posted(conversation)
        message = _store_message(conversation, SenderKind.CUSTOMER, redacted, client_id=client_id)
        posted = conversation_end(conversation_id=conversation_id, by=None)
        posted.messages.insert(0, message)
    return posted


def conversation_follow_up(*, conversation_id: int, by: AbstractBaseUser) -> Posted:
    """Convert the chat to a ticket now: end it, record the ticket, and tell the customer its
    reference; the team follows up by email."""
    from livechat import transcripts

    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        _check_may_act(conversation, by)
        posted = conversation_end(conversation_id=conversation_id, by=by)
    conversation = transcripts.conversation_record_ticket(conversation_id=conversation_id)
    with translation.override(conversation.language):
        text = _("We will follow up by email on ticket %(reference)s.") % {
            "reference": conversation.ticket_reference or "-"
        }
    posted.messages.append(_system(conversation, text))
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
        conversation.rating_comment = analyze(comment).redacted_text[:2000] if comment else ""
        conversation.save(update_fields=["rating", "rating_comment"])
        conversation_event(conversation, "rated", data={"rating": rating})
    return conversation
