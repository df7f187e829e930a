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
    notices = OutboxEmail.objects.filter(dedupe_key__startswith="sla:")
    assert sorted(notices.values_list("to", flat=True)) == [agent.email, supervisor.email]
    assert {notice.subject for notice in notices} == {
        f"SLA at risk: {assigned.reference} {assigned.subject}"
    }
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
    notices = OutboxEmail.objects.filter(dedupe_key__startswith="sla:")
    assert notices.count() == 2
    assert all(notice.subject.startswith("SLA breached: ") for notice in notices)
    assert all("At risk" not in notice.body_text for notice in notices)


def test_many_due_tickets_make_one_digest_per_person(assigned, agent, supervisor, receive, team):
    more = [ticket_assign(ticket=receive(), agent=agent, team=team, by=agent) for _ in range(2)]
    sla_sweep(now=assigned.created_at + timedelta(minutes=61))
    notices = OutboxEmail.objects.filter(dedupe_key__startswith="sla:")
    assert sorted(notices.values_list("to", flat=True)) == [agent.email, supervisor.email]
    digest = notices.get(to=agent.email)
    assert digest.subject == "SLA: 3 breached, 0 at risk"
    for ticket in [assigned, *more]:
        assert ticket.reference in digest.body_text
        assert f"/console/tickets/{ticket.reference}/" in digest.body_html
    assert "/console/tickets/?view=breaching" in digest.body_text


def test_digest_lists_fifty_and_counts_the_rest(assigned, agent, receive, team):
    from tickets.sweep import DIGEST_ROWS

    for _ in range(DIGEST_ROWS + 2):
        ticket_assign(ticket=receive(), agent=agent, team=team, by=agent)
    sla_sweep(now=assigned.created_at + timedelta(minutes=61))
    digest = OutboxEmail.objects.get(dedupe_key__startswith="sla:", to=agent.email)
    assert digest.subject == f"SLA: {DIGEST_ROWS + 3} breached, 0 at risk"
    assert digest.body_text.count("/console/tickets/T-") == DIGEST_ROWS
    assert "And 3 more." in digest.body_text


def test_digest_in_the_agents_language(assigned, agent):
    agent.agent_profile.preferred_language = "ko"
    agent.agent_profile.save()
    sla_sweep(now=assigned.created_at + timedelta(minutes=61))
    digest = OutboxEmail.objects.get(dedupe_key__startswith="sla:", to=agent.email)
    assert digest.language == "ko"
    assert assigned.reference in digest.subject
    assert "SLA breached" not in digest.subject


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
