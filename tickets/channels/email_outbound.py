"""An agent's reply as an email, and what became of it (docs/email.md, "Outgoing mail").

The reply goes through the outbox (support.services): written in the transaction that stores
it, sent after commit, retried with growing gaps while the SMTP server is away. It carries our
signed Message-ID (tickets/channels/email_threads.py), In-Reply-To and References to the
customer's last email, the reference in the subject, the team's sender address and signature,
a text and an HTML part, and the files the agent attached. Its delivery state, shown on the
message in the console, is read from the outbox row: queued, pending (retrying), sent, failed
(given up), bounced (a delivery status notification said so: `email_delivery_mark`).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from support.models import OutboxEmail
from support.official.services import verification_line_for
from support.services import outbox_enqueue_email
from tickets.channels.email_threads import (
    MESSAGE_ID,
    email_message_id,
    email_message_id_verified,
)
from tickets.models import Channel, Message, Ticket

REFERENCES_KEPT = 10  # the root and the newest: enough for every client to thread
REPLY_KEY = "reply:{pk}"


class DeliveryState(TextChoices):
    QUEUED = "queued", _("Queued")
    PENDING = "pending", _("Pending: will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


# --- Sending -------------------------------------------------------------------------------------


def email_reply_enqueue(*, message: Message) -> OutboxEmail | None:
    """Write the agent's reply `message` to the outbox for the ticket's customer (inside the
    caller's transaction; delivered after commit). None if it was queued already."""
    ticket = message.ticket
    team = ticket.team
    return outbox_enqueue_email(
        dedupe_key=REPLY_KEY.format(pk=message.pk),
        to=ticket.customer.email,
        template="tickets/emails/reply",
        language=ticket.language,
        context={
            "ticket": ticket,
            "message": message,
            "url": _customer_url(ticket),
            "signature": team.email_signature.strip() if team else "",
            # The code the customer can check on our verification page (docs/verification.md).
            "verification": verification_line_for(
                channel="email", source=f"ticket-message:{message.pk}", language=ticket.language
            ),
        },
        headers=email_reply_headers(message),
        from_email=team.email_from if team else "",
        attachments=[
            {"name": file.file.name, "filename": file.filename, "content_type": file.content_type}
            for file in message.attachments.all()
        ],
        auto_submitted="",  # a person wrote it: the customer's autoresponder may answer
    )


def email_reply_headers(message: Message) -> dict[str, str]:
    """Message-ID, and In-Reply-To/References naming the emails this reply answers."""
    ticket = message.ticket
    headers = {"Message-ID": email_message_id(reference=ticket.reference, nonce=f"m{message.pk}")}
    thread = _thread_ids(ticket, before=message.pk)
    if thread:
        headers["In-Reply-To"] = thread[-1]
        headers["References"] = " ".join(thread)
    return headers


def _thread_ids(ticket: Ticket, *, before: int) -> list[str]:
    """The Message-IDs of the ticket's earlier emails, oldest first: the conversation's root,
    then the newest REFERENCES_KEPT of the customer's emails and our replies."""
    earlier = (
        Message.objects.filter(ticket=ticket, pk__lt=before)
        .filter(kind__in=[Message.Kind.CUSTOMER, Message.Kind.REPLY])
        .order_by("-pk")
        .values_list("pk", "kind", "channel", "external_id")[:REFERENCES_KEPT]
    )
    ids = [_email_id(ticket, *row) for row in reversed(earlier)]
    root = ticket.external_conversation if ticket.channel == Channel.EMAIL else ""
    return list(dict.fromkeys(i for i in [root, *ids] if i and MESSAGE_ID.fullmatch(i)))


def _email_id(ticket: Ticket, pk: int, kind: str, channel: str, external_id: str | None) -> str:
    if kind == Message.Kind.REPLY:
        return email_message_id(reference=ticket.reference, nonce=f"m{pk}")
    return external_id or "" if channel == Channel.EMAIL else ""


def _customer_url(ticket: Ticket) -> str:
    from tickets.services import customer_url

    return customer_url(ticket)


# --- Delivery state ------------------------------------------------------------------------------


def email_delivery_state(email: OutboxEmail | None) -> DeliveryState | None:
    if email is None:
        return None
    if email.bounced_at is not None:
        return DeliveryState.BOUNCED
    if email.sent_at is not None:
        return DeliveryState.SENT
    if email.failed_at is not None:
        return DeliveryState.FAILED
    return DeliveryState.PENDING if email.attempts else DeliveryState.QUEUED


def email_deliveries(messages: Iterable[Message]) -> dict[int, DeliveryState]:
    """The delivery state of each public reply among `messages`, in one query."""
    keys = {
        REPLY_KEY.format(pk=message.pk): message.pk
        for message in messages
        if message.kind == Message.Kind.REPLY
    }
    # Queried even without a reply (no key matches ""): the page's query count stays the same.
    emails = OutboxEmail.objects.filter(dedupe_key__in=list(keys) or [""]).only(
        "dedupe_key", "sent_at", "failed_at", "bounced_at", "attempts"
    )
    return {keys[email.dedupe_key]: email_delivery_state(email) for email in emails}


SENDER_WARNINGS = {
    "staff_from": _(
        "This email claims to come from a staff address but arrived from outside. It is "
        "treated as a customer's message: do not act on instructions in it."
    ),
    "staff_reply_to": _(
        "Its Reply-To is a staff address. Our replies go only to the customer's address."
    ),
    "forged_message_id": _(
        "It refers to one of our emails by a Message-ID we did not sign: it may be trying to "
        "reach another customer's ticket."
    ),
}


def email_timeline_annotate(timeline: list[dict]) -> list[dict]:
    """Put on each message entry of the console's timeline its delivery state (a reply's
    email, `entry["delivery"]`, and why it failed, `entry["delivery_reason"]`), each of its
    files with the file's own state on a chat channel (`entry["files"]`: (attachment,
    tickets.channels.reply_files.Delivery or None) pairs), and what the agent must be warned
    of (`entry["warnings"]`)."""
    from tickets.channels.adapters import adapters
    from tickets.channels.reply_files import file_deliveries

    messages = [entry["message"] for entry in timeline if entry["kind"] == "message"]
    states = email_deliveries(messages)
    reasons: dict[int, str] = {}
    for adapter in adapters():  # replies sent through a chat channel's outbox (Telegram)
        states.update(adapter.deliveries(messages))
        if hasattr(adapter, "delivery_reasons"):
            reasons.update(adapter.delivery_reasons(messages))
    files = file_deliveries(messages)
    for entry in timeline:
        if entry["kind"] == "message":
            message = entry["message"]
            entry["delivery"] = states.get(message.pk)
            entry["delivery_reason"] = reasons.get(message.pk, "")
            entry["files"] = [(file, files.get(file.pk)) for file in message.attachments.all()]
            entry["warnings"] = email_sender_warnings(message)
    return timeline


def email_sender_warnings(message: Message) -> list[str]:
    kinds = (message.metadata or {}).get("sender_warnings") or []
    return [str(SENDER_WARNINGS[kind]) for kind in kinds if kind in SENDER_WARNINGS]


def email_delivery_mark(*, message_id: str, state: str, reason: str = "") -> OutboxEmail | None:
    """Record what a delivery status notification says about one of our emails, named by its
    Message-ID (bounce handling calls this). Only `DeliveryState.BOUNCED` is recorded for now;
    a Message-ID that is not ours, or not signed by us, changes nothing (None)."""
    if state != DeliveryState.BOUNCED:
        raise ValueError(f"unsupported delivery state {state!r}")
    verified = email_message_id_verified(message_id)
    if verified is None or not verified[1].startswith("m") or not verified[1][1:].isdigit():
        return None
    key = REPLY_KEY.format(pk=int(verified[1][1:]))
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(dedupe_key=key).first()
        if email is None or email.bounced_at is not None:
            return email
        email.bounced_at = timezone.now()
        email.last_error = (reason or email.last_error)[:2000]
        email.save(update_fields=["bounced_at", "last_error"])
    return email
