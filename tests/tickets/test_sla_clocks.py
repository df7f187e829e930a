"""What starts, stops, pauses and resets each SLA clock on a ticket (docs/sla.md)."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import timezone

from tickets.links import ticket_merge
from tickets.models import BusinessCalendar, SlaPolicy, Status
from tickets.services import ticket_reply, ticket_set_priority, ticket_transition
from tickets.sweep import sla_sweep


def test_internal_note_is_not_a_first_response(customer, agent, policy, receive):
    ticket = receive()
    ticket_reply(ticket=ticket, author=agent, body="checking the chain", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.next_due == ticket.created_at + timedelta(minutes=45)


def test_acknowledgement_is_not_a_first_response(customer, policy, receive):
    ticket = receive()
    assert ticket.first_responded_at is None
    assert ticket.messages.filter(kind="reply").count() == 0


def test_public_reply_stops_the_first_response_clock(customer, agent, policy, receive):
    ticket = receive()
    ticket_reply(ticket=ticket, author=agent, body="We are on it")
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert ticket.status == Status.OPEN
    assert ticket.next_due == ticket.created_at + timedelta(minutes=360)  # resolution warning


def test_customer_message_after_a_reply_starts_the_next_response_clock(
    customer, agent, policy, receive
):
    ticket = receive()
    ticket_reply(ticket=ticket, author=agent, body="Which network?")
    later = timezone.now() + timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        receive(subject=f"Re: {ticket.reference}", text="TRC20")
    ticket.refresh_from_db()
    assert ticket.next_response_started_at == later
    assert ticket.next_response_due == later + timedelta(minutes=120)
    ticket_reply(ticket=ticket, author=agent, body="Thanks")
    ticket.refresh_from_db()
    assert ticket.next_response_due is None


def test_second_customer_message_does_not_push_the_next_response_due(
    customer, agent, policy, receive
):
    ticket = receive()
    ticket_reply(ticket=ticket, author=agent, body="Which network?")
    receive(subject=f"Re: {ticket.reference}", text="TRC20")
    ticket.refresh_from_db()
    due = ticket.next_response_due
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        receive(subject=f"Re: {ticket.reference}", text="hello??")
    ticket.refresh_from_db()
    assert ticket.next_response_due == due


def test_pending_pauses_and_resuming_extends_by_the_paused_time(customer, agent, policy, receive):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = receive()
        ticket_transition(ticket=ticket, to=Status.ON_HOLD, by=agent)
    ticket.refresh_from_db()
    assert ticket.next_due is None
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    ticket.refresh_from_db()
    assert ticket.sla_paused_minutes == 30
    assert ticket.first_response_due == start + timedelta(minutes=90)
    assert ticket.resolution_due == start + timedelta(minutes=510)


def test_pause_on_a_business_calendar_counts_business_minutes(customer, agent, receive):
    calendar = BusinessCalendar.objects.create(
        name="Seoul",
        timezone="Asia/Seoul",
        weekly_hours={str(day): [["09:00", "18:00"]] for day in range(5)},
        holiday_country="KR",
    )
    SlaPolicy.objects.create(
        name="Korea",
        calendar=calendar,
        first_response_minutes=60,
        next_response_minutes=60,
        resolution_minutes=600,
    )
    friday_5pm = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 17:00 KST
    with time_machine.travel(friday_5pm, tick=False):
        ticket = receive()
        ticket_transition(ticket=ticket, to=Status.PENDING, by=agent)
    monday_10am = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    with time_machine.travel(monday_10am, tick=False):
        ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    ticket.refresh_from_db()
    assert ticket.sla_paused_minutes == 120  # Fri 17-18 and Mon 9-10, not the weekend
    assert ticket.first_response_due == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_priority_change_recomputes_under_the_matching_policy(customer, agent, policy, receive):
    urgent = SlaPolicy.objects.create(
        name="Urgent",
        priority="urgent",
        first_response_minutes=15,
        next_response_minutes=30,
        resolution_minutes=120,
    )
    ticket = receive()
    ticket = ticket_set_priority(ticket=ticket, priority="urgent", by=agent)
    assert ticket.sla_policy == urgent
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=15)
    assert ticket.events.filter(field="sla_policy", after="Urgent").exists()


def test_solved_stops_the_clocks_and_reopen_resumes_them(customer, agent, policy, receive):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = receive()
        ticket_reply(ticket=ticket, author=agent, body="Done", set_status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.next_due is None
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        receive(subject=f"Re: {ticket.reference}", text="Not done")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.resolution_due == start + timedelta(minutes=480 + 120)
    assert ticket.next_response_due == start + timedelta(minutes=120 + 120)


def test_paused_ticket_is_not_swept(customer, agent, policy, receive):
    ticket = receive()
    ticket_transition(ticket=ticket, to=Status.PENDING, by=agent)
    assert sla_sweep(now=timezone.now() + timedelta(days=3)) == 0


def test_merge_closes_the_duplicate_and_recomputes_from_the_first(customer, agent, policy, receive):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = receive(external_id="a")
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        second = receive(external_id="b", subject="Same problem")

        merged = ticket_merge(ticket=first, into=second, by=agent)
    first.refresh_from_db()
    assert first.status == Status.CLOSED
    assert first.merged_into == second
    assert merged.messages.count() == 2
    assert merged.first_response_due == start + timedelta(minutes=60)
    assert merged.events.filter(field="merged", before=first.reference).exists()
