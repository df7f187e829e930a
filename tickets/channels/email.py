"""Inbound email: store the raw message (encrypted, tickets/raw_inbound.py), parse it, hand it
to intake, which passes every field through the redaction gate.

Threading: the ticket reference in the subject (our emails carry "[T-001234]") or the root of
the References / In-Reply-To chain; the Message-ID makes a second delivery a no-op.
"""

import hashlib
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

import nh3
from django.utils import timezone

from support.text import cut_customer_text
from tickets.channels.email_threads import email_sender_checked, email_thread_headers
from tickets.errors import TicketError
from tickets.intake import InboundAttachment, InboundMessage, intake_message
from tickets.models import Channel, RawInbound, Ticket
from tickets.raw_inbound import raw_inbound_store, raw_payload
from tickets.services import attachments_check

MAX_SUBJECT_CHARS = 200
MAX_TEXT_CHARS = 20_000


class UnreadableEmail(ValueError):
    pass


def email_receive(*, raw: bytes) -> Ticket | None:
    """Store then process one raw RFC 822 message; returns its ticket (None if unreadable:
    the raw message stays stored with the error, to be replayed once the parser is fixed)."""
    stored = _store_raw(raw)
    if stored.processed_at is not None:
        return stored.ticket
    return email_process(raw_id=stored.pk)


def email_process(*, raw_id: int) -> Ticket | None:
    """Parse a stored message and pass it to intake (also the replay entry point); raises
    RawPayloadUnavailable for a payload purged after its retention period."""
    stored = RawInbound.objects.get(pk=raw_id)
    raw = raw_payload(stored)
    try:
        message = parse_email(raw)
    except UnreadableEmail as error:
        RawInbound.objects.filter(pk=stored.pk).update(error=str(error)[:2000])
        return None
    ticket = intake_message(email_sender_checked(message))
    RawInbound.objects.filter(pk=stored.pk).update(
        processed_at=timezone.now(), ticket=ticket, error=""
    )
    return ticket


def _store_raw(raw: bytes) -> RawInbound:
    key = _message_id(raw) or "sha256:" + hashlib.sha256(raw).hexdigest()
    return raw_inbound_store(channel=Channel.EMAIL, key=key, payload=raw)


def _message_id(raw: bytes) -> str:
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    return str(headers.get("Message-ID", "")).strip()


def parse_email(raw: bytes) -> InboundMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    _name, sender = parseaddr(str(message.get("From", "")))
    if "@" not in sender:
        raise UnreadableEmail("no sender address")
    references = (
        str(message.get("References", "")).split() or str(message.get("In-Reply-To", "")).split()
    )
    message_id = str(message.get("Message-ID", "")).strip()
    return InboundMessage(
        channel=Channel.EMAIL,
        customer_email=sender,
        subject=cut_customer_text(str(message.get("Subject", "")), MAX_SUBJECT_CHARS),
        text=cut_customer_text(_text(message), MAX_TEXT_CHARS),
        attachments=tuple(_attachments(message)),
        external_id=message_id or None,
        conversation_id=references[0] if references else message_id,
        metadata={
            "message_id": message_id,
            "in_reply_to": str(message.get("In-Reply-To", "")),
            **email_thread_headers(message),
        },
    )


def _text(message: EmailMessage) -> str:
    """The plain-text part, else the HTML part reduced to text (nh3 with no tags allowed)."""
    for kind in ("plain", "html"):
        body = message.get_body(preferencelist=(kind,))
        content = body.get_content().strip() if body is not None else ""
        if content and kind == "html":
            content = nh3.clean(content.replace("<br>", "\n").replace("</p>", "</p>\n"), tags=set())
        if content:
            return content.strip()
    return ""


def _attachments(message: EmailMessage):
    """The attachments we accept; refused ones (size, type) are dropped, not the message."""
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        attachment = InboundAttachment(
            part.get_filename() or "attachment", part.get_content_type(), payload
        )
        try:
            attachments_check([attachment])
        except TicketError:
            continue
        yield attachment
