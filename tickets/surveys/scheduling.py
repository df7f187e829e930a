"""Scheduling a satisfaction survey when a ticket is solved, cancelling it when it reopens.

Both run inside the ticket's transition (tickets.services.apply_transition, the ticket locked),
so a survey exists exactly when the solve was saved. One survey per ticket, ever (the
invitation is one-to-one with the ticket): a second solve inserts nothing (ON CONFLICT DO
NOTHING), except that a survey cancelled by a reopening is scheduled afresh.
"""

from datetime import datetime, timedelta

from django.db.models import Q

from support.services import user_preferred_language
from tickets.models import OPEN_STATUSES, Channel, Status, Ticket
from tickets.survey_models import SurveyInvitation, SurveyPolicy, SurveyState

SPAM_TAG = "spam"
REOPENED = "reopened"
PENDING_STATES = (SurveyState.SCHEDULED, SurveyState.SENT, SurveyState.REMINDED)


def survey_policy(channel: str) -> SurveyPolicy | None:
    """The channel's own policy row, else the default row (blank channel)."""
    rows = SurveyPolicy.objects.filter(channel__in=[channel, ""])
    return max(rows, key=lambda row: bool(row.channel), default=None)


def survey_excluded(ticket: Ticket) -> str:
    """Why `ticket` gets no survey ("" when it may get one): chats rate in the chat."""
    if ticket.channel == Channel.CHAT:
        return "chat"
    if ticket.merged_into_id is not None:
        return "merged"
    if SPAM_TAG in ticket.tags:
        return "spam"
    if not ticket.customer.email:
        return "no email"
    return ""


def surveyed_recently(*, customer_id: int, now: datetime, quiet_days: int) -> bool:
    """Whether the customer was sent a survey within the last `quiet_days` (fatigue rule)."""
    since = now - timedelta(days=quiet_days)
    return SurveyInvitation.objects.filter(customer_id=customer_id, sent_at__gte=since).exists()


def survey_schedule(*, ticket: Ticket, now: datetime) -> SurveyInvitation | None:
    """Schedule the survey of `ticket`, just solved; None when it gets none."""
    policy = survey_policy(ticket.channel)
    if policy is None or not policy.enabled or survey_excluded(ticket):
        return None
    if surveyed_recently(customer_id=ticket.customer_id, now=now, quiet_days=policy.quiet_days):
        return None
    send_at = now + timedelta(minutes=policy.delay_minutes)
    invitation = _invitation(ticket, send_at)
    SurveyInvitation.objects.bulk_create([invitation], ignore_conflicts=True)
    _reschedule_reopened(ticket, send_at)
    return SurveyInvitation.objects.filter(ticket=ticket, state=SurveyState.SCHEDULED).first()


def _invitation(ticket: Ticket, send_at: datetime) -> SurveyInvitation:
    customer = ticket.customer
    return SurveyInvitation(
        ticket=ticket,
        customer=customer,
        email=customer.email,
        agent_id=ticket.assignee_id,
        team_id=ticket.team_id,
        channel=ticket.channel,
        language=user_preferred_language(customer) or ticket.language,
        send_at=send_at,
        next_at=send_at,
    )


def _reschedule_reopened(ticket: Ticket, send_at: datetime) -> None:
    """A survey a reopening cancelled starts again (its old link, if any, stops working)."""
    SurveyInvitation.objects.filter(
        ticket=ticket, state=SurveyState.CANCELLED, cancel_reason=REOPENED
    ).update(
        state=SurveyState.SCHEDULED,
        send_at=send_at,
        next_at=send_at,
        agent_id=ticket.assignee_id,
        team_id=ticket.team_id,
        token_hash=None,
        sent_at=None,
        remind_at=None,
        reminded_at=None,
        expires_at=None,
        cancelled_at=None,
        cancel_reason="",
    )


def survey_cancel(*, ticket: Ticket, now: datetime, reason: str = REOPENED) -> int:
    """Cancel the ticket's pending (not answered) survey; returns 1 if there was one."""
    return SurveyInvitation.objects.filter(Q(ticket=ticket), state__in=PENDING_STATES).update(
        state=SurveyState.CANCELLED, cancelled_at=now, cancel_reason=reason, next_at=None
    )


def survey_follow_transition(ticket: Ticket, *, current: str, now: datetime) -> None:
    """The one hook in a ticket's transition: a solve schedules, a reopening cancels."""
    if ticket.status == Status.SOLVED:
        survey_schedule(ticket=ticket, now=now)
    elif current in (Status.SOLVED, Status.CLOSED) and ticket.status in OPEN_STATUSES:
        survey_cancel(ticket=ticket, now=now)
