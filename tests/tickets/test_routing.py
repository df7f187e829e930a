"""Routing: team by rules, then the online agent with the language, skill and spare capacity."""

import pytest

from support.models import OutboxEmail, Team
from tests.conftest import make_person
from tickets.models import RoutingRule
from tickets.routing import ticket_route
from tickets.services import ticket_assign

KOREAN_WITHDRAWAL = "출금이 여섯 시간째 대기 중입니다"


def agent_in(team, email, *, languages, skills, presence="online", capacity=25):
    user = make_person(
        email,
        "agent",
        languages=languages,
        skills=skills,
        presence=presence,
        max_open_tickets=capacity,
    )
    user.agent_profile.teams.add(team)
    return user


@pytest.fixture
def korea(db):
    team = Team.objects.create(slug="korea", name="Korea")
    RoutingRule.objects.create(position=10, language="ko", team=team)
    return team


def routed(receive, **fields):
    ticket = receive(category="deposit_withdrawal", **fields)
    return ticket_route(ticket_id=ticket.pk)


def test_language_rule_picks_the_team_and_a_speaking_agent(customer, korea, policy, receive):
    speaker = agent_in(korea, "ko@example.com", languages=["ko"], skills=["deposit_withdrawal"])
    agent_in(korea, "en@example.com", languages=["en"], skills=["deposit_withdrawal"])
    ticket = routed(receive, text=KOREAN_WITHDRAWAL)
    assert ticket.team == korea
    assert ticket.assignee == speaker


def test_agent_without_the_skill_is_skipped(customer, korea, policy, receive):
    agent_in(korea, "kyc@example.com", languages=["ko"], skills=["kyc"])
    ticket = routed(receive, text=KOREAN_WITHDRAWAL)
    assert ticket.team == korea
    assert ticket.assignee is None


def test_offline_agent_is_skipped_and_ticket_waits_in_the_queue(customer, korea, policy, receive):
    agent_in(
        korea,
        "off@example.com",
        languages=["ko"],
        skills=["deposit_withdrawal"],
        presence="offline",
    )
    ticket = routed(receive, text=KOREAN_WITHDRAWAL)
    assert ticket.assignee is None
    assert ticket.team == korea


def test_agent_at_capacity_is_skipped(customer, korea, policy, receive):
    full = agent_in(
        korea, "full@example.com", languages=["ko"], skills=["deposit_withdrawal"], capacity=1
    )
    first = routed(receive, text=KOREAN_WITHDRAWAL, external_id="a")
    assert first.assignee == full
    second = routed(receive, text=KOREAN_WITHDRAWAL + " 다시", external_id="b")
    assert second.assignee is None


def test_least_loaded_agent_first(customer, korea, policy, receive):
    busy = agent_in(korea, "busy@example.com", languages=["ko"], skills=["deposit_withdrawal"])
    idle = agent_in(korea, "idle@example.com", languages=["ko"], skills=["deposit_withdrawal"])
    first = routed(receive, text=KOREAN_WITHDRAWAL, external_id="a")
    assert first.assignee == busy  # equal load: lowest id
    second = routed(receive, text=KOREAN_WITHDRAWAL, external_id="b")
    assert second.assignee == idle


def test_round_robin_team_rotates(customer, korea, policy, receive, agent):
    korea.round_robin = True
    korea.save()
    one = agent_in(korea, "one@example.com", languages=["ko"], skills=["deposit_withdrawal"])
    two = agent_in(korea, "two@example.com", languages=["ko"], skills=["deposit_withdrawal"])
    picks = [routed(receive, text=KOREAN_WITHDRAWAL, external_id=str(i)).assignee for i in range(3)]
    assert picks == [one, two, one]


def test_urgent_security_incident_goes_to_the_security_team_and_notifies_online_members(
    customer, korea, policy, receive, django_capture_on_commit_callbacks
):
    security = Team.objects.create(slug="security", name="Security", handles_security=True)
    on = agent_in(security, "sec1@example.com", languages=["en"], skills=[])
    agent_in(security, "sec2@example.com", languages=["en"], skills=[], presence="offline")
    ticket = receive(category="security_incident", text="Someone logged in and withdrew my BTC")
    ticket = ticket_assign(ticket=ticket, agent=None, by=None)  # no-op; keeps it unassigned
    from tickets.services import ticket_set_priority

    ticket_set_priority(ticket=ticket, priority="urgent", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_route(ticket_id=ticket.pk)
    assert ticket.team == security
    assert ticket.assignee is None
    notified = OutboxEmail.objects.filter(dedupe_key__contains=":routed:")
    assert list(notified.values_list("to", flat=True)) == [on.email]


def test_routing_twice_changes_nothing(customer, korea, policy, receive):
    agent_in(korea, "ko@example.com", languages=["ko"], skills=["deposit_withdrawal"])
    ticket = routed(receive, text=KOREAN_WITHDRAWAL)
    version = ticket.version
    assert ticket_route(ticket_id=ticket.pk).version == version
