"""Restricted teams on the live console: outsiders' sockets hear nothing of a restricted team's
tickets, a ticket page moved out of their sight is closed, and the team hears as before."""

import copy
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from support.models import Team
from tests.conftest import ensure_roles, make_person
from tests.livechat.conftest import session_cookie
from tests.tickets.test_live_sockets import connected, queue_socket, refused_on, ticket_socket
from tickets import live
from tickets.models import EscalationRule, Ticket
from tickets.services import ticket_assign, ticket_set_priority
from tickets.sweep import sla_sweep

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


@pytest.fixture(autouse=True)
def _own_channel_prefix(settings):
    """Pub/sub channels are shared by every Redis database: keep concurrent runs apart."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers


@pytest.fixture
def security(db) -> Team:
    return Team.objects.create(slug="security", name="Security", restricted=True)


@pytest.fixture
def member(security):
    user = make_person("member@example.com", "agent", languages=["en"])
    user.agent_profile.teams.add(security)
    return user


def test_an_outsiders_queue_hears_nothing_of_a_restricted_ticket(
    agent, member, security, policy, receive
):
    secret = receive()
    Ticket.objects.filter(pk=secret.pk).update(team=security)
    secret.refresh_from_db()
    outsider_cookie, member_cookie = session_cookie(agent), session_cookie(member)

    async def scenario():
        outsider = await connected(queue_socket(outsider_cookie, view="open"))
        insider = await connected(queue_socket(member_cookie, view="open"))
        await database_sync_to_async(ticket_set_priority)(
            ticket=secret, priority="urgent", by=member
        )
        heard = await insider.receive_json_from()
        nothing = await outsider.receive_nothing(timeout=0.5)
        await outsider.disconnect()
        await insider.disconnect()
        return heard, nothing

    heard, nothing = async_to_sync(scenario)()

    assert (heard["reference"], heard["team"]) == (secret.reference, security.pk)
    assert nothing is True


def test_an_outsider_cannot_follow_a_restricted_ticket(agent, security, policy, receive):
    secret = receive()
    Ticket.objects.filter(pk=secret.pk).update(team=security)
    cookie = session_cookie(agent)

    frame, code = async_to_sync(refused_on)(lambda: ticket_socket(cookie, secret.reference))

    assert (frame["code"], code) == ("forbidden", 4403)


def test_a_ticket_page_is_closed_when_the_ticket_moves_to_a_team_the_agent_cannot_see(
    agent, member, security, policy, receive
):
    ticket = receive()
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(ticket_socket(cookie, ticket.reference))
        await database_sync_to_async(ticket_assign)(
            ticket=ticket, agent=None, team=security, by=member
        )
        frame = await socket.receive_json_from()
        code = await socket.receive_close()
        return frame, code

    frame, code = async_to_sync(scenario)()

    assert (frame["type"], frame["code"], code) == ("error", "forbidden", 4403)
    assert ticket.reference not in frame["message"]


def test_a_view_a_ticket_left_for_a_restricted_team_refetches_without_its_reference(
    agent, member, security, team, policy, receive
):
    ticket = ticket_assign(ticket=receive(), agent=None, team=team, by=agent)
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(queue_socket(cookie, view="team"))
        await database_sync_to_async(ticket_assign)(
            ticket=ticket, agent=None, team=security, by=member
        )
        frame = await socket.receive_json_from()
        await socket.disconnect()
        return frame

    frame = async_to_sync(scenario)()

    assert frame == {"type": "tickets.changed", "references": [], "count": 0}


def test_the_sweep_tells_outsiders_only_of_the_tickets_they_may_see(
    agent, member, security, team, policy, receive
):
    EscalationRule.objects.create(target="first_response", bump_priority=True)
    ordinary = ticket_assign(ticket=receive(), agent=None, team=team, by=agent)
    secret = receive(customer_email="vip@example.com")
    Ticket.objects.filter(pk=secret.pk).update(team=security)
    outsider_cookie, member_cookie = session_cookie(agent), session_cookie(member)

    async def scenario():
        outsider = await connected(queue_socket(outsider_cookie, view="open"))
        insider = await connected(queue_socket(member_cookie, view="open"))
        await database_sync_to_async(sla_sweep)(now=ordinary.created_at + timedelta(hours=2))
        frames = [await outsider.receive_json_from(), await insider.receive_json_from()]
        await outsider.disconnect()
        await insider.disconnect()
        return frames

    seen_by_outsider, seen_by_member = async_to_sync(scenario)()

    assert seen_by_outsider == {
        "type": "tickets.changed",
        "references": [ordinary.reference],
        "count": 1,
    }
    assert sorted(seen_by_member["references"]) == sorted([ordinary.reference, secret.reference])
    assert seen_by_member["count"] == 2


def test_what_a_socket_is_shown_of_a_notice():
    hidden = frozenset({7})
    change = {"frame": {"type": "ticket.changed", "reference": "T-1", "team": 7}}

    assert live.frame_shown({**change, "teams": {"T-1": [7]}}, frozenset({9})) == change["frame"]
    assert live.frame_shown({**change, "teams": {"T-1": [7]}}, hidden) is None
    assert live.frame_shown({**change, "teams": {"T-1": [7, None]}}, hidden) == {
        "type": "tickets.changed",
        "references": [],
        "count": 0,
    }
    swept = {"type": "tickets.changed", "references": ["T-1", "T-2"], "count": 2}
    assert live.frame_shown({"frame": swept, "teams": {"T-2": [7, 7]}}, hidden) == {
        "type": "tickets.changed",
        "references": ["T-1"],
        "count": 1,
    }
    only_hidden = {"type": "tickets.changed", "references": ["T-2"], "count": 1}
    assert live.frame_shown({"frame": only_hidden, "teams": {"T-2": [7, 7]}}, hidden) is None


def test_a_member_removed_from_the_team_stops_hearing_of_its_tickets(
    member, security, policy, receive, monkeypatch
):
    """B4: an agent removed from a restricted team while connected hears nothing more of its
    tickets once the socket re-reads their teams (every HIDDEN_TEAMS_MAX_AGE seconds; at once
    here), and their open ticket page is closed at the next notice or frame."""
    from tickets import consumers

    monkeypatch.setattr(consumers, "HIDDEN_TEAMS_MAX_AGE", 0)
    secret = receive()
    Ticket.objects.filter(pk=secret.pk).update(team=security)
    secret.refresh_from_db()
    cookie = session_cookie(member)

    async def scenario():
        queue = await connected(queue_socket(cookie, view="open"))
        page = await connected(ticket_socket(cookie, secret.reference))
        await database_sync_to_async(member.agent_profile.teams.remove)(security)
        await database_sync_to_async(ticket_set_priority)(ticket=secret, priority="urgent", by=None)
        nothing = await queue.receive_nothing(timeout=0.5)
        closed = await page.receive_json_from(), await page.receive_close()
        await queue.disconnect()
        return nothing, closed

    nothing, (frame, code) = async_to_sync(scenario)()

    assert nothing is True
    assert (frame["code"], code) == ("forbidden", 4403)
