"""The end of a chat: ended by either side, by a message left while nobody is available, or
by converting it to a ticket for follow-up; then the customer's rating."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import bot, offers, tasks, transcripts
from livechat.handoff import conversation_escalate
from livechat.messages import customer_message_store, is_security_incident
from livechat.models import Conversation, OfferOutcome, SenderKind, Status
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
from livechat.webhook_events import webhooks_chat_ended
from support.roles import is_staff_member
from support.text import redact_customer_text

# How an ended chat is recorded (the `outcome` of its "ended" event).
BOT_RESOLVED = "bot_resolved"  # never left the bot: no ticket, no queue, no email
TICKET = "ticket"  # a person was asked for or took part: recorded as a ticket of channel chat


def chat_outcome(conversation: Conversation) -> str:
    """A chat that never left the bot (the customer thanked it, rated it or left without
    asking for a person) was resolved by the bot; anything a person was asked into is a
    ticket. Urgent chats always left the bot (security handoff)."""
    if conversation.status == Status.BOT and conversation.queued_at is None:
        return BOT_RESOLVED
    return TICKET


def _bot_resolved_why(conversation: Conversation) -> str:
    last = (
        conversation.messages.filter(sender=SenderKind.BOT)
        .order_by("-id")
        .values_list("bot_action", flat=True)
        .first()
    )
    return "thanks" if last == bot.THANKS else "left"


def conversation_end(*, conversation_id: int, by: AbstractBaseUser | None) -> Posted:
    """End the chat. A chat the bot resolved is only marked so (a dashboard figure); any other
    is recorded as a ticket after commit, and the transcript emailed when asked for. The
    "ended" event is the ticket step's marker: a lost task is finished by the sweep
    (`transcripts.conversation_record_sweep`). `by` is the customer (None: a guest, or
    nobody), or staff who still have the chat."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if by is not None and is_staff_member(by):
            check_may_act(conversation, by)
        outcome = chat_outcome(conversation)
        data = {"outcome": outcome, "record": outcome == TICKET}
        if outcome == BOT_RESOLVED:
            data["why"] = _bot_resolved_why(conversation)
        conversation.ended_at = timezone.now()
        conversation.offered_to = None
        offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=conversation.ended_at)
        conversation_transition(
            conversation,
            to=Status.ENDED,
            by=by,
            kind="ended",
            fields=["ended_at", "offered_to"],
            data=data,
        )
        with translation.override(conversation.language):
            text = _("The chat has ended. How did we do? Please rate this chat.")
        message = system_message(conversation, text, automated=True)
        webhooks_chat_ended(conversation, outcome=outcome)
        if outcome == TICKET:
            if conversation.wants_transcript and conversation.email:
                transcripts.enqueue_transcript_email(conversation)
            pk = conversation.pk
            transaction.on_commit(lambda: _record_soon(pk), robust=True)
    return Posted(conversation, [message], state_changed=True, queue_teams={conversation.team_id})


def _record_soon(conversation_id: int) -> None:
    """Hand the ticket step to a worker; with the broker down this fails (logged by
    on_commit's robust mode) and the sweep records the chat later."""
    tasks.conversation_record_ticket_task.delay(conversation_id)


def conversation_leave_message(*, conversation_id: int, client_id: str, text: str) -> Posted:
    """No agent is available: the customer's message (through the chat's gate, like any
    message) ends the chat and becomes a ticket. A message about a security incident ends
    nothing: the chat goes to the security team (handoff.conversation_escalate)."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if existing_message(conversation, client_id) is not None or not conversation.is_open:
            return Posted(conversation)
        stored = customer_message_store(conversation, client_id=client_id, text=text)
        if is_security_incident(stored.messages[0].body):
            conversation_escalate(stored, now=timezone.now())
            if conversation.status != Status.ENDED:
                return stored
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
