"""Every state change of a ticket: one verb per function, one transaction, an event per change.

Callers pass the ticket they read; each service re-fetches it with `select_for_update()`, checks
the optimistic `version` when one is given, and puts side effects on `transaction.on_commit`.
"""

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from support.bulk import insert_rows
from support.roles import is_staff_member
from support.services import outbox_enqueue_email
from support.teams import can_read_team
from tickets.clocks import (
    SLA_FIELDS,
    sla_agent_answered,
    sla_pause,
    sla_recompute,
    sla_resume,
)
from tickets.errors import (
    AssigneeCannotRead,
    AttachmentQuotaReached,
    AttachmentTooLarge,
    InvalidTransition,
    StaleVersion,
    TransitionNotAllowed,
)
from tickets.files import upload_type
from tickets.live import ticket_changed
from tickets.macros import macro_record_use
from tickets.models import (
    PAUSED_STATUSES,
    PRIORITY_ORDER,
    Attachment,
    Channel,
    Event,
    Message,
    Status,
    Ticket,
)
from tickets.rendering import render_markdown
from tickets.surveys.scheduling import survey_follow_transition
from tickets.webhook_events import webhooks_message_added, webhooks_ticket_changed

DEFAULT_ATTACHMENT_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "audio/ogg",
)
DEFAULT_ATTACHMENTS_PER_TICKET = 100


def next_reference() -> str:
    """A reference drawn ahead of the insert (a new ticket's own is drawn by its INSERT)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tickets_next_reference()")
        (reference,) = cursor.fetchone()
    return reference


def events_record(
    *, ticket: Ticket, by: AbstractBaseUser | None, changes: Iterable[tuple[str, object, object]]
) -> None:
    """One event row per (field, before, after); callers hold the ticket's transaction.

    Rows only: the service that made the change tells the live console itself
    (tickets.live.ticket_changed, after commit). One plain INSERT (support.bulk): every
    ticket change writes events, and building bulk_create's statement cost more than it."""
    now = timezone.now()
    actor = by.pk if by is not None else None
    rows = [
        (
            ticket.pk,
            actor,
            field,
            "" if before is None else str(before),
            "" if after is None else str(after),
            now,
        )
        for field, before, after in changes
    ]
    insert_rows(Event, EVENT_FIELDS, rows)


EVENT_FIELDS = ("ticket_id", "actor_id", "field", "before", "after", "created_at")


def lock_ticket(ticket: Ticket, version: int | None = None) -> Ticket:
    """The ticket re-read FOR UPDATE (call inside a transaction); StaleVersion if `version` is
    given and someone changed the ticket since the caller read it."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if version is not None and version != locked.version:
        raise StaleVersion(expected=version, actual=locked.version)
    return locked


def save_ticket(ticket: Ticket, fields: Iterable[str]) -> Ticket:
    """Save a locked ticket's changed fields and bump its version (optimistic concurrency)."""
    ticket.version += 1
    ticket.save(update_fields=[*set(fields), "version", "updated_at"])
    return ticket


# --- Workflow -----------------------------------------------------------------------------------


def apply_transition(ticket: Ticket, *, to: str, by: AbstractBaseUser | None) -> list[str]:
    """Move `ticket` (locked, in memory) to `to`; returns the fields to save."""
    current = ticket.status
    if to not in Ticket.TRANSITIONS[current]:
        raise InvalidTransition(current=current, requested=to)
    now = timezone.now()
    ticket.status = to
    fields = ["status", *SLA_FIELDS]
    if to == Status.SOLVED:
        ticket.solved_at = now
        fields.append("solved_at")
    if to == Status.CLOSED:
        ticket.closed_at = now
        ticket.next_due = None
        fields.append("closed_at")
    elif to in PAUSED_STATUSES:
        if current in PAUSED_STATUSES:
            sla_resume(ticket, now)  # pending → solved: bank the hold before the new pause
        sla_pause(ticket, now)
    elif current in PAUSED_STATUSES:
        sla_resume(ticket, now)
    events_record(ticket=ticket, by=by, changes=[("status", current, to)])
    webhooks_ticket_changed(ticket, [("status", current, to)])
    survey_follow_transition(ticket, current=current, now=now)
    return fields


def ticket_transition(
    *, ticket: Ticket, to: str, by: AbstractBaseUser | None, version: int | None = None
) -> Ticket:
    """Move a ticket to another status through Ticket.TRANSITIONS; InvalidTransition otherwise.
    A customer may only mark it solved (TransitionNotAllowed)."""
    if by is not None and not is_staff_member(by) and to != Status.SOLVED:
        raise TransitionNotAllowed()
    with transaction.atomic():
        ticket = lock_ticket(ticket, version)
        fields = apply_transition(ticket, to=to, by=by)
        save_ticket(ticket, fields)
        ticket_changed(ticket=ticket, by=by)
    return ticket


def ticket_set_priority(
    *, ticket: Ticket, priority: str, by: AbstractBaseUser | None, version: int | None = None
) -> Ticket:
    """Change the priority and recompute the due times under the policy that now matches."""
    with transaction.atomic():
        ticket = lock_ticket(ticket, version)
        if ticket.priority == priority:
            return ticket
        before_policy, before_due = ticket.sla_policy, ticket.resolution_due
        changes = [("priority", ticket.priority, priority)]
        events_record(ticket=ticket, by=by, changes=changes)
        ticket.priority = priority
        webhooks_ticket_changed(ticket, changes)
        sla_recompute_recorded(ticket, by=by, before_policy=before_policy, before_due=before_due)
        save_ticket(ticket, ["priority", *SLA_FIELDS])
        ticket_changed(ticket=ticket, by=by)
    return ticket


def sla_recompute_recorded(
    ticket: Ticket, *, by: AbstractBaseUser | None, before_policy, before_due
) -> None:
    sla_recompute(ticket)
    if ticket.status in PAUSED_STATUSES:
        ticket.next_due = None
    changes = []
    if before_policy != ticket.sla_policy:
        changes.append(("sla_policy", before_policy, ticket.sla_policy))
    if before_due != ticket.resolution_due:
        changes.append(("resolution_due", _iso(before_due), _iso(ticket.resolution_due)))
    events_record(ticket=ticket, by=by, changes=changes)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def ticket_set_tags(
    *, ticket: Ticket, tags: list[str], by: AbstractBaseUser | None, version: int | None = None
) -> Ticket:
    tags = sorted({tag.strip().lower()[:50] for tag in tags if tag.strip()})
    with transaction.atomic():
        ticket = lock_ticket(ticket, version)
        if ticket.tags != tags:
            events_record(
                ticket=ticket, by=by, changes=[("tags", ",".join(ticket.tags), ",".join(tags))]
            )
            ticket.tags = tags
            save_ticket(ticket, ["tags"])
            ticket_changed(ticket=ticket, by=by)
    return ticket


def ticket_assign(
    *,
    ticket: Ticket,
    agent: AbstractBaseUser | None,
    by: AbstractBaseUser | None,
    team=None,
    version: int | None = None,
) -> Ticket:
    """Give the ticket to `agent` (None: back to the queue) and optionally another team."""
    with transaction.atomic():
        ticket = lock_ticket(ticket, version)
        changes, fields = [], []
        if ticket.assignee_id != (agent.pk if agent else None):
            changes.append(("assignee", ticket.assignee, agent))
            ticket.assignee = agent
            fields.append("assignee")
        if team is not None and ticket.team_id != team.pk:
            changes.append(("team", ticket.team, team))
            ticket.team = team
            fields.append("team")
        if ticket.status == Status.NEW and agent is not None:
            fields += apply_transition(ticket, to=Status.OPEN, by=by)
        assignee_may_read(ticket)
        if fields:
            events_record(ticket=ticket, by=by, changes=changes)
            save_ticket(ticket, fields)
            webhooks_ticket_changed(ticket, changes)
            ticket_changed(ticket=ticket, by=by, changes=changes)
    if agent is not None and by != agent:
        transaction.on_commit(lambda: notify_agent(ticket_id=ticket.pk, user_id=agent.pk))
    return ticket


def assignee_may_read(ticket: Ticket) -> None:
    """A ticket of a restricted team goes only to someone who may read it (support.teams)."""
    if ticket.assignee_id and not can_read_team(ticket.assignee, ticket.team_id):
        raise AssigneeCannotRead(agent=ticket.assignee.email, team=str(ticket.team))


def ticket_reply(
    *,
    ticket: Ticket,
    author: AbstractBaseUser,
    body: str,
    internal: bool = False,
    attachments: Iterable = (),
    set_status: str = "",
    version: int | None = None,
) -> Message:
    """An agent's public reply (emailed to the customer) or internal note."""
    with transaction.atomic():
        ticket = lock_ticket(ticket, version)
        message = Message.objects.create(
            ticket=ticket,
            kind=Message.Kind.NOTE if internal else Message.Kind.REPLY,
            author=author,
            channel=ticket.channel,
            body=body,
            body_html=render_markdown(body),
        )
        attachments_store(ticket=ticket, message=message, uploads=attachments)
        webhooks_message_added(ticket, message)
        ticket_changed(ticket=ticket, by=author)
        fields = []
        if not internal:
            fields += sla_agent_answered(ticket, timezone.now())
            if not set_status and ticket.status == Status.NEW:
                set_status = Status.OPEN
        if set_status and set_status != ticket.status:
            fields += apply_transition(ticket, to=set_status, by=author)
        save_ticket(ticket, fields)
        # A ticket from a chat channel (Telegram) is answered there, through its outbox row
        # written in this transaction (tickets/channels/adapters.py); the others by email.
        answered_in_channel = not internal and channel_reply_enqueue(message)
    if not internal and not answered_in_channel:
        transaction.on_commit(lambda: notify_customer_of_reply(message_id=message.pk))
    return message


def channel_reply_enqueue(message: Message) -> bool:
    """Whether the reply went to the outbox of its ticket's channel adapter."""
    from tickets.channels.adapters import adapter_for

    adapter = adapter_for(message.ticket.channel)
    return adapter is not None and adapter.reply_enqueue(message)


def attachments_check(uploads: Iterable) -> list[str]:
    """The content type of each upload, judged by its bytes (tickets/files.py); refuses
    files over the size limit and files whose bytes, name or declared type do not fit."""
    limit = settings.ATTACHMENT_MAX_BYTES
    allowed = tuple(getattr(settings, "TICKETS_ATTACHMENT_TYPES", DEFAULT_ATTACHMENT_TYPES))
    kinds = []
    for upload in uploads:
        if upload.size > limit:
            raise AttachmentTooLarge(limit=limit)
        kinds.append(upload_type(upload, allowed=allowed))
    return kinds


def attachments_store(*, ticket: Ticket, message: Message, uploads: Iterable) -> list[Attachment]:
    """Store uploads (objects with name, content_type, size and read()) after checking them."""
    uploads = list(uploads)
    kinds = attachments_check(uploads)
    uploads = attachments_within_quota(ticket=ticket, message=message, uploads=uploads)
    stored = []
    for upload, kind in zip(uploads, kinds, strict=False):
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=upload.name[:200],
            content_type=kind,
            size=upload.size,
        )
        attachment.file.save(upload.name, ContentFile(upload.read()), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def attachments_within_quota(*, ticket: Ticket, message: Message, uploads: list) -> list:
    """The uploads that fit the ticket's file quota. A person uploading is told (413); an
    email's extra files are dropped, so the mail itself is never lost."""
    if not uploads:  # most messages: no need to count the ticket's files
        return uploads
    limit = getattr(settings, "TICKETS_ATTACHMENTS_PER_TICKET", DEFAULT_ATTACHMENTS_PER_TICKET)
    room = max(limit - Attachment.objects.filter(ticket=ticket).count(), 0)
    if len(uploads) <= room:
        return uploads
    if message.channel == Channel.EMAIL:
        return uploads[:room]
    raise AttachmentQuotaReached(limit=limit)


def ticket_bump_priority(ticket: Ticket) -> str | None:
    """The next priority up, or None at the top."""
    index = PRIORITY_ORDER.index(ticket.priority)
    return PRIORITY_ORDER[index + 1] if index + 1 < len(PRIORITY_ORDER) else None


# --- Notifications (after commit) -------------------------------------------------------------


def notify_agent(*, ticket_id: int, user_id: int, reason: str = "assigned") -> None:
    """After commit: tell an agent about a ticket (its own transaction)."""
    from django.contrib.auth import get_user_model

    ticket = Ticket.objects.get(pk=ticket_id)
    user = get_user_model().objects.get(pk=user_id)
    with transaction.atomic():
        agent_notice_enqueue(
            ticket=ticket,
            user=user,
            reason=reason,
            dedupe_key=f"ticket:{ticket.pk}:{reason}:{user.pk}:{ticket.version}",
        )


def agent_notice_enqueue(
    *, ticket: Ticket, user: AbstractBaseUser, reason: str, dedupe_key: str
) -> None:
    """Write a notice to a staff member into the outbox, inside the caller's transaction."""
    profile = getattr(user, "agent_profile", None)
    outbox_enqueue_email(
        dedupe_key=dedupe_key,
        to=user.email,
        template="tickets/emails/agent_notice",
        language=profile.preferred_language if profile else "en",
        context={"ticket": ticket, "reason": reason, "url": console_url(ticket)},
    )


def notify_customer_of_reply(*, message_id: int) -> None:
    """After commit: the reply as an email (tickets/channels/email_outbound.py)."""
    from tickets.channels.email_outbound import email_reply_enqueue

    message = Message.objects.select_related("ticket__customer", "ticket__team").get(pk=message_id)
    with transaction.atomic():
        email_reply_enqueue(message=message)


def customer_url(ticket: Ticket) -> str:
    """The customer's page of the ticket, in the ticket's language."""
    return settings.SITE_URL.rstrip("/") + _tickets_path(ticket.language) + ticket.reference + "/"


@lru_cache(maxsize=16)
def _tickets_path(language: str) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse("tickets:list")  # reversing per ticket under override costs ~3 ms


def console_url(ticket: Ticket) -> str:
    from django.urls import reverse

    path = reverse("tickets_console:ticket", kwargs={"reference": ticket.reference})
    return settings.SITE_URL.rstrip("/") + path


def console_queue_url(view: str) -> str:
    from django.urls import reverse

    return f"{settings.SITE_URL.rstrip('/')}{reverse('tickets_console:queue')}?view={view}"


# --- Macros -------------------------------------------------------------------------------------


def macro_render(*, macro, ticket: Ticket) -> str:
    """The macro's text with {customer_name} and {reference} filled in; unknown ones kept."""
    return fill_placeholders(macro.body, ticket=ticket)


def fill_placeholders(text: str, *, ticket: Ticket) -> str:
    name = customer_display_name(ticket.customer)
    values = {"customer_name": name, "reference": ticket.reference}
    return fill_placeholder_values(text, values=values)


def customer_display_name(customer: AbstractBaseUser | None, email: str = "") -> str:
    """How a macro greets a customer: the full name, else the local part of the email."""
    if customer is not None and customer.get_full_name():
        return customer.get_full_name()
    return (customer.email if customer is not None else email).split("@")[0]


def fill_placeholder_values(text: str, *, values: dict[str, str]) -> str:
    """A macro's text filled from plain values (a live chat has no ticket yet). A line holding
    a placeholder whose value is empty is left out, with the blank line it leaves behind;
    unknown placeholders are kept."""
    lines: list[str] = []
    for line in text.splitlines():
        if any(not value and f"{{{name}}}" in line for name, value in values.items()):
            continue
        for name, value in values.items():
            line = line.replace(f"{{{name}}}", value)
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line)
    return "\n".join(lines).strip()


def ticket_reply_with_macro(
    *, ticket: Ticket, macro, author: AbstractBaseUser, body: str = "", version: int | None = None
) -> Message:
    """Reply with a macro's text (or an edited version of it), then apply its status and tags;
    the macro's use is counted with the reply (rolled back with it), last, so the macro's
    row is locked only for the end of the transaction."""
    with transaction.atomic():
        message = ticket_reply(
            ticket=ticket,
            author=author,
            body=body or macro_render(macro=macro, ticket=ticket),
            set_status=macro.set_status,
            version=version,
        )
        if macro.add_tags:
            ticket.refresh_from_db(fields=["tags"])
            ticket_set_tags(ticket=ticket, tags=[*ticket.tags, *macro.add_tags], by=author)
        macro_record_use(macro_id=macro.pk)
    return message


def ticket_rate(*, ticket: Ticket, score: int, by: AbstractBaseUser) -> Ticket:
    """The customer's satisfaction score (1–5) for a solved or closed ticket; may be changed."""
    if ticket.status not in (Status.SOLVED, Status.CLOSED) or not 1 <= score <= 5:
        raise InvalidTransition(current=ticket.status, requested=f"rated {score}")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        events_record(
            ticket=ticket, by=by, changes=[("satisfaction_score", ticket.satisfaction_score, score)]
        )
        ticket.satisfaction_score = score
        save_ticket(ticket, ["satisfaction_score"])
        ticket_changed(ticket=ticket, by=by)
    return ticket
