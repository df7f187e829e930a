"""From the bot to a person: handoff in five languages, urgent handoff to the security team,
the queue, an agent accepting, talking, ending, and what the chat leaves behind."""

import pytest
from asgiref.sync import async_to_sync

from livechat.models import ChatMessage, Conversation
from support.models import OutboxEmail
from tests.conftest import ensure_roles
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

REQUESTS = [
    ("en", "could I talk to a human please"),
    ("zh-hans", "帮我转人工"),
    ("zh-hant", "我要真人客服"),
    ("ko", "상담원 연결 부탁드립니다"),
    ("ja", "オペレーターに代わってください"),
]


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


async def say(socket, client_id: str, text: str) -> list[dict]:
    await socket.send_json_to({"type": "message", "client_id": client_id, "text": text})
    return await receive_until(socket, of_type("state"))


@pytest.mark.parametrize(("lang", "text"), REQUESTS)
def test_asking_for_a_person_queues_the_chat_with_position_and_wait(lang, text, agent):
    """An agent is online, so the bot says it is connecting (one message, no offline form)."""
    chat = start_guest_chat(language=lang)

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        frames = await say(socket, "c-1", text)
        frames += await receive_until(socket, of_type("queue"))
        await socket.disconnect()
        return frames

    frames = async_to_sync(scenario)()

    chat.refresh_from_db()
    assert (chat.status, chat.handoff_reason) == ("queued", "asked_for_human")
    assert text in chat.bot_summary
    assert frames[-1]["position"] == 1
    assert frames[-1]["wait_seconds"] > 0
    bot_reply = next(frame for frame in frames if frame.get("sender") == "bot")
    assert bot_reply["automated"] is True


def test_a_security_incident_skips_the_queue_to_the_security_team(team, agent, security_agent):
    chat = start_guest_chat()
    earlier = start_guest_chat(email="first@example.com")
    Conversation.objects.filter(pk=earlier.pk).update(status="queued", team=team)
    cookie = session_cookie(security_agent)

    async def scenario():
        guard = agent_socket(cookie)
        assert (await guard.connect())[0]
        socket = customer_socket(chat)
        await socket.connect()
        frames = await say(socket, "c-1", "I think I got SIM swapped, my coins were stolen")
        offer = await receive_until(guard, of_type("chat", conversation=chat.pk))
        await socket.disconnect()
        await guard.disconnect()
        return frames, offer[-1]

    frames, offer = async_to_sync(scenario)()

    chat.refresh_from_db()
    assert (chat.status, chat.urgent, chat.handoff_reason) == ("queued", True, "security")
    assert chat.team.handles_security
    assert chat.offered_to == security_agent
    assert (offer["urgent"], offer["offered_to"]) == (True, security_agent.pk)
    steps = next(frame for frame in frames if frame.get("sender") == "bot")["body"]
    assert "two-factor" in steps and "API keys" in steps


def test_an_agent_accepts_talks_and_ends_and_the_chat_becomes_a_ticket(agent):
    chat = start_guest_chat(language="en", email="guest@example.com")
    cookie = session_cookie(agent)

    async def scenario():
        customer = customer_socket(chat)
        await customer.connect()
        await say(customer, "c-1", "agent please")
        console = agent_socket(cookie)
        await console.connect()
        await receive_until(console, of_type("chat", conversation=chat.pk))
        await console.send_json_to({"type": "accept", "conversation": chat.pk})
        await receive_until(customer, of_type("state", status="assigned"))
        await console.send_json_to({"type": "typing", "conversation": chat.pk, "active": True})
        typing = await receive_until(customer, of_type("typing"))
        await console.send_json_to(
            {"type": "message", "conversation": chat.pk, "client_id": "a-1", "text": "Hi!"}
        )
        reply = await receive_until(customer, of_type("message", sender="agent"))
        await customer.send_json_to({"type": "read", "up_to": reply[-1]["id"]})
        read = await receive_until(console, of_type("read", by="customer"))
        await console.send_json_to(
            {"type": "note", "conversation": chat.pk, "client_id": "n-1", "text": "VIP"}
        )
        await receive_until(console, of_type("ack", client_id="n-1"))
        await console.send_json_to({"type": "end", "conversation": chat.pk})
        ended = await receive_until(customer, of_type("state", status="ended"))
        await customer.send_json_to({"type": "rate", "rating": 5, "comment": "great"})
        rated = await receive_until(customer, of_type("rated"))
        await customer.disconnect()
        await console.disconnect()
        return typing[-1], reply[-1], read[-1], ended, rated[-1]

    typing, reply, read, ended, rated = async_to_sync(scenario)()

    chat.refresh_from_db()
    assert typing["by"] == "agent"
    # The agent's words, then the code the customer can check on our verification page.
    assert reply["body"].split("\n\n")[0] == "Hi!"
    assert "Verify this message at" in reply["body"]
    assert read["up_to"] == reply["id"] == chat.customer_read_up_to
    assert all(frame.get("body") != "VIP" for frame in ended)  # internal notes stay internal
    assert (chat.status, chat.agent, chat.rating, rated["rating"]) == ("ended", agent, 5, 5)
    ticket = Ticket.objects.get(reference=chat.ticket_reference)
    assert (ticket.channel, ticket.customer.email) == ("chat", "guest@example.com")
    transcript = OutboxEmail.objects.get(dedupe_key=f"livechat-transcript-{chat.pk}")
    assert transcript.to == "guest@example.com"
    assert "Hi!" in transcript.body_text and "VIP" not in transcript.body_text


def test_a_second_agent_cannot_take_an_accepted_chat(agent, teammate):
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="queued")
    cookies = session_cookie(agent), session_cookie(teammate)

    async def scenario():
        first, second = agent_socket(cookies[0]), agent_socket(cookies[1])
        await first.connect()
        await second.connect()
        await first.send_json_to({"type": "accept", "conversation": chat.pk})
        await receive_until(first, of_type("state", status="assigned"))
        await second.send_json_to({"type": "accept", "conversation": chat.pk})
        refused = await receive_until(second, of_type("error"))
        await second.send_json_to(
            {"type": "message", "conversation": chat.pk, "client_id": "x", "text": "hi"}
        )
        not_yours = await receive_until(second, of_type("error"))
        await first.disconnect()
        await second.disconnect()
        return refused[-1], not_yours[-1]

    refused, not_yours = async_to_sync(scenario)()

    assert refused["code"] == "already_taken"
    assert not_yours["code"] == "not_found"  # another agent's chat: as if it did not exist
    assert Conversation.objects.get(pk=chat.pk).agent == agent
    assert not ChatMessage.objects.filter(conversation=chat, sender="agent").exists()


def test_a_customer_may_not_use_the_agent_socket(customer):
    cookie = session_cookie(customer)

    async def attempt():
        socket = agent_socket(cookie)
        await socket.connect()
        return await socket.receive_json_from()

    assert async_to_sync(attempt)()["code"] == "forbidden"


def test_with_no_agent_online_the_customer_leaves_a_message_that_becomes_a_ticket():
    chat = start_guest_chat(language="zh-hans", email="offline@example.com")

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        frames = await say(socket, "c-1", "转人工")
        await socket.send_json_to(
            {"type": "leave_message", "client_id": "c-2", "text": "我的充值还没到账，TXID 在邮件里"}
        )
        frames += await receive_until(socket, of_type("state", status="ended"))
        await socket.disconnect()
        return frames

    frames = async_to_sync(scenario)()

    chat.refresh_from_db()
    offline_notice = [frame for frame in frames if frame.get("sender") == "system"]
    assert offline_notice
    ticket = Ticket.objects.get(reference=chat.ticket_reference)
    assert ticket.channel == "chat"
    assert "充值还没到账" in ticket.messages.first().body


def test_an_agent_hands_the_chat_back_to_the_bot(agent):
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    cookie = session_cookie(agent)

    async def scenario():
        console = agent_socket(cookie)
        await console.connect()
        await console.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        await receive_until(console, of_type("resumed"))
        await console.send_json_to({"type": "hand_back", "conversation": chat.pk})
        frames = await receive_until(console, of_type("state", status="bot"))
        await console.disconnect()
        return frames

    async_to_sync(scenario)()

    chat.refresh_from_db()
    assert (chat.status, chat.agent) == ("bot", None)


def test_an_agent_converts_the_chat_to_a_ticket_and_the_customer_gets_its_reference(agent):
    chat = start_guest_chat(email="follow@example.com")
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    cookie = session_cookie(agent)

    async def scenario():
        customer = customer_socket(chat)
        await customer.connect()
        console = agent_socket(cookie)
        await console.connect()
        await console.send_json_to({"type": "follow_up", "conversation": chat.pk})
        frames = await receive_until(customer, of_type("state", status="ended"))
        await customer.disconnect()
        await console.disconnect()
        return frames

    frames = async_to_sync(scenario)()

    chat.refresh_from_db()
    assert chat.status == "ended"
    assert chat.ticket_reference
    notices = [frame["body"] for frame in frames if frame.get("sender") == "system"]
    assert any(chat.ticket_reference in body for body in notices)
    assert Ticket.objects.get(reference=chat.ticket_reference).customer.email == (
        "follow@example.com"
    )
