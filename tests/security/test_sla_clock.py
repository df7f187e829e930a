"""SLA times come from one UTC clock: the application's, stored as UTC instants and compared
with it alone; DST changes count real minutes; time on hold is deducted (ATTACKS I8)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from tickets.models import SlaEvent
from tickets.services import ticket_reply, ticket_transition
from tickets.sla import Calendar, add_business_minutes, parse_weekly_hours
from tickets.sweep import sla_sweep

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
OPENED = datetime(2020, 1, 6, 10, 0, tzinfo=UTC)  # the app's clock, years behind the database's


def breaches(ticket) -> list[str]:
    return list(
        SlaEvent.objects.filter(ticket=ticket, kind=SlaEvent.Kind.BREACH).values_list(
            "target", flat=True
        )
    )


def test_dst_change_inside_business_hours_counts_real_minutes():
    """I8: on the night clocks go forward (Berlin, 29 March 2026, 02:00 → 03:00), an hour's
    target started at 01:30 is due at 03:30 local time: 60 real minutes, one UTC instant."""
    always = {str(day): [["00:00", "24:00"]] for day in range(7)}
    calendar = Calendar(
        timezone="Europe/Berlin", always_open=False, weekly_hours=parse_weekly_hours(always)
    )
    start = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)

    due = add_business_minutes(start, 60, calendar)

    assert due == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=60)


def test_a_clock_skew_between_app_and_database_causes_no_early_escalation(
    customer, policy, receive
):
    """I8: with the database's clock years ahead of the application's, a ticket's due times
    are the application's, and the sweep breaches it only when the application's clock
    passes them (never because the database's `now()` already has)."""
    with time_machine.travel(OPENED, tick=False):
        ticket = receive()
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (database_now,) = cursor.fetchone()
    assert database_now > ticket.first_response_due + timedelta(days=365)
    assert ticket.created_at == OPENED
    assert ticket.first_response_due == OPENED + timedelta(minutes=policy.first_response_minutes)

    with time_machine.travel(ticket.first_response_due - timedelta(minutes=1), tick=False):
        sla_sweep()
    assert breaches(ticket) == []

    with time_machine.travel(ticket.first_response_due + timedelta(minutes=1), tick=False):
        sla_sweep()
    assert breaches(ticket) == ["first_response"]


def test_a_ticket_solved_straight_from_pending_has_its_hold_time_deducted(
    customer, agent, policy, receive
):
    """I8: ten hours waiting on the customer, then solved directly from pending: those hours
    are deducted from the resolution clock, so the ticket was solved within its target."""
    with time_machine.travel(OPENED, tick=False):
        ticket = receive()
    with time_machine.travel(OPENED + timedelta(minutes=10), tick=False):
        ticket_reply(ticket=ticket, author=agent, body="Please send it.", set_status="pending")
    with time_machine.travel(OPENED + timedelta(hours=10, minutes=10), tick=False):
        ticket_transition(ticket=ticket, to="solved", by=agent)

    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.sla_paused_minutes == 600
    assert ticket.resolution_due == OPENED + timedelta(minutes=policy.resolution_minutes + 600)
    assert ticket.solved_at <= ticket.resolution_due
