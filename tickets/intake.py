"""The one entry point of every channel: an inbound message becomes a ticket message."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from support.emails import AUTO_REPLIED
from support.models import OutboxEmail
from support.official.services import official_domains, verification_url
from support.process_copies import process_copies_read_together
from support.services import outbox_enqueue_email
from support.taxonomy import LANGUAGE_CODES, Category
from support.text import (
    Analysis,
    analyze,
    redact_customer_data,
    redact_customer_file_name,
    redact_customer_text,
    security_notice,
)
from support.text.impersonation import (
    Impersonation,
    contacted_elsewhere,
    domains_in,
    lookalike_links,
)
from tickets.channels.email_html import html_attribute_values, html_text
from tickets.channels.email_quotes import email_new_html, email_new_text
from tickets.channels.email_threads import email_participants_record, email_thread
from tickets.clocks import SLA_FIELDS, sla_customer_wrote, sla_recompute
from tickets.files import HEAD_BYTES, sniff
from tickets.follow_up import GRACE as FOLLOW_UP_GRACE
from tickets.follow_up import follow_up_job, follow_up_soon
from tickets.identities.models import IdentityKind
from tickets.identities.selectors import customer_with_profile_for_handle
from tickets.intake_customers import customer_create
from tickets.live import ticket_changed
from tickets.models import Channel, Message, Priority, Status, Ticket
from tickets.rendering import render_markdown
from tickets.services import (
    apply_transition,
    attachments_check,
    attachments_store,
    events_record,
    save_ticket,
)
from tickets.webhook_events import webhooks_message_added, webhooks_ticket_created

REFERENCE_RE = re.compile(r"\bT-(\d{6,})\b", re.IGNORECASE)
CATEGORY_CONFIDENCE = 0.5
DEFAULT_REOPEN_WINDOW_DAYS = 14
TEXT_SCAN_BYTES = 1_000_000  # text attachments up to this size are redacted before storage


@dataclass(frozen=True)
class InboundAttachment:
    name: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    def read(self) -> bytes:
        return self.content


@dataclass(frozen=True)
class InboundMessage:
    """What every channel adapter hands to intake: who wrote what, where, and its unique key."""

    channel: str
    text: str
    customer_email: str = ""
    customer_id: int | None = None
    subject: str = ""
    attachments: tuple[InboundAttachment, ...] = ()
    external_id: str | None = None
    conversation_id: str = ""
    language_hint: str | None = None
    reference_hint: str = ""
    category: str = ""
    team_id: int | None = None  # the team of the mailbox it reached (tickets/mailboxes.py)
    metadata: Mapping = field(default_factory=dict)
    # Email (tickets/channels/email.py): an HTML-only email's sanitised HTML, shown as it is
    # when it holds no secret; and whether to acknowledge (not an auto-reply, nor past the
    # hourly cap of acknowledgements to one address).
    html: str = ""
    acknowledge: bool = True
    # The customer was told in the channel itself (a live chat shows its security and safety
    # notices in the chat): the ticket is still marked for agents, but no notice is emailed.
    told_in_channel: bool = False
    # The channel holds what makes `external_id` new (an email: its raw row, locked and not
    # processed, whose key it is): intake skips its duplicate read; the unique index on
    # (channel, external id) still stands behind it.
    external_id_new: bool = False


STORE_ATTEMPTS = 2
CATEGORIES = frozenset(Category.values)  # Category.values builds its list on every read


def intake_message(message: InboundMessage, *, customer: AbstractBaseUser | None = None) -> Ticket:
    """Store `message` on a new or existing ticket, all or nothing; a repeat changes nothing.

    Analysis (pure CPU) runs before the transaction; the acknowledgement and routing run after
    commit (tickets/follow_up.py). `customer` is the person `message.customer_id` names when
    the caller has them loaded already (the signed-in customer), which saves reading them again.

    Every text of `message` passes the redaction gate (support.text) before anything below
    stores, logs, queues or emails it: the body through analyze(), every other field here.
    """
    message, in_names = _gate_keys(message)
    attachments_check(message.attachments)
    duplicate = None if message.external_id_new else _already_received(message)
    if duplicate is not None:
        return duplicate
    analysis = analyze(message.text, lang_hint=message.language_hint)
    message, analysis = _gate_fields(message, analysis, found=in_names)
    impersonation = _impersonation(_own_words(message.channel, analysis.redacted_text))
    # An email's message (`external_id_new`: its raw row is locked) meets no unique conflict
    # here, its key being new and a new customer made by an insert that yields to another, so
    # it needs no savepoint inside the email's transaction (two statements fewer). Should one
    # happen all the same, that transaction is spoilt: the email keeps the error, for replay.
    savepoint = not message.external_id_new
    for attempt in range(STORE_ATTEMPTS):
        try:
            with process_copies_read_together(), transaction.atomic(savepoint=savepoint):
                ticket, is_new, emails = _store(message, analysis, customer, impersonation)
            break
        except IntegrityError:
            if not savepoint:
                raise
            duplicate = _already_received(message)  # a concurrent delivery of it won
            if duplicate is not None:
                return duplicate
            if attempt == STORE_ATTEMPTS - 1:
                raise
            # A new customer's two first messages arriving together: the other one created
            # the customer first, and the second attempt finds them.
    if ticket.follow_up_after is not None:
        job = follow_up_job(
            ticket.pk,
            acknowledge=is_new and message.acknowledge,
            route=_needs_route(ticket),
            emails=emails,
        )
        transaction.on_commit(lambda: follow_up_soon(job))
    if ticket.assignee_id:
        transaction.on_commit(lambda: _notify_assignee(ticket))
    return ticket


def _gate_keys(message: InboundMessage) -> tuple[InboundMessage, list[str]]:
    """File names and the keys we store (external ids) through the gate before anything
    checks, logs or looks them up; the markers of keys are English so that a second delivery
    finds the first. Returns the kinds of the secrets the file names held."""
    lang = message.language_hint if message.language_hint in LANGUAGE_CODES else "en"
    names = [redact_customer_file_name(upload.name, lang=lang) for upload in message.attachments]
    external_id = message.external_id and redact_customer_text(message.external_id, lang="en")
    gated = replace(
        message,
        attachments=tuple(
            replace(upload, name=name.text)
            for upload, name in zip(message.attachments, names, strict=True)
        ),
        external_id=external_id.text if external_id else None,
        conversation_id=redact_customer_text(message.conversation_id, lang="en").text,
    )
    return gated, [kind for name in names for kind in name.secrets]


def _gate_fields(
    message: InboundMessage, analysis: Analysis, *, found: list[str]
) -> tuple[InboundMessage, Analysis]:
    """The subject and form fields with their secrets removed (markers in the message's
    language); a secret in any of them, or in a file name (`found`), counts like one in the
    body: the ticket gets a security follow-up and the customer the warning."""
    lang = analysis.language if analysis.language in LANGUAGE_CODES else "en"
    subject = redact_customer_text(message.subject, lang=lang)
    metadata, secrets = redact_customer_data(dict(message.metadata), lang=lang)
    attachments = [text_attachment_redact(upload, lang) for upload in message.attachments]
    secrets = [*found, *subject.secrets, *secrets]
    secrets += [kind for _upload, kinds in attachments for kind in kinds]
    gated = replace(
        message,
        text=analysis.redacted_text,
        subject=subject.text,
        metadata=metadata,
        attachments=tuple(upload for upload, _kinds in attachments),
        html=_gate_html(message, lang, found=bool(secrets or analysis.secrets)),
    )
    if not secrets:
        return gated, analysis
    kinds = analysis.secrets + [{"kind": kind} for kind in secrets]
    return gated, replace(analysis, secrets=kinds, security_followup=True)


def _gate_html(message: InboundMessage, lang: str, *, found: bool) -> str:
    """An email's sanitised HTML, kept only when neither its text nor its markup holds a
    secret: a redaction marker cannot be put into markup safely, so the text is shown.

    What the markup shows is read as text (entities decoded), with its attribute values
    (where its links lead); an HTML-only email's text was made from this markup, and
    analyze() has read it already, so unless the two differ only the attributes are left
    (the whole markup read again was 6 ms of such an email)."""
    html = message.html
    if not html or found:
        return ""
    shown = html_text(html)
    unread = html_attribute_values(html) + ([shown] if shown != message.text else [])
    if unread and redact_customer_text("\n\n".join(unread), lang=lang).secrets:
        return ""
    return html


def text_attachment_redact(
    upload: InboundAttachment, lang: str
) -> tuple[InboundAttachment, list[str]]:
    """A plain-text file (a log, notes) with its secrets removed, like a message body, and the
    kinds of the secrets removed; files over TEXT_SCAN_BYTES are stored as sent (redaction
    reads about 1 MB in 2 s). Also the gate of a Telegram file handed to live chat."""
    if upload.size > TEXT_SCAN_BYTES or sniff(upload.content[:HEAD_BYTES]) != "text/plain":
        return upload, []
    try:
        text = upload.content.decode("utf-8")
    except UnicodeDecodeError:
        return upload, []
    redaction = redact_customer_text(text, lang=lang)
    if not redaction.secrets:
        return upload, []
    return replace(upload, content=redaction.text.encode()), redaction.secrets


def _needs_route(ticket: Ticket) -> bool:
    return ticket.assignee_id is None


def _notify_assignee(ticket: Ticket) -> None:
    from tickets.services import notify_agent

    notify_agent(ticket_id=ticket.pk, user_id=ticket.assignee_id, reason="customer_replied")


def _already_received(message: InboundMessage) -> Ticket | None:
    if not message.external_id:
        return None
    # Plain SQL, on the unique index: every message of every channel asks, nearly all find
    # nothing, and the ORM's building of the query cost several times the query itself.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ticket_id FROM tickets_message WHERE channel = %s AND external_id = %s",
            [message.channel, message.external_id],
        )
        found = cursor.fetchone()
    return Ticket.objects.get(pk=found[0]) if found else None


def _store(
    message: InboundMessage, analysis, known, impersonation: Impersonation
) -> tuple[Ticket, bool, list[OutboxEmail]]:
    customer = _customer_for(message, analysis.language, known)
    now = timezone.now()
    ticket = _thread(message, customer)
    is_new = ticket is None or not _may_continue(ticket, now)
    if is_new:
        ticket = _open(message, analysis, customer, now, follow_up_of=ticket)
    else:
        _continue(ticket, analysis, customer, now)
    is_email = message.channel == Channel.EMAIL
    stored = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.CUSTOMER,
        author=customer,
        channel=message.channel,
        body=analysis.redacted_text,
        body_html=message.html or render_markdown(analysis.redacted_text),
        new_html=email_new_html(analysis.redacted_text) if is_email else "",
        metadata=dict(message.metadata),
        external_id=message.external_id or None,
    )
    if is_email:
        email_participants_record(ticket=ticket, message=message, author=customer)
    attachments_store(ticket=ticket, message=stored, uploads=message.attachments)
    if is_new:
        webhooks_ticket_created(ticket, stored)
    else:
        webhooks_message_added(ticket, stored)
    ticket_changed(ticket=ticket, by=customer, created=is_new)
    email_to = "" if message.told_in_channel else customer.email
    warning = _warn_about_secrets(ticket, email_to, stored) if analysis.secrets else None
    notice = (
        _warn_about_impersonation(ticket, customer, impersonation, email_to=email_to)
        if impersonation
        else None
    )
    return ticket, is_new, [email for email in (warning, notice) if email is not None]


def _customer_for(message: InboundMessage, language: str, known) -> AbstractBaseUser:
    if known is not None and message.customer_id and known.pk == message.customer_id:
        return known
    User = get_user_model()
    users = User.objects.select_related("customer_profile")
    if message.customer_id:
        return users.get(pk=message.customer_id)
    email = User.objects.normalize_email(message.customer_email).lower()
    found = customer_with_profile_for_handle(kind=IdentityKind.EMAIL, value=email, username=email)
    if found is not None:
        return found
    language = language if language in LANGUAGE_CODES else "en"
    made = customer_create(email=email, language=language)
    if made is not None:
        return made
    # A concurrent message from the same address made the account first: theirs, now committed.
    return customer_with_profile_for_handle(kind=IdentityKind.EMAIL, value=email, username=email)


def _thread(message: InboundMessage, customer: AbstractBaseUser) -> Ticket | None:
    """The customer's ticket named by a reference, else the same external conversation; an
    email by tickets/channels/email_threads.py's rules."""
    if message.channel == Channel.EMAIL:
        found = email_thread(message, customer)
        return _follow_merges(found) if found else None
    tickets = Ticket.objects.select_for_update().filter(customer=customer)
    haystack = " ".join([message.reference_hint, message.subject, message.text[:2000]])
    for match in REFERENCE_RE.finditer(haystack):
        found = tickets.filter(reference=f"T-{match.group(1)}").first()
        if found:
            return _follow_merges(found)
    if message.conversation_id:
        found = (
            tickets.filter(channel=message.channel, external_conversation=message.conversation_id)
            .order_by("-id")
            .first()
        )
        if found:
            return _follow_merges(found)
    return None


def _follow_merges(ticket: Ticket) -> Ticket:
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.select_for_update().get(pk=ticket.merged_into_id)
    return ticket


def _may_continue(ticket: Ticket, now) -> bool:
    """Open tickets continue; solved ones reopen within the window; closed ones never."""
    if ticket.is_open:
        return True
    if ticket.status == Status.SOLVED:
        days = getattr(settings, "TICKETS_REOPEN_WINDOW_DAYS", DEFAULT_REOPEN_WINDOW_DAYS)
        return ticket.solved_at is not None and now - ticket.solved_at <= timedelta(days=days)
    return False


def _open(message, analysis, customer, now, *, follow_up_of: Ticket | None) -> Ticket:
    profile = getattr(customer, "customer_profile", None)
    category, needs_triage = _category(message, analysis)
    urgent = bool(analysis.urgent)
    ticket = Ticket(
        customer=customer,
        channel=message.channel,
        external_conversation=message.conversation_id[:200],
        category=category,
        needs_triage=needs_triage,
        priority=Priority.URGENT if urgent else Priority.NORMAL,
        language=_language(analysis, profile),
        tier=profile.tier if profile else "standard",
        subject=(message.subject or _subject_from(analysis.redacted_text))[:200],
        security_followup=bool(analysis.security_followup or analysis.secrets),
        strongly_negative=analysis.strongly_negative,
        follow_up_of=follow_up_of,
        team_id=message.team_id,
        created_at=now,
        follow_up_after=now + FOLLOW_UP_GRACE,  # acknowledgement and routing, after commit
    )
    sla_recompute(ticket)
    ticket.save()
    events_record(
        ticket=ticket,
        by=customer,
        changes=[("status", "", Status.NEW), ("sla_policy", "", ticket.sla_policy or "")],
    )
    if follow_up_of is not None:
        events_record(ticket=ticket, by=customer, changes=[("follow_up_of", "", follow_up_of)])
    return ticket


def _continue(ticket: Ticket, analysis, customer, now) -> None:
    fields = []
    if ticket.status in (Status.SOLVED, Status.PENDING):
        fields += apply_transition(ticket, to=Status.OPEN, by=customer)
    if analysis.secrets and not ticket.security_followup:
        ticket.security_followup = True
        fields.append("security_followup")
    if analysis.strongly_negative and not ticket.strongly_negative:
        ticket.strongly_negative = True
        fields.append("strongly_negative")
    if ticket.status not in (Status.PENDING, Status.ON_HOLD):
        sla_customer_wrote(ticket, now)
    if _needs_route(ticket) or analysis.secrets:  # routing, or the secrets warning to deliver
        ticket.follow_up_after = now + FOLLOW_UP_GRACE
        fields.append("follow_up_after")
    save_ticket(ticket, [*fields, *SLA_FIELDS])


def _category(message: InboundMessage, analysis) -> tuple[str, bool]:
    if message.category in CATEGORIES:
        return message.category, False
    if analysis.category in CATEGORIES and analysis.category_confidence >= CATEGORY_CONFIDENCE:
        return analysis.category, bool(analysis.needs_triage)
    return Category.GENERAL, True


def _language(analysis, profile) -> str:
    if analysis.language in LANGUAGE_CODES:
        return analysis.language
    return profile.preferred_language if profile else "en"


def _subject_from(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line[:80] or "(no subject)"


def _warn_about_secrets(ticket: Ticket, email_to: str, stored: Message) -> OutboxEmail | None:
    if not email_to:
        return None
    return outbox_enqueue_email(
        dedupe_key=f"secrets:{stored.pk}",
        to=email_to,
        template="tickets/emails/security_notice",
        language=ticket.language,
        context={"ticket": ticket, "notice": security_notice(ticket.language)},
        deliver_after_commit=False,
        new_key=True,  # the message was stored in this transaction
        auto_submitted=AUTO_REPLIED,  # it answers the customer's message
    )


def _own_words(channel: str, text: str) -> str:
    """The customer's own words: an email without the reply it quotes (ours may well name
    Telegram or our support) and without its signature."""
    if channel != Channel.EMAIL:
        return text
    return email_new_text(text) or text


def _impersonation(text: str) -> Impersonation:
    """The signs that someone posed as us (support.text.impersonation); our domains are read
    only when the text names a domain, which few messages do."""
    if contacted_elsewhere(text):
        return Impersonation(contacted_elsewhere=True)
    if not domains_in(text):
        return Impersonation()
    return Impersonation(
        lookalike_domains=lookalike_links(text, official_domains=official_domains())
    )


def _warn_about_impersonation(
    ticket: Ticket, customer: AbstractBaseUser, found: Impersonation, *, email_to: str
) -> OutboxEmail | None:
    """Mark the ticket (agents see a warning) and write the customer one safety notice in
    their language (to `email_to`; none when empty): once per ticket, however many messages
    show the signs."""
    if ticket.impersonation_suspected:
        return None
    ticket.impersonation_suspected = True
    fields = ["impersonation_suspected"]
    if ticket.follow_up_after is None:  # deliver the notice with the follow-up
        ticket.follow_up_after = timezone.now() + FOLLOW_UP_GRACE
        fields.append("follow_up_after")
    save_ticket(ticket, fields)
    changes = [("impersonation_suspected", False, True)]
    if found.lookalike_domains:  # for agents; punycode, so that no look-alike letter hides
        links = ", ".join(_ascii_domain(domain) for domain in found.lookalike_domains)
        changes.append(("impersonation_links", "", links[:200]))
    events_record(ticket=ticket, by=customer, changes=changes)
    if not email_to:
        return None
    return outbox_enqueue_email(
        dedupe_key=f"impersonation:{ticket.pk}",
        to=email_to,
        template="tickets/emails/impersonation_notice",
        language=ticket.language,
        # The look-alike links are not repeated: a mail client would make them links again.
        context={"ticket": ticket, "url": verification_url(ticket.language)},
        deliver_after_commit=False,
        new_key=True,  # the flag was set in this transaction: no notice can exist yet
        auto_submitted=AUTO_REPLIED,  # it answers the customer's message
    )


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain.encode("ascii", "backslashreplace").decode("ascii")
