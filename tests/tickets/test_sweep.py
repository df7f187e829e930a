"""The SLA sweep: warn at the share, breach and escalate, each step exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import OutboxEmail, Team
from tickets.models import EscalationRule, SlaEvent, Ticket
from tickets.services import ticket_assign
from tickets.sweep import sla_notify_pending
from tickets.sweep import sla_sweep as sweep_only


def sla_sweep(*, now):
    acted = sweep_only(now=now)
    sla_notify_pending()
    return acted


@pytest.fixture
def assigned(customer, agent, supervisor, team, policy, receive):
    team.supervisor = supervisor
    team.save()
    ticket = receive()
    return ticket_assign(ticket=ticket, agent=agent, team=team, by=agent)


def test_warning_at_75_percent_notifies_once(assigned, agent, supervisor):
    at_warning = assigned.created_at + timedelta(minutes=46)
    assert sla_sweep(now=at_warning) == 1
    assert sla_sweep(now=at_warning) == 0
    assert SlaEvent.objects.filter(kind="warning", target="first_response").count() == 1
    notices = OutboxEmail.objects.filter(dedupe_key__startswith=f"sla:{assigned.pk}:")
    assert sorted(notices.values_list("to", flat=True)) == [agent.email, supervisor.email]
    assigned.refresh_from_db()
    assert assigned.next_due == assigned.first_response_due
    assert assigned.escalation_level == 0


def test_breach_escalates_once_under_repeated_sweeps(assigned):
    after_breach = assigned.created_at + timedelta(minutes=61)
    sla_sweep(now=after_breach)
    sla_sweep(now=after_breach)
    sla_sweep(now=after_breach + timedelta(minutes=5))
    assigned.refresh_from_db()
    assert assigned.escalation_level == 1
    assert SlaEvent.objects.filter(kind="breach", target="first_response").count() == 1
    assert assigned.events.filter(field="sla_breach").count() == 1
    assert assigned.next_due == assigned.resolution_warn_at


def test_warning_overtaken_by_its_breach_is_recorded_but_not_sent(assigned):
    sla_sweep(now=assigned.created_at + timedelta(minutes=61))
    assert SlaEvent.objects.filter(kind="warning").count() == 1
    assert not OutboxEmail.objects.filter(dedupe_key__contains=":warning:").exists()
    assert OutboxEmail.objects.filter(dedupe_key__contains=":breach:").count() == 2


def test_escalation_rule_bumps_priority_and_moves_team(assigned):
    escalations = Team.objects.create(slug="esc", name="Escalations", is_escalation=True)
    EscalationRule.objects.create(
        target="first_response", bump_priority=True, move_to_team=escalations
    )
    sla_sweep(now=assigned.created_at + timedelta(minutes=61))
    assigned.refresh_from_db()
    assert assigned.priority == "high"
    assert assigned.team == escalations
    assert assigned.first_response_due == assigned.created_at + timedelta(minutes=60)  # kept


def test_each_target_breaches_once(assigned):
    sla_sweep(now=assigned.created_at + timedelta(minutes=61))
    sla_sweep(now=assigned.created_at + timedelta(minutes=481))
    sla_sweep(now=assigned.created_at + timedelta(minutes=600))
    assigned.refresh_from_db()
    assert assigned.escalation_level == 2
    assert assigned.next_due is None


def test_sweep_with_nothing_due_is_one_select_on_the_partial_index(assigned):
    with CaptureQueriesContext(connection) as queries:
        assert sweep_only(now=assigned.created_at + timedelta(minutes=1)) == 0
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    assert "SKIP LOCKED" in selects[0]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + selects[0].replace("FOR UPDATE OF", "-- "))
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "ticket_next_due_open" in plan


@pytest.mark.django_db(transaction=True)
def test_overlapping_sweeps_act_once(customer_factory_tx):
    ticket = customer_factory_tx()
    now = ticket.created_at + timedelta(minutes=61)
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        barrier.wait()
        try:
            results.append(sweep_only(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 2
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 1
    assert SlaEvent.objects.count() == 2


@pytest.fixture
def customer_factory_tx(transactional_db):
    from tests.conftest import make_person
    from tests.tickets.conftest import inbound
    from tickets.intake import intake_message
    from tickets.models import SlaPolicy

    def make():
        make_person("owner@example.com", "customer")
        SlaPolicy.objects.create(
            name="Default",
            first_response_minutes=60,
            next_response_minutes=120,
            resolution_minutes=480,
        )
        return intake_message(inbound())

    return make
