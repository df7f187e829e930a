"""The console websockets on the configured Redis pub/sub layer: queue pages hear of ticket
changes in their view, ticket pages share presence, and outsiders are refused."""

import copy
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from support.models import Team
from tests.conftest import ensure_roles
from tests.livechat.conftest import (
    ORIGIN,
    WebsocketCommunicator,
    of_type,
    receive_until,
    session_cookie,
    websocket_app,
)
from tickets import live, presence
from tickets.models import EscalationRule
from tickets.services import ticket_assign, ticket_reply, ticket_set_priority
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


def queue_socket(cookie, view: str = "mine", origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin, cookie] if origin else [cookie]
    return WebsocketCommunicator(
        websocket_app(), f"/ws/console/tickets/?view={view}", headers=headers
    )


def ticket_socket(cookie, reference: str, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin, cookie] if origin else [cookie]
    return WebsocketCommunicator(websocket_app(), f"/ws/console/tickets/{reference}/", headers)


async def connected(socket) -> WebsocketCommunicator:
    """Connected, and its groups joined (a ping answered after the joins); notices of changes
    made before are sent already, so they cannot arrive now."""
    live.flush()
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    return socket


async def refused(socket) -> tuple[dict, int]:
    assert (await socket.connect())[0]  # accepted only to say why
    frame = await socket.receive_json_from()
    return frame, await socket.receive_close()


async def refused_on(make_socket) -> tuple[dict, int]:
    return await refused(make_socket())  # built inside the test's event loop


# --- Queue pages -------------------------------------------------------------------------------


def test_team_queue_hears_of_a_ticket_created_through_intake(agent, team, policy, routing, receive):
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(queue_socket(cookie, view="team"))
        ticket = await database_sync_to_async(receive)()
        frames = await receive_until(socket, of_type("ticket.changed", reference=ticket.reference))
        await socket.disconnect()
        return ticket, frames[-1]

    ticket, frame = async_to_sync(scenario)()

    ticket.refresh_from_db()
    assert frame == {
        "type": "ticket.changed",
        "reference": ticket.reference,
        "team": team.pk,
        "assignee": ticket.assignee_id,
        "by": None,  # routed by the system
    }


def test_my_queue_hears_when_a_ticket_is_assigned_to_me(agent, teammate, policy, receive):
    ticket = receive()
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(queue_socket(cookie, view="mine"))
        await database_sync_to_async(ticket_assign)(ticket=ticket, agent=agent, by=teammate)
        frame = await socket.receive_json_from()
        await socket.disconnect()
        return frame

    frame = async_to_sync(scenario)()

    assert frame == {
        "type": "ticket.changed",
        "reference": ticket.reference,
        "team": None,
        "assignee": agent.pk,
        "by": teammate.pk,
    }


def test_the_previous_assignees_queue_hears_when_a_ticket_is_taken_away(
    agent, teammate, team, policy, receive
):
    ticket = ticket_assign(ticket=receive(), agent=agent, team=team, by=agent)
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(queue_socket(cookie, view="mine"))
        await database_sync_to_async(ticket_assign)(ticket=ticket, agent=teammate, by=teammate)
        frame = await socket.receive_json_from()
        await socket.disconnect()
        return frame

    frame = async_to_sync(scenario)()

    assert (frame["reference"], frame["assignee"]) == (ticket.reference, teammate.pk)


def test_team_queue_hears_of_a_reply_once_per_change(agent, teammate, team, policy, receive):
    ticket = ticket_assign(ticket=receive(), agent=None, team=team, by=agent)
    cookie = session_cookie(teammate)

    async def scenario():
        socket = await connected(queue_socket(cookie, view="team"))
        # a reply on a new ticket also opens it: two changes, one transaction, one notice
        await database_sync_to_async(ticket_reply)(ticket=ticket, author=agent, body="On it.")
        frame = await socket.receive_json_from()
        nothing_more = await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return frame, nothing_more

    frame, nothing_more = async_to_sync(scenario)()

    assert (frame["type"], frame["reference"], frame["by"]) == (
        "ticket.changed",
        ticket.reference,
        agent.pk,
    )
    assert nothing_more is True


def test_all_open_queue_hears_of_the_sweeps_escalations_in_one_notice(agent, team, policy, receive):
    escalations = Team.objects.create(slug="esc", name="Escalations", is_escalation=True)
    EscalationRule.objects.create(target="first_response", move_to_team=escalations)
    first = ticket_assign(ticket=receive(), agent=agent, team=team, by=agent)
    second = ticket_assign(
        ticket=receive(customer_email="second@example.com"), agent=agent, team=team, by=agent
    )
    cookie = session_cookie(agent)

    async def scenario():
        everything = await connected(queue_socket(cookie, view="open"))
        mine = await connected(queue_socket(cookie, view="mine"))
        await database_sync_to_async(sla_sweep)(now=first.created_at + timedelta(hours=2))
        frames = [await everything.receive_json_from(), await mine.receive_json_from()]
        await everything.disconnect()
        await mine.disconnect()
        return frames

    frames = async_to_sync(scenario)()

    for frame in frames:
        assert frame["type"] == "tickets.changed"
        assert sorted(frame["references"]) == sorted([first.reference, second.reference])
        assert frame["count"] == 2
    first.refresh_from_db()
    assert first.team == escalations


def test_the_escalation_team_hears_of_tickets_moved_to_it(agent, team, policy, receive):
    escalations = Team.objects.create(slug="esc", name="Escalations", is_escalation=True)
    EscalationRule.objects.create(target="first_response", move_to_team=escalations)
    agent.agent_profile.teams.set([escalations])
    ticket = ticket_assign(ticket=receive(), agent=None, team=team, by=agent)
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(queue_socket(cookie, view="team"))
        await database_sync_to_async(sla_sweep)(now=ticket.created_at + timedelta(hours=2))
        frame = await socket.receive_json_from()
        await socket.disconnect()
        return frame

    frame = async_to_sync(scenario)()

    assert frame == {"type": "tickets.changed", "references": [ticket.reference], "count": 1}


def test_a_customer_is_refused_the_queue_socket(customer):
    cookie = session_cookie(customer)

    frame, code = async_to_sync(refused_on)(lambda: queue_socket(cookie, view="open"))

    assert (frame["type"], frame["code"], code) == ("error", "forbidden", 4403)


def test_an_anonymous_visitor_is_refused_the_queue_socket(db):
    socket = WebsocketCommunicator(websocket_app(), "/ws/console/tickets/", headers=[ORIGIN])

    frame, code = async_to_sync(refused_on)(lambda: socket)

    assert (frame["code"], code) == ("forbidden", 4403)


def test_a_foreign_origin_is_refused(agent):
    cookie = session_cookie(agent)
    evil = (b"origin", b"https://evil.example.net")

    frame, code = async_to_sync(refused_on)(lambda: queue_socket(cookie, origin=evil))

    assert (frame["type"], frame["code"], code) == ("error", "bad_origin", 4403)


def test_a_refused_customer_hears_nothing_of_ticket_changes(customer, agent, policy, receive):
    ticket = receive()
    cookie = session_cookie(customer)

    async def scenario():
        socket = queue_socket(cookie, view="open")
        frame, code = await refused(socket)
        await database_sync_to_async(ticket_set_priority)(ticket=ticket, priority="high", by=agent)
        return await socket.receive_nothing(timeout=0.3)

    assert async_to_sync(scenario)() is True


# --- Ticket pages: presence and changes ----------------------------------------------------------


def test_two_agents_on_one_ticket_see_each_other_view_reply_and_leave(
    agent, teammate, policy, receive
):
    ticket = receive()
    mine, theirs = session_cookie(agent), session_cookie(teammate)

    async def scenario():
        me = await connected(ticket_socket(mine, ticket.reference))
        await me.send_json_to({"type": "viewing"})
        alone = await me.receive_json_from()
        other = await connected(ticket_socket(theirs, ticket.reference))
        await other.send_json_to({"type": "viewing"})
        seen_by_me = await me.receive_json_from()
        seen_by_other = await other.receive_json_from()
        await other.send_json_to({"type": "replying", "active": True})
        replying = await me.receive_json_from()
        await other.receive_json_from()
        await other.disconnect()
        left = await me.receive_json_from()
        await me.disconnect()
        return alone, seen_by_me, seen_by_other, replying, left

    alone, seen_by_me, seen_by_other, replying, left = async_to_sync(scenario)()

    assert alone == {"type": "presence", "others": []}
    assert seen_by_me == {
        "type": "presence",
        "others": [{"email": teammate.email, "replying": False}],
    }
    assert seen_by_other == {
        "type": "presence",
        "others": [{"email": agent.email, "replying": False}],
    }
    assert replying["others"] == [{"email": teammate.email, "replying": True}]
    assert left == {"type": "presence", "others": []}


def test_a_ticket_page_hears_of_changes_by_others_only(agent, teammate, policy, receive):
    ticket = receive()
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(ticket_socket(cookie, ticket.reference))
        await database_sync_to_async(ticket_set_priority)(ticket=ticket, priority="high", by=agent)
        own = await socket.receive_nothing(timeout=0.3)
        await database_sync_to_async(ticket_set_priority)(
            ticket=ticket, priority="urgent", by=teammate
        )
        frame = await socket.receive_json_from()
        await socket.disconnect()
        return own, frame

    own, frame = async_to_sync(scenario)()

    assert own is True
    assert (frame["type"], frame["reference"], frame["by"]) == (
        "ticket.changed",
        ticket.reference,
        teammate.pk,
    )


def test_a_customer_cannot_join_a_ticket_group(customer, agent, policy, receive):
    ticket = receive()
    cookie = session_cookie(customer)

    async def scenario():
        socket = ticket_socket(cookie, ticket.reference)
        result = await refused(socket)
        await socket.send_json_to({"type": "viewing"})
        return result

    frame, code = async_to_sync(scenario)()

    assert (frame["code"], code) == ("forbidden", 4403)
    assert presence.viewers(ticket.pk) == []  # nothing recorded


def test_an_agent_cannot_follow_a_ticket_that_does_not_exist(agent):
    cookie = session_cookie(agent)

    frame, code = async_to_sync(refused_on)(lambda: ticket_socket(cookie, "T-999999"))

    assert (frame["code"], code) == ("forbidden", 4403)


def test_unknown_and_malformed_frames_get_an_error_frame(agent, policy, receive):
    ticket = receive()
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(ticket_socket(cookie, ticket.reference))
        await socket.send_text("not json")
        broken = await socket.receive_json_from()
        await socket.send_json_to({"type": "take_over"})
        unknown = await socket.receive_json_from()
        await socket.disconnect()
        return broken, unknown

    broken, unknown = async_to_sync(scenario)()

    assert broken["code"] == unknown["code"] == "invalid"


def test_a_page_that_vanished_unannounced_is_dropped_at_the_next_refresh(
    agent, teammate, policy, receive, monkeypatch
):
    monkeypatch.setattr(presence, "REFRESH_SECONDS", 0.2)
    ticket = receive()
    crashed = presence.viewer_join(
        ticket_id=ticket.pk, channel="on-a-crashed-server", user=teammate, replying=False
    )
    cookie = session_cookie(agent)

    async def scenario():
        socket = await connected(ticket_socket(cookie, ticket.reference))
        await socket.send_json_to({"type": "viewing"})
        before = await socket.receive_json_from()
        presence.cache.delete(presence._slot_key(ticket.pk, crashed))  # its entry expired
        after = await socket.receive_json_from()
        await socket.disconnect()
        return before, after

    before, after = async_to_sync(scenario)()

    assert before["others"] == [{"email": teammate.email, "replying": False}]
    assert after == {"type": "presence", "others": []}
