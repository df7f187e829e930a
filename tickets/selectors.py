"""Reads: access checks, SLA policy matching, lists."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from support.roles import is_staff_member
from tickets import sla
from tickets.models import (
    Attachment,
    BusinessCalendar,
    Channel,
    Message,
    RawInbound,
    Remediation,
    SlaPolicy,
    Ticket,
)
from tickets.policy_cache import sla_policies

MATCH_FIELDS = ("priority", "tier", "channel", "category")


def ticket_get_for_user(
    *, user: AbstractBaseUser | AnonymousUser, reference: str, for_update: bool = False
) -> Ticket:
    """The ticket if `user` may see it; Http404 for "missing" and "not yours" alike."""
    tickets = Ticket.objects.visible_to(user).select_related("customer", "assignee", "team")
    ticket = tickets.filter(reference=reference).first()
    if ticket is None:
        raise Http404
    return ticket


def attachment_get_for_user(*, user, pk: int) -> Attachment:
    """The attachment if its ticket is visible and, for customers, not on an internal note."""
    attachments = Attachment.objects.filter(ticket__in=Ticket.objects.visible_to(user))
    if not is_staff_member(user):
        attachments = attachments.exclude(message__kind=Message.Kind.NOTE)
    return get_object_or_404(attachments, pk=pk)


def messages_visible(*, ticket: Ticket, staff: bool) -> QuerySet[Message]:
    messages = ticket.messages.select_related("author").prefetch_related("attachments")
    return messages if staff else messages.exclude(kind=Message.Kind.NOTE)


def sla_policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific policy whose non-blank match fields all equal the ticket's."""
    values = [(name, getattr(ticket, name)) for name in MATCH_FIELDS]
    candidates = [
        policy
        for policy in sla_policies()
        if all(getattr(policy, name) in ("", value) for name, value in values)
    ]
    return max(
        candidates,
        key=lambda policy: (sum(bool(getattr(policy, name)) for name in MATCH_FIELDS), -policy.pk),
        default=None,
    )


def calendar_for(ticket: Ticket, policy: SlaPolicy | None) -> sla.Calendar:
    """The policy's calendar, else the ticket team's, else 24/7."""
    row = policy.calendar if policy and policy.calendar_id else None
    if row is None and ticket.team_id:
        row = BusinessCalendar.objects.filter(teams=ticket.team_id).first()
    return calendar_value(row)


def calendar_value(row: BusinessCalendar | None) -> sla.Calendar:
    if row is None or row.always_open:
        return sla.ALWAYS_OPEN
    return sla.Calendar(
        timezone=row.timezone,
        always_open=False,
        weekly_hours=sla.parse_weekly_hours(row.weekly_hours),
        holiday_country=row.holiday_country,
    )


# --- Lists (keyset pagination: `before` is the last id of the previous page; the console's
# inbox is tickets.inbox) ----------------------------------------------------------------------


def page(tickets: QuerySet[Ticket], *, before: int | None, size: int = 50) -> list[Ticket]:
    if before:
        tickets = tickets.filter(id__lt=before)
    return list(tickets.order_by("-id")[:size])


def customer_past_tickets(
    customer: AbstractBaseUser, viewer: AbstractBaseUser | None = None
) -> list[dict]:
    """Rows for the customer 360 panel: the customer's tickets `viewer` may see (without a
    viewer, none of a restricted team's)."""
    tickets = (
        Ticket.objects.visible_to(viewer)
        if viewer
        else Ticket.objects.exclude(team__restricted=True)
    )
    tickets = tickets.filter(customer=customer).order_by("-id")[:10]
    return [
        {
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.get_status_display(),
            "created_at": ticket.created_at,
            "url": f"/console/tickets/{ticket.reference}/",
        }
        for ticket in tickets
    ]


def ticket_links(*, ticket: Ticket, user: AbstractBaseUser) -> dict:
    """The tickets linked to `ticket` that `user` may see, for the console's links panel."""
    visible = Ticket.objects.visible_to(user)
    linked = {ticket.parent_incident_id, ticket.merged_into_id} - {None}
    found = {other.pk: other for other in visible.filter(pk__in=linked)} if linked else {}
    return {
        "parent_incident": found.get(ticket.parent_incident_id),
        "merged_into": found.get(ticket.merged_into_id),
        "related": list(visible.filter(related=ticket).order_by("-id")[:20]),
        "incident_children": list(visible.filter(parent_incident=ticket).order_by("-id")[:20]),
    }


def remediation_get_for_user(*, user: AbstractBaseUser, pk: int) -> Remediation:
    """The remediation if its ticket is visible to `user`; Http404 otherwise."""
    remediations = Remediation.objects.select_related("ticket", "requested_by")
    return get_object_or_404(remediations.filter(ticket__in=Ticket.objects.visible_to(user)), pk=pk)


def timeline(ticket: Ticket) -> list[dict]:
    """Messages (with notes) and events, oldest first, for the console."""
    entries = [
        {"kind": "message", "at": message.created_at, "message": message}
        for message in messages_visible(ticket=ticket, staff=True)
    ]
    entries += [
        {"kind": "event", "at": event.created_at, "event": event}
        for event in ticket.events.select_related("actor")
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def raw_email_get_for_ticket(*, ticket: Ticket, message_pk: int) -> RawInbound:
    """The stored original of one of the ticket's emails; Http404 for anything else."""
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
