"""Calls on tickets: an agent logs one, opens a ticket from one, or links one a telephony
service reported. Notes pass the redaction gate: customers read seed phrases out on the phone."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from support.text import redact_customer_text
from tickets.errors import TicketError
from tickets.intake import InboundMessage, intake_message
from tickets.live import ticket_changed
from tickets.models import Channel, Ticket
from tickets.phone.callbacks import callback_called, customer_phone_remember
from tickets.phone.models import (
    NOT_REACHED,
    CallbackRequest,
    CallRecord,
    CustomerPhone,
    https_only,
)
from tickets.phone.numbers import InvalidNumber, parse_number
from tickets.services import events_record, lock_ticket

NOTES_LIMIT = 10000


class InvalidCall(TicketError):
    """A call's details that cannot be stored (the forms say the same per field)."""


@dataclass(frozen=True)
class CallDetails:
    """What an agent tells about a call. `number` in any form libphonenumber reads."""

    direction: str
    number: str
    outcome: str
    duration_seconds: int | None = None
    notes: str = ""
    recording_url: str = ""
    started_at: datetime | None = None


def call_event_value(call: CallRecord) -> str:
    """How the ticket's history records a call: "<direction> <outcome> <seconds>"."""
    seconds = "" if call.duration_seconds is None else str(call.duration_seconds)
    return f"{call.direction} {call.outcome or '-'} {seconds}".strip()


def _checked(details: CallDetails, language: str) -> tuple[str, str]:
    """The number as E.164 and the notes through the gate; InvalidCall for a bad number or
    a recording link that is not https."""
    try:
        number = parse_number(details.number, language=language)
    except InvalidNumber as error:
        raise InvalidCall(str(error)) from error
    if details.recording_url:
        try:
            https_only(details.recording_url)
        except ValidationError as error:
            raise InvalidCall(" ".join(error.messages)) from error
    notes = redact_customer_text(details.notes[:NOTES_LIMIT], lang=language).text
    return number, notes


def call_log(
    *,
    ticket: Ticket,
    details: CallDetails,
    by: AbstractBaseUser,
    callback: CallbackRequest | None = None,
) -> CallRecord:
    """Record a call on `ticket` (and, from the callback queue, settle `callback`); the
    ticket's history gets a "call" event; nothing is written when a detail is refused."""
    number, notes = _checked(details, ticket.language)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        call = CallRecord.objects.create(
            ticket=ticket,
            customer=ticket.customer,
            callback=callback,
            direction=details.direction,
            number=number,
            started_at=details.started_at or timezone.now(),
            duration_seconds=details.duration_seconds,
            agent=by,
            notes=notes,
            outcome=details.outcome,
            recording_url=details.recording_url,
        )
        events_record(ticket=ticket, by=by, changes=[("call", "", call_event_value(call))])
        customer_phone_remember(
            customer=ticket.customer, number=number, source=CustomerPhone.Source.AGENT
        )
        if callback is not None:
            callback_called(callback=callback, outcome=details.outcome, ticket_id=ticket.pk, by=by)
        ticket_changed(ticket=ticket, by=by)
    return call


def ticket_open_from_call(
    *,
    customer_email: str,
    subject: str,
    request_text: str,
    language: str,
    details: CallDetails,
    by: AbstractBaseUser,
    call: CallRecord | None = None,
    callback: CallbackRequest | None = None,
) -> CallRecord:
    """A new phone ticket (through intake, like every channel) whose first message is what
    the customer asked on the phone, with the call on it; `call`: one a telephony service
    reported, linked instead of a new record. All or nothing."""
    _checked(details, language)  # refuse before intake writes anything
    with transaction.atomic():
        ticket = intake_message(
            InboundMessage(
                channel=Channel.PHONE,
                customer_email=customer_email,
                customer_id=callback.customer_id if callback else None,
                subject=subject,
                text=request_text,
                language_hint=language,
                metadata={"call": call.pk} if call else {},
            )
        )
        if call is None:
            return call_log(ticket=ticket, details=details, by=by, callback=callback)
        return call_link(call=call, ticket=ticket, by=by, details=details)


def call_link(
    *, call: CallRecord, ticket: Ticket, by: AbstractBaseUser, details: CallDetails | None = None
) -> CallRecord:
    """Put a reported call on `ticket`, with the agent's outcome and notes when given."""
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        call = CallRecord.objects.select_for_update().get(pk=call.pk)
        if call.ticket_id and call.ticket_id != ticket.pk:
            raise InvalidCall(_("This call is already on another ticket."))
        fields = ["ticket", "customer"]
        call.ticket, call.customer = ticket, ticket.customer
        if details is not None:
            number, call.notes = _checked(details, ticket.language)
            call.number = call.number or number  # a withheld number the agent was told
            call.outcome, call.agent = details.outcome, by
            call.recording_url = details.recording_url or call.recording_url
            fields += ["number", "notes", "outcome", "agent", "recording_url"]
        call.save(update_fields=fields)
        events_record(ticket=ticket, by=by, changes=[("call", "", call_event_value(call))])
        customer_phone_remember(
            customer=ticket.customer, number=call.number, source=CustomerPhone.Source.AGENT
        )
        ticket_changed(ticket=ticket, by=by)
    return call


def callback_log(
    *,
    callback: CallbackRequest,
    details: CallDetails,
    by: AbstractBaseUser,
    ticket: Ticket | None = None,
) -> CallRecord:
    """The call an agent made for a callback request: on `ticket` or the request's own; a
    customer reached without one gets a new phone ticket; a call that reached nobody is kept
    without a ticket and the request goes back to the queue."""
    ticket = ticket or callback.ticket
    if ticket is not None and ticket.customer_id != callback.customer_id:
        raise InvalidCall(_("This ticket belongs to another customer."))
    if ticket is not None:
        return call_log(ticket=ticket, details=details, by=by, callback=callback)
    if details.outcome not in NOT_REACHED:
        with translation.override(callback.language):
            topic = str(callback.get_topic_display())
            subject = _("Callback: %(topic)s") % {"topic": topic}
        return ticket_open_from_call(
            customer_email=callback.customer.email,
            subject=subject,
            request_text=callback.details or topic,
            language=callback.language,
            details=details,
            by=by,
            callback=callback,
        )
    number, notes = _checked(details, callback.language)
    with transaction.atomic():
        call = CallRecord.objects.create(
            customer=callback.customer,
            callback=callback,
            direction=details.direction,
            number=number,
            started_at=details.started_at or timezone.now(),
            duration_seconds=details.duration_seconds,
            agent=by,
            notes=notes,
            outcome=details.outcome,
        )
        callback_called(callback=callback, outcome=details.outcome, ticket_id=None, by=by)
    return call
