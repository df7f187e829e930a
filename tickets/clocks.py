"""The SLA clocks of a ticket: start, stop, pause, resume and recompute (docs/sla.md).

Each function changes the ticket in memory; the calling service holds the row lock and saves
SLA_FIELDS in its transaction.
"""

from datetime import datetime

from tickets import sla
from tickets.models import PAUSED_STATUSES, SlaEvent, SlaPolicy, Ticket
from tickets.selectors import calendar_for, sla_policy_for

SLA_FIELDS = (
    "sla_policy",
    "first_response_due",
    "first_response_warn_at",
    "next_response_due",
    "next_response_warn_at",
    "next_response_started_at",
    "next_response_paused_base",
    "resolution_due",
    "resolution_warn_at",
    "next_due",
    "sla_paused_at",
    "sla_paused_minutes",
)


def sla_done_steps(ticket: Ticket) -> set[tuple[str, str, datetime]]:
    if ticket._state.adding or not ticket.pk:
        return set()
    return set(SlaEvent.objects.filter(ticket=ticket).values_list("target", "kind", "due_at"))


def sla_recompute(ticket: Ticket, *, policy: SlaPolicy | None = None) -> None:
    """Set every due time from the clocks' starts, the policy's targets and the paused minutes.

    Changes `ticket` in memory; the caller saves SLA_FIELDS.
    """
    policy = policy or sla_policy_for(ticket)
    ticket.sla_policy = policy
    if policy is None:
        for name in SLA_FIELDS[1:6] + SLA_FIELDS[7:10]:
            setattr(ticket, name, None if name != "next_response_paused_base" else 0)
        return
    calendar = calendar_for(ticket, policy)

    def clock(start: datetime, target: str, paused: int) -> tuple[datetime, datetime]:
        minutes = policy.target_minutes(target)
        return sla.clock(
            start=start,
            minutes=minutes,
            warn_share=policy.warn_share,
            paused=paused,
            calendar=calendar,
        )

    paused = ticket.sla_paused_minutes
    if not ticket.first_responded_at:
        ticket.first_response_warn_at, ticket.first_response_due = clock(
            ticket.created_at, "first_response", paused
        )
    ticket.resolution_warn_at, ticket.resolution_due = clock(
        ticket.created_at, "resolution", paused
    )
    if ticket.next_response_started_at:
        ticket.next_response_warn_at, ticket.next_response_due = clock(
            ticket.next_response_started_at,
            "next_response",
            paused - ticket.next_response_paused_base,
        )
    ticket.next_due = sla.next_due(ticket, sla_done_steps(ticket))


def sla_pause(ticket: Ticket, now: datetime) -> None:
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
    ticket.next_due = None


def sla_resume(ticket: Ticket, now: datetime) -> None:
    if ticket.sla_paused_at is not None and ticket.sla_policy_id:
        calendar = calendar_for(ticket, ticket.sla_policy)
        ticket.sla_paused_minutes += sla.business_minutes_between(
            ticket.sla_paused_at, now, calendar
        )
    ticket.sla_paused_at = None
    sla_recompute(ticket, policy=ticket.sla_policy)


def sla_customer_wrote(ticket: Ticket, now: datetime) -> None:
    """A customer message starts the next-response clock if an agent had answered before."""
    if ticket.first_responded_at and ticket.next_response_started_at is None:
        ticket.next_response_started_at = now
        ticket.next_response_paused_base = ticket.sla_paused_minutes
        sla_recompute(ticket, policy=ticket.sla_policy)


def sla_agent_answered(ticket: Ticket, now: datetime) -> list[str]:
    """A public agent reply stops the first-response and next-response clocks."""
    fields = ["next_response_started_at", "next_response_due", "next_response_warn_at", "next_due"]
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        fields.append("first_responded_at")
    ticket.next_response_started_at = None
    ticket.next_response_due = ticket.next_response_warn_at = None
    ticket.next_due = (
        None if ticket.status in PAUSED_STATUSES else sla.next_due(ticket, sla_done_steps(ticket))
    )
    return fields
