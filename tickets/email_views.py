"""The original of an inbound email, for staff who may read raw mail (`tickets.view_rawinbound`):
decrypted on the way out, and every download recorded on the ticket's history."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from support.downloads import file_download
from tickets.models import Channel, Message, RawInbound, Ticket
from tickets.raw_inbound import RawPayloadUnavailable, raw_payload
from tickets.selectors import ticket_get_for_user
from tickets.services import events_record


@permission_required("support.use_console", raise_exception=True)
@permission_required("tickets.view_rawinbound", raise_exception=True)
def raw_email_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    stored = _raw_of(ticket, pk)
    try:
        payload = raw_payload(stored)
    except RawPayloadUnavailable as error:  # purged after its retention period, key gone
        messages.error(request, str(error))
        return redirect("tickets_console:ticket", reference=ticket.reference)
    with transaction.atomic():
        events_record(ticket=ticket, by=request.user, changes=[("raw_email_downloaded", "", pk)])
    return file_download(
        BytesIO(payload), filename=f"{ticket.reference}-{pk}.eml", content_type="message/rfc822"
    )


def _raw_of(ticket: Ticket, message_pk: int) -> RawInbound:
    """The stored original of one of the ticket's emails (404 for anything else)."""
    message = Message.objects.filter(pk=message_pk, ticket=ticket, channel=Channel.EMAIL).first()
    raw_id = (message.metadata or {}).get("raw_id") if message is not None else None
    stored = (
        RawInbound.objects.filter(pk=raw_id, channel=Channel.EMAIL).first()
        if isinstance(raw_id, int)
        else None
    )
    if stored is None:
        raise Http404
    return stored
