"""One way in to a chat (livechat.selectors.conversation_get_for_user), for every page, API
call and websocket frame: another agent's chat, a chat still with the bot and a restricted
team's chat answer exactly like a chat that does not exist, and nothing changes."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client
from django.urls import reverse

from livechat import consumers
from livechat.models import ChatMessage, Conversation, ConversationEvent
from livechat.selectors import customer_chats
from livechat.start import conversation_start
from support.models import OutboxEmail, Team
from support.roles import Role
from tests.conftest import ensure_roles, make_person
from tests.livechat.conftest import (
    agent_socket,
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

NOT_FOUND = {"type": "error", "code": "not_found", "message": "This chat does not exist."}


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


@pytest.fixture
def vip_team(db) -> Team:
    return Team.objects.create(slug="vip", name="VIP", restricted=True)


@pytest.fixture
def vip_agent(db, vip_team):
    user = make_person("vip-agent@example.com", Role.AGENT, languages=["en"], presence="online")
    user.agent_profile.teams.add(vip_team)
    return user


def chat_with(agent=None, *, status: str = "assigned", team=None) -> Conversation:
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status=status, agent=agent, team=team)
    return Conversation.objects.get(pk=chat.pk)


def agent_frames(user, *frames: dict, until=None) -> list[dict]:
    """Send `frames` over the agent socket of `user`; the frames received up to `until` (an
    error frame by default) after the last one."""
    cookie = session_cookie(user)
    until = until or of_type("error")

    async def scenario():
        socket = agent_socket(cookie)
        assert (await socket.connect())[0]
        replies = []
        for frame in frames:
            await socket.send_json_to(frame)
            replies = await receive_until(socket, until)
        await socket.disconnect()
        return replies

    return async_to_sync(scenario)()


def nothing_changed(chat: Conversation, *, status: str) -> None:
    chat.refresh_from_db()
    assert chat.status == status
    assert chat.ended_at is None
    assert not Ticket.objects.filter(channel="chat").exists()
    assert not OutboxEmail.objects.filter(dedupe_key=f"livechat-transcript-{chat.pk}").exists()
    assert not ConversationEvent.objects.filter(conversation=chat, kind="ended").exists()


def test_an_agent_cannot_end_a_chat_assigned_to_another_agent(agent, teammate):
    """Any agent could end any chat over /ws/agent/ ("end" skipped the may-act check): the
    customer was told it ended, a ticket and a transcript email followed."""
    chat = chat_with(agent)
    cookies = session_cookie(teammate), session_cookie(agent)

    async def scenario():
        customer = customer_socket(chat)
        intruder, owner = agent_socket(cookies[0]), agent_socket(cookies[1])
        for socket in (customer, intruder, owner):
            assert (await socket.connect())[0]
        await intruder.send_json_to({"type": "end", "conversation": chat.pk})
        refused = await receive_until(intruder, of_type("error"))
        # the chat's own agent writes next: the customer sees that, and no end before it
        await owner.send_json_to(
            {"type": "message", "conversation": chat.pk, "client_id": "a-1", "text": "Still here"}
        )
        seen = await receive_until(customer, of_type("message", sender="agent"))
        for socket in (customer, intruder, owner):
            await socket.disconnect()
        return refused[-1], seen

    refused, seen = async_to_sync(scenario)()

    assert refused == NOT_FOUND
    assert not [frame for frame in seen if frame["type"] == "state"]
    nothing_changed(chat, status="assigned")


def test_an_agent_cannot_end_a_chat_still_with_the_bot(teammate):
    chat = chat_with(None, status="bot")

    replies = agent_frames(teammate, {"type": "end", "conversation": chat.pk})

    assert replies[-1] == NOT_FOUND
    nothing_changed(chat, status="bot")


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "hand_back"},
        {"type": "follow_up"},
        {"type": "transfer", "to_team": None, "note": "x"},
        {"type": "message", "client_id": "m-1", "text": "hello"},
        {"type": "note", "client_id": "n-1", "text": "psst"},
        {"type": "join", "after": 0},
        {"type": "read", "up_to": 1},
    ],
    ids=lambda frame: frame["type"],
)
def test_no_action_on_another_agents_chat_and_the_answer_is_that_of_a_missing_chat(
    agent, teammate, frame
):
    chat = chat_with(agent)
    missing = chat.pk + 1000

    theirs = agent_frames(teammate, {**frame, "conversation": chat.pk})
    nowhere = agent_frames(teammate, {**frame, "conversation": missing})

    assert theirs[-1] == nowhere[-1] == NOT_FOUND
    nothing_changed(chat, status="assigned")
    assert not ChatMessage.objects.filter(conversation=chat, sender="agent").exists()
    assert Conversation.objects.get(pk=chat.pk).agent_read_up_to == 0


def test_the_chats_agent_and_a_supervisor_may_end_it(agent, supervisor):
    mine, watched = chat_with(agent), chat_with(agent)

    ended = of_type("chat", status="ended")
    agent_frames(agent, {"type": "end", "conversation": mine.pk}, until=ended)
    agent_frames(supervisor, {"type": "end", "conversation": watched.pk}, until=ended)

    assert Conversation.objects.get(pk=mine.pk).status == "ended"
    assert Conversation.objects.get(pk=watched.pk).status == "ended"
    assert Ticket.objects.filter(channel="chat").count() == 2


# --- Restricted teams ------------------------------------------------------------------------


def test_a_restricted_teams_chat_is_hidden_from_other_agents_everywhere(
    agent, supervisor, vip_team, vip_agent
):
    """Chats routed to a restricted team (VIP) are for its members, its supervisor and
    admins: not for an agent of another team, nor another team's supervisor."""
    chat = chat_with(None, status="queued", team=vip_team)
    outsider_snapshot = agent_frames(agent, {"type": "ping"}, until=of_type("pong"))
    member_snapshot = agent_frames(vip_agent, {"type": "ping"}, until=of_type("pong"))

    for outsider in (agent, supervisor):
        for kind in ("join", "accept"):
            replies = agent_frames(outsider, {"type": kind, "conversation": chat.pk})
            assert replies[-1] == NOT_FOUND
        web = Client()
        web.force_login(outsider)
        for name in ("livechat_console:customer", "livechat_console:macros"):
            assert web.get(reverse(name, args=[chat.pk])).status_code == 404

    assert chat.pk not in [f["conversation"] for f in outsider_snapshot if f["type"] == "chat"]
    assert chat.pk in [f["conversation"] for f in member_snapshot if f["type"] == "chat"]
    accepted = agent_frames(
        vip_agent,
        {"type": "accept", "conversation": chat.pk},
        until=of_type("chat", status="assigned"),
    )
    assert accepted[-1]["status"] == "assigned"


def test_the_teams_own_supervisor_and_an_admin_may_open_it(vip_team, admin_user):
    boss = make_person("vip-boss@example.com", Role.SUPERVISOR, languages=["en"])
    Team.objects.filter(pk=vip_team.pk).update(supervisor=boss)
    chat = chat_with(None, status="queued", team=vip_team)

    for reader in (boss, admin_user):
        replies = agent_frames(
            reader, {"type": "join", "conversation": chat.pk}, until=of_type("resumed")
        )
        assert replies[-1]["conversation"] == chat.pk


def test_a_restricted_chats_summary_reaches_only_its_team(agent, vip_team, vip_agent):
    """The agents' list updates of a VIP chat go to the VIP team's consoles only."""
    chat = chat_with(vip_agent, team=vip_team)
    cookies = session_cookie(agent), session_cookie(vip_agent)

    async def scenario():
        outsider, member = agent_socket(cookies[0]), agent_socket(cookies[1])
        for socket in (outsider, member):
            assert (await socket.connect())[0]
        await member.send_json_to({"type": "hand_back", "conversation": chat.pk})
        seen = await receive_until(member, of_type("chat", conversation=chat.pk, status="bot"))
        await outsider.send_json_to({"type": "ping"})
        outsider_seen = await receive_until(outsider, of_type("pong"))
        for socket in (outsider, member):
            await socket.disconnect()
        return seen, outsider_seen

    seen, outsider_seen = async_to_sync(scenario)()

    assert seen[-1]["status"] == "bot"
    assert not [frame for frame in outsider_seen if frame.get("conversation") == chat.pk]


def test_an_agent_removed_from_the_team_stops_receiving_its_chats(monkeypatch, vip_team, vip_agent):
    """B4: an agent taken off a restricted team while connected receives none of its chats'
    frames from the next access check on (every few seconds; at once here), and their
    actions on its chats are refused."""
    monkeypatch.setattr(consumers, "ACCESS_REFRESH_SECONDS", 0.0)
    chat = chat_with(None, status="queued", team=vip_team)
    other = chat_with(None, status="queued", team=vip_team)
    cookie = session_cookie(vip_agent)
    boss = make_person("boss@example.com", Role.ADMIN, languages=["en"])
    boss_cookie = session_cookie(boss)

    async def scenario():
        member, admin = agent_socket(cookie), agent_socket(boss_cookie)
        for socket in (member, admin):
            assert (await socket.connect())[0]
        await member.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        await receive_until(member, of_type("resumed"))
        await sync_to_async(vip_agent.agent_profile.teams.remove)(vip_team)  # by an admin
        await admin.send_json_to({"type": "accept", "conversation": other.pk})
        await receive_until(admin, of_type("chat", conversation=other.pk))
        await member.send_json_to({"type": "accept", "conversation": chat.pk})
        refused = await receive_until(member, of_type("error"))
        await member.send_json_to({"type": "ping"})
        seen = await receive_until(member, of_type("pong"))
        for socket in (member, admin):
            await socket.disconnect()
        return refused, seen

    refused, seen = async_to_sync(scenario)()

    assert refused[-1] == NOT_FOUND
    assert not [frame for frame in refused + seen if frame.get("conversation") == other.pk]
    assert Conversation.objects.get(pk=chat.pk).status == "queued"


# --- Customers ----------------------------------------------------------------------------------


def test_a_customers_frames_are_checked_each_time_not_only_on_connect(customer, other_customer):
    """A chat that stops being theirs while the socket is open answers not_found."""
    chat = conversation_start(customer=customer, language="en", category="general")
    cookie = session_cookie(customer)

    async def scenario():
        socket = customer_socket(chat, cookie=cookie, token="")
        assert (await socket.connect())[0]
        await sync_to_async(Conversation.objects.filter(pk=chat.pk).update)(customer=other_customer)
        await socket.send_json_to({"type": "end"})
        refused = await receive_until(socket, of_type("error"))
        await socket.disconnect()
        return refused[-1]

    assert async_to_sync(scenario)() == NOT_FOUND
    assert Conversation.objects.get(pk=chat.pk).status == "bot"


def test_customers_see_agents_by_display_name_never_email(agent):
    agent.first_name = "Mina"
    agent.save(update_fields=["first_name"])
    nameless = make_person("nameless@example.com", Role.AGENT, presence="online")
    chats = chat_with(None, status="queued"), chat_with(None, status="queued")
    cookies = session_cookie(agent), session_cookie(nameless)

    async def scenario():
        seen = []
        for chat, cookie, text in zip(chats, cookies, ("Hi, Mina here", "Hello"), strict=True):
            customer, console = customer_socket(chat), agent_socket(cookie)
            for socket in (customer, console):
                assert (await socket.connect())[0]
            await console.send_json_to({"type": "accept", "conversation": chat.pk})
            await console.send_json_to(
                {"type": "message", "conversation": chat.pk, "client_id": "a", "text": text}
            )
            seen += await receive_until(customer, of_type("message", sender="agent"))
            for socket in (customer, console):
                await socket.disconnect()
        return seen

    seen = async_to_sync(scenario)()

    shown = str(seen)
    assert "agent@example.com" not in shown and "nameless@example.com" not in shown
    assert "Mina" in shown
    replies = [frame for frame in seen if frame.get("sender") == "agent"]
    assert [frame["author"] for frame in replies] == ["Mina", ""]


def test_a_guest_with_another_customers_email_gets_nothing_of_theirs(customer):
    """B11: a guest who gives a customer's email (and their id) starts a guest chat of their
    own; its token opens no chat of that customer's, and nothing is merged."""
    theirs = conversation_start(customer=customer, language="ko", category="general")
    web = Client()
    response = web.post(
        reverse("livechat-start"),
        {"email": customer.email, "customer": customer.pk, "customer_id": customer.pk},
        content_type="application/json",
        HTTP_ORIGIN="http://127.0.0.1",
    )
    assert response.status_code == 201
    body = response.json()
    guest_chat = Conversation.objects.get(pk=body["id"])

    async def attempt():
        socket = customer_socket(theirs, token=body["token"])
        await socket.connect()
        return await socket.receive_json_from()

    assert async_to_sync(attempt)()["code"] == "forbidden"
    assert guest_chat.customer_id is None
    assert list(Conversation.objects.filter(customer=customer)) == [theirs]


def test_the_customer_360_lists_a_restricted_teams_chat_only_to_its_people(
    customer, agent, vip_team, vip_agent
):
    vip = conversation_start(customer=customer, language="en", category="general")
    Conversation.objects.filter(pk=vip.pk).update(team=vip_team)
    plain = conversation_start(customer=customer, language="en", category="general")

    def listed(viewer):
        return [row["reference"] for row in customer_chats(customer, viewer)]

    assert listed(agent) == [f"#{plain.pk}"]
    assert listed(vip_agent) == [f"#{plain.pk}", f"#{vip.pk}"]
