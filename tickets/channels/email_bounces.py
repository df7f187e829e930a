"""Bounces: a delivery status notification (RFC 3464: multipart/report with
report-type=delivery-status) about an email we sent never becomes a ticket. It is attached to
the ticket whose email bounced, as an internal note, and a failed delivery marks the address as
bouncing (tickets.bounce_models.BouncedAddress), which the console shows beside the customer.

The ticket is found from the bounced email's own headers, returned inside the notification:
its Message-ID (one we signed, tickets/channels/email_threads.py), else our reference in its
subject; either way the bounced address must be that ticket's customer's, so a forged
notification cannot touch another customer's ticket. A mail server that bounces without a
report (a "Mail Delivery System" mail from MAILER-DAEMON) is recognised too, and kept without a
ticket when nothing names one.
"""

import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from support.text import redact_customer_text
from tickets.bounce_models import BouncedAddress
from tickets.channels.email_headers import decode_header, first_header
from tickets.channels.email_mime import ReadEmail
from tickets.channels.email_outbound import DeliveryState, email_delivery_mark
from tickets.channels.email_threads import email_message_id_verified
from tickets.models import Channel, Message, Ticket
from tickets.rendering import render_markdown
from tickets.services import events_record

logger = logging.getLogger(__name__)

REFERENCE_RE = re.compile(r"\bT-(\d{6,})\b")
BOUNCE_SUBJECT_RE = re.compile(
    r"(?i)(undeliver|undelivered mail|delivery status notification|delivery failure"
    r"|returned mail|mail delivery failed|failure notice|nicht zustellbar|unzustellbar"
    r"|退信|投递失败|無法傳遞|전송 실패|配信不能|未送達)"
)
BOUNCE_SENDER_RE = re.compile(r"(?i)^(mailer-daemon|postmaster)\b")
MAX_NOTE_CHARS = 4000


@dataclass(frozen=True)
class Recipient:
    address: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # e.g. 5.1.1
    diagnostic: str


@dataclass
class Bounce:
    recipients: list[Recipient] = field(default_factory=list)
    original_message_id: str = ""
    original_subject: str = ""
    original_to: str = ""
    explanation: str = ""  # the mail server's words to a person

    @property
    def failed(self) -> list[Recipient]:
        return [recipient for recipient in self.recipients if recipient.action == "failed"]


def bounce_of(read: ReadEmail) -> Bounce | None:
    """The bounce `read` is, or None when it is no delivery status notification."""
    message = read.message
    if message is None:
        return None
    reports = [part for part in message.walk() if _is_status(part)]
    is_report = message.get_content_type() == "multipart/report" and (
        str(message.get_param("report-type", "")).lower() == "delivery-status"
    )
    robot = BOUNCE_SENDER_RE.match(read.sender) or read.header("Return-Path").strip() == "<>"
    if not (reports or is_report or (robot and BOUNCE_SUBJECT_RE.search(read.subject))):
        return None
    bounce = Bounce(explanation=read.text[:MAX_NOTE_CHARS])
    for part in reports:
        bounce.recipients += _recipients(part)
    _original(message, bounce)
    return bounce


def _is_status(part: EmailMessage) -> bool:
    return part.get_content_type() in ("message/delivery-status", "message/global-delivery-status")


def _recipients(part: EmailMessage) -> list[Recipient]:
    """The per-recipient blocks of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [block for block in payload if isinstance(block, EmailMessage)]
    else:
        text = payload if isinstance(payload, str) else ""
        blocks = [
            BytesParser(policy=policy.default).parsebytes(chunk.encode(), headersonly=True)
            for chunk in re.split(r"\r?\n\s*\r?\n", text)
            if chunk.strip()
        ]
    found = []
    for block in blocks:
        address = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
        address = address.rpartition(";")[2].strip().strip("<>")
        if "@" in address:
            found.append(
                Recipient(
                    address=address.lower(),
                    action=_field(block, "Action").lower(),
                    status=_field(block, "Status")[:16],
                    diagnostic=_field(block, "Diagnostic-Code")[:500],
                )
            )
    return found


def _field(block: EmailMessage, name: str) -> str:
    return first_header(block, name).strip()


def _original(message: EmailMessage, bounce: Bounce) -> None:
    """The bounced email's Message-ID, Subject and To, from its returned copy or headers."""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            headers = inner[0] if isinstance(inner, list) and inner else None
        elif content_type == "text/rfc822-headers":
            raw = part.get_payload(decode=True) or b""
            headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        else:
            continue
        if isinstance(headers, EmailMessage):
            bounce.original_message_id = first_header(headers, "Message-ID").strip()
            bounce.original_subject = first_header(headers, "Subject")
            bounce.original_to = first_header(headers, "To")
            return


# --- Recording ----------------------------------------------------------------------------------


def bounce_record(*, bounce: Bounce, key: str, raw_id: int) -> Ticket | None:
    """Attach `bounce` to the ticket whose email bounced and mark the failed addresses; returns
    the ticket (None when no ticket of that customer is named: then nothing changes, since
    anyone can write a notification about any address). A repeat adds no second note (the
    note's external id is the notification's key)."""
    now = timezone.now()
    with transaction.atomic():
        ticket = bounced_ticket(bounce)
        if ticket is None:  # nothing ties it to our mail: it marks no address either
            return None
        for recipient in bounce.failed:
            _mark(recipient, ticket=ticket, now=now)
        try:
            with transaction.atomic():
                _note(ticket, bounce, key=key, raw_id=raw_id)
        except IntegrityError:  # delivered twice: the first one is attached already
            return ticket
    _delivery_mark(bounce)
    return ticket


def bounced_ticket(bounce: Bounce) -> Ticket | None:
    """The ticket the bounced email was about, if the bounced address is its customer's."""
    addresses = {recipient.address for recipient in bounce.recipients}
    if not addresses and bounce.original_to:
        addresses = {_plain_address(bounce.original_to)}
    if not addresses - {""}:
        return None
    same_customer = Q()
    for address in addresses - {""}:
        same_customer |= Q(customer__email__iexact=address)
    tickets = Ticket.objects.select_for_update().filter(same_customer)
    for reference in _references(bounce):
        found = tickets.filter(reference=reference).first()
        if found is not None:
            return found
    return None


def _references(bounce: Bounce) -> list[str]:
    """References the bounced email names: in its Message-ID when that is one we signed,
    else in its subject."""
    references = []
    verified = email_message_id_verified(bounce.original_message_id)
    if verified is not None:
        references.append(verified[0])
    references += [f"T-{number}" for number in REFERENCE_RE.findall(bounce.original_subject)]
    return list(dict.fromkeys(references))


def _plain_address(value: str) -> str:
    match = re.search(r"[^\s<>,;\"']+@[^\s<>,;\"']+", decode_header(value))
    return match.group(0).lower() if match else ""


def _mark(recipient: Recipient, *, ticket: Ticket, now) -> None:
    updated = BouncedAddress.objects.filter(address=recipient.address).update(
        status=recipient.status,
        diagnostic=recipient.diagnostic,
        bounces=F("bounces") + 1,
        last_bounced_at=now,
        ticket=ticket,
    )
    if not updated:
        try:
            with transaction.atomic():
                BouncedAddress.objects.create(
                    address=recipient.address,
                    status=recipient.status,
                    diagnostic=recipient.diagnostic,
                    first_bounced_at=now,
                    last_bounced_at=now,
                    ticket=ticket,
                )
        except IntegrityError:  # a concurrent bounce for the same address won
            BouncedAddress.objects.filter(address=recipient.address).update(
                bounces=F("bounces") + 1, last_bounced_at=now
            )


def _note(ticket: Ticket, bounce: Bounce, *, key: str, raw_id: int) -> Message:
    """The notification as an internal note: the mail server's explanation (redacted like
    any text from outside) and what each recipient's delivery came to."""
    explanation = redact_customer_text(bounce.explanation, lang="en").text
    recipients = [
        {"address": r.address, "action": r.action, "status": r.status, "diagnostic": r.diagnostic}
        for r in bounce.recipients
    ]
    note = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.NOTE,
        author=None,
        channel=Channel.EMAIL,
        body=explanation,
        body_html=render_markdown(explanation),
        metadata={"bounce": {"recipients": recipients}, "raw_id": raw_id},
        external_id=key[:200],
    )
    failed = ", ".join(recipient.address for recipient in bounce.failed)
    if failed:  # a delay is only noted: the server still tries
        events_record(ticket=ticket, by=None, changes=[("email_bounced", "", failed)])
    return note


def _delivery_mark(bounce: Bounce) -> None:
    """The outgoing email that bounced shows it in the console (its delivery state)."""
    if bounce.original_message_id and bounce.failed:
        reason = "; ".join(f"{r.address}: {r.status} {r.diagnostic}" for r in bounce.failed)
        email_delivery_mark(
            message_id=bounce.original_message_id, state=DeliveryState.BOUNCED, reason=reason
        )
