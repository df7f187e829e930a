"""A stored call event (tickets/phone/webhook.py) made into a call record: `call.started` links
a known customer's call to their open ticket or opens a phone ticket; `call.ended` fills the
end, the duration and the recording link. Each step is safe to run twice."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from support.roles import is_staff_member
from tickets.identities.models import CustomerIdentity, IdentityKind
from tickets.intake import InboundMessage, intake_message
from tickets.live import ticket_changed
from tickets.models import Channel, Ticket
from tickets.phone.calls import call_event_value
from tickets.phone.models import (
    CallDirection,
    CallRecord,
    CustomerPhone,
    TelephonyProvider,
    https_only,
)
from tickets.phone.numbers import mask_number, number_or_blank
from tickets.services import events_record


class EventUnreadable(ValueError):
    """The stored event holds something we cannot use; kept on the raw row as its error."""


def phone_event_apply(provider: TelephonyProvider | None, data: dict) -> CallRecord:
    """The call record of one event (`data`, the stored body), made or completed; safe to run
    twice. Raises EventUnreadable for an event we cannot use. The caller (the phone adapter's
    `process`, tickets/phone/webhook.py) holds the raw row's lock and a savepoint."""
    if provider is None:
        raise EventUnreadable("provider removed")
    call = _record(provider, data)
    if data.get("event") == "call.ended":
        _ended(call, data)
    return call


def _time(data: dict, name: str) -> datetime | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise EventUnreadable(f"{name}: an ISO 8601 time with its offset expected")
    return parsed


def _record(provider: TelephonyProvider, data: dict) -> CallRecord:
    """The call's row (made by whichever event comes first), linked to a ticket when the
    number is a known customer's."""
    direction = data.get("direction")
    if direction not in CallDirection.values:
        direction = CallDirection.INBOUND
    theirs = data.get("from") if direction == CallDirection.INBOUND else data.get("to")
    call, _made = CallRecord.objects.select_for_update().get_or_create(
        provider=provider,
        external_id=str(data["call_id"])[:150],
        defaults={
            "direction": direction,
            "number": number_or_blank(str(theirs or "")),
            "started_at": _time(data, "started_at"),
            "agent": _agent(data.get("agent_email")),
        },
    )
    if call.ticket_id is None:
        _link(call, provider)
    return call


def _agent(email: object) -> AbstractBaseUser | None:
    if not isinstance(email, str) or not email:
        return None
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    return user if user is not None and is_staff_member(user) else None


def customer_for_number(number: str) -> AbstractBaseUser | None:
    """The customer who proved `number` is theirs (tickets.identities), else the one customer
    known by it; nobody when none or several are."""
    if not number:
        return None
    linked = CustomerIdentity.objects.filter(
        kind=IdentityKind.PHONE, value=number, verified_at__isnull=False
    ).values_list("customer_id", flat=True)
    if found := linked.first():
        return get_user_model().objects.get(pk=found)
    ids = list(
        CustomerPhone.objects.filter(number=number).values_list("customer_id", flat=True)[:2]
    )
    return get_user_model().objects.get(pk=ids[0]) if len(ids) == 1 else None


def _link(call: CallRecord, provider: TelephonyProvider) -> None:
    customer = customer_for_number(call.number)
    if customer is None:
        return  # an unknown caller: the call waits in the console's list of calls
    ticket = Ticket.objects.open().filter(customer=customer).order_by("-id").first()
    if ticket is None:
        ticket = _phone_ticket(call, customer, provider)
    call.ticket, call.customer = ticket, customer
    call.save(update_fields=["ticket", "customer"])
    events_record(ticket=ticket, by=None, changes=[("call_started", "", call.direction)])
    ticket_changed(ticket=ticket, by=None)


def _phone_ticket(call: CallRecord, customer, provider: TelephonyProvider) -> Ticket:
    profile = getattr(customer, "customer_profile", None)
    language = profile.preferred_language if profile else "en"
    with translation.override(language):
        subject = _("Phone call")
        text = _("Phone call with %(number)s.") % {"number": mask_number(call.number)}
    return intake_message(
        InboundMessage(
            channel=Channel.PHONE,
            customer_id=customer.pk,
            subject=subject,
            text=text,
            language_hint=language,
            external_id=f"{provider.key}:{call.external_id}",
            team_id=provider.team_id,
            acknowledge=False,
        ),
        customer=customer,
    )


def _ended(call: CallRecord, data: dict) -> None:
    if call.ended_at is not None:
        return  # told already
    call.started_at = call.started_at or _time(data, "started_at")
    call.ended_at = _time(data, "ended_at") or timezone.now()
    if call.started_at:
        call.duration_seconds = max(0, int((call.ended_at - call.started_at).total_seconds()))
    call.recording_url = _recording(data.get("recording_url")) or call.recording_url
    call.save(update_fields=["started_at", "ended_at", "duration_seconds", "recording_url"])
    if call.ticket_id:
        events_record(ticket=call.ticket, by=None, changes=[("call", "", call_event_value(call))])
        ticket_changed(ticket=call.ticket, by=None)


def _recording(value: object) -> str:
    """The recording link when it is an https URL (never fetched by us); "" otherwise."""
    if not isinstance(value, str) or not value or len(value) > 500:
        return ""
    try:
        https_only(value)
    except ValidationError:
        return ""
    return value
