"""Inbound email: store the raw message (encrypted, tickets/raw_inbound.py), read it, and pass
it on — to intake (a ticket or a reply on one), to the bounce handling (never a ticket), or
nowhere (our own mail come back). docs/email.md tells the whole path.

Every message is stored before anything reads it, and no message is lost to a parser: what
cannot be read fully still becomes a ticket with what could be read, flagged for the agent,
who can download the original. The raw key (Message-ID, else the hash of the message) makes a
second delivery a no-op, concurrent ones included (the raw row is locked while it is read).
Threading is tickets/channels/email_threads.py's.
"""

import hashlib
import logging

from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from support.process_copies import process_copies_read_together
from support.text import cut_customer_text, redact_customer_text
from support.unavailable import Unavailable
from tickets.channels.email_autoreply import (
    ack_allowed,
    ack_counted,
    auto_reply_reason,
    is_own_mail,
)
from tickets.channels.email_bounces import bounce_of, bounce_record
from tickets.channels.email_headers import first_header
from tickets.channels.email_mime import ReadEmail, email_read
from tickets.channels.email_raw import email_key
from tickets.channels.email_threads import email_sender_checked, email_thread_headers
from tickets.intake import InboundMessage, intake_message
from tickets.mailboxes import mailbox_addressed, mailbox_for_recipients
from tickets.models import Channel, Mailbox, RawInbound, Ticket
from tickets.raw_inbound import raw_inbound_store, raw_payload

logger = logging.getLogger(__name__)

MAX_SUBJECT_CHARS = 200
MAX_TEXT_CHARS = 20_000
MAX_KEY_CHARS = 200  # of a message's external id
UNKNOWN_SENDER = "unknown-sender@invalid"  # a mail that names nobody (RFC 2606: undeliverable)
OWN_MAIL = "our own email came back: no ticket"
BOUNCE_WITHOUT_TICKET = "delivery status notification naming no ticket of ours"
TEMPORARY = (Unavailable, OperationalError, InterfaceError)  # not what a message holds


def email_receive(*, raw: bytes, mailbox: Mailbox | None = None) -> Ticket | None:
    """Store then process one raw RFC 822 message; returns its ticket (None when it made
    none: our own mail, a bounce naming no ticket, or a failure kept on the raw row).
    `mailbox`: the one it was read from (IMAP, the pipe), else found by its recipients."""
    stored = _store_raw(raw)
    if stored.processed_at is not None:
        return stored.ticket
    return _process(raw_id=stored.pk, raw=raw, mailbox=mailbox)  # the bytes in hand


def email_process(*, raw_id: int, mailbox: Mailbox | None = None) -> Ticket | None:
    """Read a stored message and pass it on (also the replay entry point). Nothing a message
    holds makes this raise; an unexpected failure is kept on the raw row, to replay once it is
    fixed. Raises RawPayloadUnavailable for a payload purged after its retention period, and
    TEMPORARY failures of our own (storage or database out), the raw row left unprocessed for
    the redelivery."""
    raw = raw_payload(RawInbound.objects.get(pk=raw_id))
    return _process(raw_id=raw_id, raw=raw, mailbox=mailbox)


def _process(*, raw_id: int, raw: bytes, mailbox: Mailbox | None) -> Ticket | None:
    read = email_read(raw)
    try:
        # The kept mailboxes, staff addresses, SLA policies, webhook subscriptions and official
        # domains: their versions in one Redis round trip instead of five.
        with process_copies_read_together(), transaction.atomic():
            stored = _locked(raw_id)
            if stored.processed_at is not None:  # a concurrent delivery got there first
                return stored.ticket
            addressed = mailbox or mailbox_for_recipients(raw, parsed=read.message)
            ticket, note = _pass_on(read, stored, addressed)
            _processed(raw_id, ticket=ticket, note=note)
    except TEMPORARY:
        raise  # our storage or database is out: the sender delivers again (503, exit 75)
    except Exception as error:
        logger.exception("email could not be processed", extra={"raw_id": raw_id})
        reason = redact_customer_text(f"{type(error).__name__}: {error}", lang="en").text
        RawInbound.objects.filter(pk=raw_id).update(error=reason[:2000])
        return None
    return ticket


# Plain SQL for the raw row's lock and its "processed": every email takes both, and the ORM's
# building of them cost three times the statements (0.35 ms of CPU an email).
def _locked(raw_id: int) -> RawInbound:
    """The raw row (key, processed_at, ticket: what processing reads), locked until commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, processed_at, ticket_id FROM tickets_rawinbound WHERE id = %s FOR UPDATE",
            [raw_id],
        )
        found = cursor.fetchone()
    if found is None:
        raise RawInbound.DoesNotExist(raw_id)
    key, processed_at, ticket_id = found
    return RawInbound(
        pk=raw_id, channel=Channel.EMAIL, key=key, processed_at=processed_at, ticket_id=ticket_id
    )


def _processed(raw_id: int, *, ticket: Ticket | None, note: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_rawinbound SET processed_at = %s, ticket_id = %s, error = %s"
            " WHERE id = %s",
            [timezone.now(), ticket.pk if ticket is not None else None, note, raw_id],
        )


def _store_raw(raw: bytes) -> RawInbound:
    """The raw row, committed before anything reads the message. Its commit does not wait for
    the disk: every way out of email_receive commits durably before returning (processed, or
    the failure noted on the row), and only then is the sender told the message is taken."""
    return raw_inbound_store(
        channel=Channel.EMAIL, key=email_key(raw), payload=raw, wait_for_disk=False
    )


def _pass_on(
    read: ReadEmail, stored: RawInbound, mailbox: Mailbox | None = None
) -> tuple[Ticket | None, str]:
    """(the ticket, a note for the raw row) for a message read, inside its lock."""
    if is_own_mail(read):
        return None, OWN_MAIL
    bounce = bounce_of(read)
    if bounce is not None:
        ticket = bounce_record(bounce=bounce, key=_key(stored), raw_id=stored.pk)
        return ticket, "" if ticket is not None else BOUNCE_WITHOUT_TICKET
    message = email_message(read, key=_key(stored), raw_id=stored.pk)
    message = mailbox_addressed(message, mailbox)  # its team and default language
    started = timezone.now()
    ticket = intake_message(email_sender_checked(message))
    if message.acknowledge and ticket.created_at >= started:  # a new ticket: acknowledged
        transaction.on_commit(lambda: ack_counted(message.customer_email))
    return ticket, ""


def _key(stored: RawInbound) -> str:
    if len(stored.key) <= MAX_KEY_CHARS:
        return stored.key
    return "sha256:" + hashlib.sha256(stored.key.encode()).hexdigest()


def email_message(read: ReadEmail, *, key: str, raw_id: int) -> InboundMessage:
    """What intake stores for an email read: the text, the sanitised HTML of an HTML-only
    email (when none of its text was cut), the attachments kept, and for the agent what could
    not be read, the files not kept, the links that lie, and whether a program wrote it."""
    auto_reply = auto_reply_reason(read)
    sender = read.sender or UNKNOWN_SENDER
    acknowledge = not auto_reply and bool(read.sender) and ack_allowed(sender)
    metadata = {
        "message_id": read.message_id,
        "in_reply_to": read.in_reply_to,
        **_thread_headers(read),
        "raw_id": raw_id,
    }
    extras = {
        "read_problems": read.problems,
        "dropped_attachments": read.dropped,
        "suspicious_links": read.links,
        "auto_reply": auto_reply,
        "acknowledgements_capped": bool(read.sender) and not auto_reply and not acknowledge,
    }
    metadata.update({name: value for name, value in extras.items() if value})
    return InboundMessage(
        channel=Channel.EMAIL,
        customer_email=sender,
        subject=cut_customer_text(read.subject, MAX_SUBJECT_CHARS),
        text=cut_customer_text(read.text, MAX_TEXT_CHARS),
        html=read.html if len(read.text) <= MAX_TEXT_CHARS else "",
        attachments=tuple(read.attachments),
        external_id=key,
        external_id_new=True,  # the raw row's key, and the row is locked and not processed
        conversation_id=read.references[0] if read.references else read.message_id,
        metadata=metadata,
        acknowledge=acknowledge,
    )


def _thread_headers(read: ReadEmail) -> dict[str, str]:
    """The headers threading reads; decoded by us when the parser's own reading fails."""
    if read.message is None:
        return {}
    try:
        return email_thread_headers(read.message)
    except Exception:  # a header the standard library cannot parse
        logger.warning("thread headers unreadable", exc_info=True)
        return {
            "references": " ".join(read.references),
            "cc": first_header(read.message, "Cc"),
            "reply_to": first_header(read.message, "Reply-To"),
        }
