"""Every process keeps the SLA policies in memory; a change reaches the very next ticket."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from tickets.models import BusinessCalendar, SlaPolicy
from tickets.policy_cache import VERSION_KEY

pytestmark = pytest.mark.django_db


def test_a_policy_added_after_the_first_ticket_applies_to_the_next(receive):
    first = receive(text="First question #1")
    assert first.sla_policy is None and first.first_response_due is None
    SlaPolicy.objects.create(
        name="VIP", first_response_minutes=15, next_response_minutes=30, resolution_minutes=60
    )
    second = receive(text="Second question #2", conversation_id="other")
    assert second.sla_policy.name == "VIP"
    assert second.first_response_due == second.created_at + timedelta(minutes=15)


def test_an_edited_and_a_deleted_policy_apply_to_the_next_ticket(receive, policy):
    assert receive(text="Question #1").sla_policy == policy
    policy.first_response_minutes = 5
    policy.save()
    ticket = receive(text="Question #2", customer_email="other@example.com")
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=5)
    policy.delete()
    assert receive(text="Question #3", customer_email="third@example.com").sla_policy is None


def test_a_change_made_by_another_process_is_read_on_the_next_ticket(receive, policy):
    receive(text="Question #1")  # this process now holds the policies
    SlaPolicy.objects.filter(pk=policy.pk).update(first_response_minutes=7)  # no save() here
    cache.set(VERSION_KEY, "changed elsewhere")  # what the other process's save() leaves
    ticket = receive(text="Question #2", customer_email="other@example.com")
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=7)


def test_a_calendar_change_reaches_the_policies_that_use_it(receive, policy):
    calendar = BusinessCalendar.objects.create(name="Seoul", always_open=True)
    policy.calendar = calendar
    policy.save()
    assert receive(text="Question #1").sla_policy.calendar.always_open
    calendar.always_open = False
    calendar.weekly_hours = {str(day): [["09:00", "18:00"]] for day in range(5)}
    calendar.save()
    ticket = receive(text="Question #2", customer_email="other@example.com")
    assert ticket.sla_policy.calendar.always_open is False
