"""Which ticket an inbound email continues (docs/email.md, "Threading").

In this order: one of our own Message-IDs in In-Reply-To/References (signed, so a made-up one
names nothing), our reference in the subject ("[T-001234]"), an earlier email of the
conversation (its Message-ID), then the same sender with the same subject, Re:/回复:/답장:
and the like removed, within SUBJECT_WINDOW_DAYS. A message joins a ticket only when its
sender takes part in it (the customer, or an address the customer copied); otherwise it
opens a ticket of its own, whatever reference it quotes.

Our Message-IDs read `<T-001234.m42.<signature>@domain>`: the ticket's reference, the id of
the message, and an HMAC-SHA256 of both under a key derived from SECRET_KEY (old keys in
SECRET_KEY_FALLBACKS still verify).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from support.staff_addresses import is_staff_address
from tickets.email_thread_models import EmailParticipant
from tickets.models import Channel, Ticket

if TYPE_CHECKING:  # intake calls this module: no import of it at run time
    from tickets.intake import InboundMessage

MESSAGE_ID_SALT = "tickets.channels.email.message-id"
SIGNATURE_CHARS = 32
OUR_MESSAGE_ID = re.compile(
    r"^<?(?P<reference>T-\d{6,12})\.(?P<nonce>[A-Za-z0-9]{1,24})\."
    rf"(?P<signature>[0-9a-f]{{{SIGNATURE_CHARS}}})@[^<>@\s]+>?$"
)
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
REFERENCE = re.compile(r"\bT-(\d{6,12})\b", re.IGNORECASE)
MAX_REFERENCES = 20  # a References header can list a whole long thread; the newest count
SUBJECT_WINDOW_DAYS = 14
SUBJECT_CANDIDATES = 20
MIN_SUBJECT_CHARS = 3
MAX_PARTICIPANTS = 10
SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|tr|rif|r|enc|odp|答复|答覆|回复|回覆|转发|轉寄|转寄|"
    r"轉發|답장|회신|전달|返信|転送)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*|\[T-\d{6,12}\]\s*)+",
    re.IGNORECASE,
)


# --- Our Message-IDs -----------------------------------------------------------------------------


def email_message_id(*, reference: str, nonce: str) -> str:
    """A Message-ID for an email of ticket `reference`; `nonce` names the message (e.g. "m42")."""
    return f"<{reference}.{nonce}.{_signature(reference, nonce)}@{email_id_domain()}>"


def email_message_id_verified(message_id: str) -> tuple[str, str] | None:
    """(reference, nonce) of one of our own Message-IDs whose signature holds, else None."""
    found = OUR_MESSAGE_ID.match(message_id.strip())
    if found is None:
        return None
    reference, nonce = found.group("reference").upper(), found.group("nonce")
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        if constant_time_compare(found.group("signature"), _signature(reference, nonce, secret)):
            return reference, nonce
    return None


def email_message_id_forged(message_id: str) -> bool:
    """Shaped like one of ours but not signed by us: someone tried to reach a ticket."""
    return bool(OUR_MESSAGE_ID.match(message_id.strip())) and not email_message_id_verified(
        message_id
    )


def email_id_domain() -> str:
    domain = getattr(settings, "EMAIL_MESSAGE_ID_DOMAIN", "")
    return domain or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"


def _signature(reference: str, nonce: str, secret: str | None = None) -> str:
    value = f"{reference}.{nonce}"
    digest = salted_hmac(MESSAGE_ID_SALT, value, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:SIGNATURE_CHARS]


def header_message_ids(*headers: str) -> list[str]:
    """The Message-IDs in In-Reply-To / References values, newest first, at most
    MAX_REFERENCES (References lists the oldest first)."""
    found: list[str] = []
    for header in headers:
        ids = MESSAGE_ID.findall(header or "")
        for message_id in reversed(ids):
            if message_id not in found:
                found.append(message_id)
    return found[:MAX_REFERENCES]


# --- Threading -----------------------------------------------------------------------------------


def subject_normalised(subject: str) -> str:
    """The subject without reply and forward prefixes in any of our languages and without our
    reference tag, case and spacing folded: "RE: 回复: [T-001234] Withdrawal" → "withdrawal"."""
    stripped = SUBJECT_PREFIX.sub("", subject or "")
    return " ".join(stripped.split()).casefold()


def email_thread(message: "InboundMessage", author: AbstractBaseUser) -> Ticket | None:
    """The ticket (locked) `message` continues, or None for a new one; runs inside intake's
    transaction. Only a ticket `author` takes part in is ever returned."""
    metadata = message.metadata or {}
    ids = header_message_ids(metadata.get("in_reply_to", ""), metadata.get("references", ""))
    for ticket_id in _candidates(message, ids, author):
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is not None and email_is_participant(ticket, author):
            return ticket
    return None


def _candidates(message: "InboundMessage", ids: list[str], author) -> Iterator[int]:
    references = [found[0] for found in map(email_message_id_verified, ids) if found]
    references += [f"T-{match.group(1)}" for match in REFERENCE.finditer(message.subject)]
    for reference in dict.fromkeys(references):
        yield from Ticket.objects.filter(reference=reference).values_list("pk", flat=True)
    if ids:
        yield from _conversation_tickets(ids)
    yield from _same_subject_tickets(message.subject, author)


def _conversation_tickets(ids: list[str]) -> Iterable[int]:
    """Tickets holding an earlier email of the conversation (the customer's first one, or a
    later one a copied colleague answers with Reply all)."""
    with connection.cursor() as cursor:
        cursor.execute(CONVERSATION_TICKETS, {"ids": ids, "email": Channel.EMAIL, "limit": 5})
        return dict.fromkeys(row[0] for row in cursor.fetchall())


# Plain SQL, each half on its own index (a message's external id, a ticket's conversation),
# the emails' tickets first, as the ORM's two queries read them.
CONVERSATION_TICKETS = """
    (SELECT ticket_id, 1 AS half, id FROM tickets_message
     WHERE channel = %(email)s AND external_id = ANY(%(ids)s) ORDER BY id DESC LIMIT %(limit)s)
    UNION ALL
    (SELECT id, 2, id FROM tickets_ticket
     WHERE channel = %(email)s AND external_conversation = ANY(%(ids)s)
     ORDER BY id DESC LIMIT %(limit)s)
    ORDER BY half, id DESC
"""


def _same_subject_tickets(subject: str, author) -> list[int]:
    normalised = subject_normalised(subject)
    if len(normalised) < MIN_SUBJECT_CHARS:
        return []
    since = timezone.now() - timedelta(
        days=getattr(settings, "EMAIL_THREAD_SUBJECT_DAYS", SUBJECT_WINDOW_DAYS)
    )
    email = (author.email or "").lower()
    recent = _newest_taken_part_in(author_id=author.pk, email=email, since=since)
    return [pk for pk, other in recent if subject_normalised(other) == normalised]


# Plain SQL: every inbound email asks this, and building the UNION through the ORM cost ten
# times the query itself (2.1 ms of CPU against 0.17). Each half is read from its own index
# (the customer's tickets; the participants' addresses): an OR across the participants' join
# made PostgreSQL scan every ticket of the window.
NEWEST_TAKEN_PART_IN = """
    (SELECT id, subject FROM tickets_ticket WHERE customer_id = %(author)s
     AND updated_at >= %(since)s ORDER BY id DESC LIMIT %(limit)s)
    UNION
    (SELECT t.id, t.subject FROM tickets_ticket t
     JOIN tickets_emailparticipant p ON p.ticket_id = t.id
     WHERE p.email = %(email)s AND %(email)s <> '' AND t.updated_at >= %(since)s
     ORDER BY t.id DESC LIMIT %(limit)s)
    ORDER BY 1 DESC LIMIT %(limit)s
"""


def _newest_taken_part_in(*, author_id: int, email: str, since) -> list[tuple[int, str]]:
    """(id, subject) of the newest tickets updated since `since` that the author is the
    customer of or was copied on (by `email`), at most SUBJECT_CANDIDATES."""
    with connection.cursor() as cursor:
        cursor.execute(
            NEWEST_TAKEN_PART_IN,
            {"author": author_id, "email": email, "since": since, "limit": SUBJECT_CANDIDATES},
        )
        return cursor.fetchall()


def email_is_participant(ticket: Ticket, author: AbstractBaseUser) -> bool:
    if ticket.customer_id == author.pk:
        return True
    email = (author.email or "").lower()
    if not email:
        return False
    with connection.cursor() as cursor:  # plain SQL: asked for each candidate ticket
        cursor.execute(
            "SELECT 1 FROM tickets_emailparticipant WHERE ticket_id = %s AND email = %s LIMIT 1",
            [ticket.pk, email],
        )
        return cursor.fetchone() is not None


# --- Participants --------------------------------------------------------------------------------


def email_participants_record(
    *, ticket: Ticket, message: "InboundMessage", author: AbstractBaseUser
) -> list[str]:
    """Record the addresses the customer copied on this email (inside intake's transaction);
    staff addresses, our own and the customer's are left out, and a ticket keeps at most
    MAX_PARTICIPANTS. Only the customer adds participants. Returns the addresses added."""
    if ticket.customer_id != author.pk:
        return []
    copied = _copied_addresses(message.metadata.get("cc", ""), exclude=author.email)
    if not copied:
        return []
    known = set(ticket.email_participants.values_list("email", flat=True))
    room = MAX_PARTICIPANTS - len(known)
    new = [email for email in copied if email not in known and not _is_staff_address(email)]
    EmailParticipant.objects.bulk_create(
        [EmailParticipant(ticket=ticket, email=email) for email in new[: max(room, 0)]],
        ignore_conflicts=True,
    )
    return new[: max(room, 0)]


def _copied_addresses(cc: str | list, *, exclude: str) -> list[str]:
    values = cc if isinstance(cc, list) else [cc]
    ours = {settings.DEFAULT_FROM_EMAIL.lower(), (exclude or "").lower()}
    found = []
    for _name, address in getaddresses([str(value) for value in values]):
        address = address.strip().lower()
        if "@" in address and address not in ours and len(address) <= 254:
            found.append(address)
    return list(dict.fromkeys(found))


# --- Who claims to write -------------------------------------------------------------------------


def email_sender_checked(message: "InboundMessage") -> "InboundMessage":
    """The message with `metadata["sender_warnings"]` listing what the agent must be told:
    a From or Reply-To of a staff address (staff identity never comes from headers: such a
    message is a customer's message like any other), or a forged Message-ID of ours."""
    metadata = dict(message.metadata or {})
    warnings = []
    if _is_staff_address(message.customer_email):
        warnings.append("staff_from")
    reply_to = [address for _name, address in getaddresses([metadata.get("reply_to", "")])]
    if any(_is_staff_address(address) for address in reply_to if address):
        warnings.append("staff_reply_to")
    ids = header_message_ids(metadata.get("in_reply_to", ""), metadata.get("references", ""))
    if any(email_message_id_forged(message_id) for message_id in ids):
        warnings.append("forged_message_id")
    if not warnings:
        return message
    metadata["sender_warnings"] = warnings
    return replace(message, metadata=metadata)


def _is_staff_address(address: str) -> bool:
    address = (address or "").strip().lower()
    return address == settings.DEFAULT_FROM_EMAIL.lower() or is_staff_address(address)


THREAD_HEADER_CHARS = 4000


def email_thread_headers(message: EmailMessage) -> dict[str, str]:
    """The headers threading reads, from a parsed email (`email.message.EmailMessage`), as
    the plain strings intake keeps in the message's metadata."""
    return {
        name: str(message.get(header, ""))[:THREAD_HEADER_CHARS]
        for name, header in (("references", "References"), ("cc", "Cc"), ("reply_to", "Reply-To"))
    }
