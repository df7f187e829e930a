"""Links between tickets: merge (duplicate-of), split, related tickets, parent incidents."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from tickets.clocks import SLA_FIELDS, sla_recompute
from tickets.errors import InvalidTransition
from tickets.live import ticket_changed
from tickets.models import OPEN_STATUSES, Attachment, Message, Status, Ticket
from tickets.services import (
    apply_transition,
    events_record,
    fill_placeholders,
    lock_ticket,
    next_reference,
    save_ticket,
    sla_recompute_recorded,
    ticket_reply,
)


def ticket_merge(*, ticket: Ticket, into: Ticket, by: AbstractBaseUser) -> Ticket:
    """Close `ticket` as a duplicate of `into`, moving its messages; `into`'s clocks recompute."""
    with transaction.atomic():
        locked = {t.pk: lock_ticket(t) for t in sorted([ticket, into], key=lambda t: t.pk)}
        ticket, into = locked[ticket.pk], locked[into.pk]  # locked in pk order: no deadlock
        # Another customer's ticket would show them this customer's messages: never.
        if ticket.pk == into.pk or not into.is_open or ticket.customer_id != into.customer_id:
            raise InvalidTransition(current=ticket.status, requested="merged")
        Message.objects.filter(ticket=ticket).update(ticket=into)
        Attachment.objects.filter(ticket=ticket).update(ticket=into)
        ticket.merged_into = into
        fields = ["merged_into"]
        if ticket.status != Status.SOLVED:
            fields += apply_transition(ticket, to=Status.SOLVED, by=by)
        fields += apply_transition(ticket, to=Status.CLOSED, by=by)
        events_record(ticket=ticket, by=by, changes=[("merged_into", "", into.reference)])
        save_ticket(ticket, fields)
        events_record(ticket=into, by=by, changes=[("merged", ticket.reference, "")])
        if ticket.created_at < into.created_at:
            into.created_at = ticket.created_at  # the customer has waited since the first one
        before_policy, before_due = into.sla_policy, into.resolution_due
        sla_recompute_recorded(into, by=by, before_policy=before_policy, before_due=before_due)
        save_ticket(into, ["created_at", *SLA_FIELDS])
        ticket_changed(ticket=ticket, by=by)
        ticket_changed(ticket=into, by=by)
    return into


def ticket_relate(*, ticket: Ticket, other: Ticket, by: AbstractBaseUser) -> Ticket:
    """Mark two tickets as related (symmetrical)."""
    if ticket.pk == other.pk:
        raise InvalidTransition(current=ticket.reference, requested="related to itself")
    with transaction.atomic():
        ticket.related.add(other)
        events_record(ticket=ticket, by=by, changes=[("related", "", other.reference)])
        events_record(ticket=other, by=by, changes=[("related", "", ticket.reference)])
        ticket_changed(ticket=ticket, by=by)
        ticket_changed(ticket=other, by=by)
    return ticket


def ticket_link_incident(*, ticket: Ticket, incident: Ticket, by: AbstractBaseUser) -> Ticket:
    """Attach a ticket to a parent incident (e.g. "ETH withdrawals delayed")."""
    if ticket.pk == incident.pk or incident.parent_incident_id:
        raise InvalidTransition(
            current=ticket.reference, requested="child of " + incident.reference
        )
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        before = ticket.parent_incident.reference if ticket.parent_incident_id else ""
        ticket.parent_incident = incident
        events_record(ticket=ticket, by=by, changes=[("parent_incident", before, incident)])
        save_ticket(ticket, ["parent_incident"])
        ticket_changed(ticket=ticket, by=by)
    return ticket


def incident_reply(
    *, incident: Ticket, author: AbstractBaseUser, body: str, set_status: str = ""
) -> list[Message]:
    """Answer an incident and every open ticket linked to it, in one go (one transaction).

    Each customer gets the reply on their own ticket, with {reference} and {customer_name} filled.
    Only the linked tickets `author` may see are answered (a restricted team's stay its own).
    """
    with transaction.atomic():
        children = (
            Ticket.objects.visible_to(author)
            .filter(parent_incident=incident, status__in=OPEN_STATUSES)
            .select_related("customer")
        )
        targets = [incident, *children.order_by("id")]
        return [
            ticket_reply(
                ticket=target,
                author=author,
                body=fill_placeholders(body, ticket=target),
                set_status=set_status if set_status in Ticket.TRANSITIONS[target.status] else "",
            )
            for target in targets
        ]


def ticket_split(
    *, ticket: Ticket, message_ids: Iterable[int], by: AbstractBaseUser, subject: str = ""
) -> Ticket:
    """Move some messages of a ticket into a new ticket of the same customer (linked as related).

    The new ticket gets its own reference, fresh SLA clocks and the original's routing fields.
    """
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        moving = Message.objects.filter(ticket=ticket, pk__in=list(message_ids))
        if not moving.exists() or moving.count() == ticket.messages.count():
            raise InvalidTransition(current=ticket.reference, requested="split")
        new = Ticket(
            reference=next_reference(),
            customer=ticket.customer,
            channel=ticket.channel,
            category=ticket.category,
            priority=ticket.priority,
            language=ticket.language,
            tier=ticket.tier,
            team=ticket.team,
            subject=(subject or ticket.subject)[:200],
            status=Status.OPEN,
        )
        sla_recompute(new)
        new.save()
        Attachment.objects.filter(message__in=moving).update(ticket=new)
        moving.update(ticket=new)
        new.related.add(ticket)
        events_record(ticket=new, by=by, changes=[("split_from", "", ticket.reference)])
        events_record(ticket=ticket, by=by, changes=[("split_into", "", new.reference)])
        save_ticket(ticket, [])
        ticket_changed(ticket=new, by=by)
        ticket_changed(ticket=ticket, by=by)
    return new
