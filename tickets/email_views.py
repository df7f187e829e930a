"""The original of an inbound email, for staff who may read raw mail (`tickets.view_rawinbound`):
decrypted on the way out, and every download recorded on the ticket's history and the audit
log."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction
from support.downloads import file_download
from tickets.raw_inbound import RawPayloadUnavailable, raw_email_download
from tickets.selectors import ticket_get_for_user


@permission_required("support.use_console", raise_exception=True)
@permission_required("tickets.view_rawinbound", raise_exception=True)
def raw_email(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    try:
        payload = raw_email_download(ticket=ticket, message_pk=pk, by=request.user)
    except RawPayloadUnavailable as error:  # purged after its retention period, key gone
        messages.error(request, str(error))
        return redirect("tickets_console:ticket", reference=ticket.reference)
    audit_record(
        AuditAction.RAW_EMAIL_DOWNLOADED,
        request=request,
        target=AuditTarget("tickets.message", str(pk), f"{ticket.reference}-{pk}.eml"),
        customer=ticket.customer,
        detail={"ticket": ticket.reference},
    )
    return file_download(
        BytesIO(payload), filename=f"{ticket.reference}-{pk}.eml", content_type="message/rfc822"
    )
