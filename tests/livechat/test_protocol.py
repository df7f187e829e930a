"""The chat protocol's promises under attack and under load: refused handshakes join nothing,
a resend after a reconnect is stored once, a reconnect replays everything missed, and two
agents taking one chat while the customer writes leave exactly one assignee and every
message exactly once."""

import asyncio

import pytest
from asgiref.sync import async_to_sync

from livechat.models import ChatMessage, Conversation, ConversationEvent
from tests.conftest import ensure_roles
from tests.livechat.conftest import (
    agent_socket,
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


async def refused(socket) -> list:
    """Everything a refused socket gets after the handshake: an error frame, then the close
    (4403, which tells the widget to stop reconnecting)."""
    await socket.connect()
    outputs = [await socket.receive_output(5)]
    while outputs[-1]["type"] != "websocket.close":
        outputs.append(await socket.receive_output(5))
    return outputs


def test_a_foreign_origin_is_refused_and_hears_nothing():
    """B1: a page of another site opening the customer's chat socket with their token."""
    chat = start_guest_chat()

    async def scenario():
        owner = customer_socket(chat)
        assert (await owner.connect())[0]
        hijack = customer_socket(chat, origin=(b"origin", b"https://evil.example"))
        outputs = await refused(hijack)
        await owner.send_json_to({"type": "message", "client_id": "c-1", "text": "hello"})
        await receive_until(owner, of_type("ack"))
        await owner.disconnect()
        return outputs

    outputs = async_to_sync(scenario)()

    assert [output["type"] for output in outputs] == ["websocket.send", "websocket.close"]
    assert '"bad_origin"' in outputs[0]["text"]
    assert outputs[1]["code"] == 4403


@pytest.mark.parametrize("who", ["nobody", "a forged token", "an expired session"])
def test_without_a_session_or_token_the_socket_is_closed_and_joins_no_group(who, agent):
    """B2: the only frame is the refusal (error, close 4403): no group is joined, so nothing
    of the chat or the agents' queue reaches it."""
    chat = start_guest_chat()
    cookie = (b"cookie", b"sessionid=expired-or-made-up")

    async def scenario():
        if who == "nobody":
            socket = customer_socket(chat, token="-")
        elif who == "a forged token":
            socket = customer_socket(chat, token=f"{chat.pk}:forged")
        else:
            socket = agent_socket(cookie)
        return await refused(socket)

    outputs = async_to_sync(scenario)()

    assert [output["type"] for output in outputs] == ["websocket.send", "websocket.close"]
    assert '"forbidden"' in outputs[0]["text"]
    assert outputs[-1]["code"] == 4403


def test_a_message_resent_after_a_reconnect_is_stored_once_and_acked_again():
    """B8: the widget resends what was not acked when it reconnects."""
    chat = start_guest_chat()

    async def send_once():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "message", "client_id": "c-9", "text": "my deposit"})
        ack = await receive_until(socket, of_type("ack"))
        await socket.disconnect()
        return ack[-1]

    first, second = async_to_sync(send_once)(), async_to_sync(send_once)()

    assert first == second
    assert ChatMessage.objects.filter(conversation=chat, client_message_id="c-9").count() == 1


def test_a_reconnect_replays_every_message_assignment_and_status_missed(agent):
    """B9: offline while the chat was queued, taken and answered; `resume` with the last id
    seen returns every message since, then the chat's state now."""
    chat = start_guest_chat()
    cookie = session_cookie(agent)

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "message", "client_id": "c-1", "text": "a human please"})
        acked = await receive_until(socket, of_type("ack"))
        await receive_until(socket, of_type("state", status="queued"))
        await socket.disconnect()
        console = agent_socket(cookie)
        assert (await console.connect())[0]
        await console.send_json_to({"type": "accept", "conversation": chat.pk})
        await console.send_json_to(
            {"type": "message", "conversation": chat.pk, "client_id": "a-1", "text": "Hi there"}
        )
        await receive_until(console, of_type("ack"))
        await console.disconnect()
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "resume", "after": acked[-1]["id"]})
        replayed = await receive_until(socket, of_type("resumed"))
        await socket.disconnect()
        return acked[-1]["id"], replayed

    last_seen, replayed = async_to_sync(scenario)()

    missed = ChatMessage.objects.filter(conversation=chat, id__gt=last_seen, internal=False)
    assert [f["id"] for f in replayed if f["type"] == "message"] == [m.pk for m in missed]
    # An agent's message ends with its verification code (docs/verification.md).
    bodies = [f["body"].split("\n\n")[0] for f in replayed if f["type"] == "message"]
    assert "Hi there" in bodies
    state = next(frame for frame in replayed if frame["type"] == "state")
    assert state["status"] == "assigned"


def test_two_agents_taking_a_chat_while_the_customer_writes(agent, teammate):
    """B10: exactly one assignee; the customer's messages stored once each, none lost; the
    bot says nothing more once the chat is queued."""
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="queued")
    bot_messages = ChatMessage.objects.filter(conversation=chat, sender="bot").count()
    cookies = session_cookie(agent), session_cookie(teammate)

    async def scenario():
        customer = customer_socket(chat)
        first, second = agent_socket(cookies[0]), agent_socket(cookies[1])
        for socket in (customer, first, second):
            assert (await socket.connect())[0]
        take = {"type": "accept", "conversation": chat.pk}
        await asyncio.gather(
            first.send_json_to(take),
            second.send_json_to(take),
            *[
                customer.send_json_to({"type": "message", "client_id": f"c-{n}", "text": f"hi {n}"})
                for n in range(3)
            ],
        )
        answers = [
            (
                await receive_until(
                    socket, lambda f: f["type"] == "error" or f.get("status") == "assigned"
                )
            )[-1]
            for socket in (first, second)
        ]
        acks = []
        while len(acks) < 3:
            acks += [f for f in await receive_until(customer, of_type("ack")) if f["type"] == "ack"]
        for socket in (customer, first, second):
            await socket.disconnect()
        return answers

    answers = async_to_sync(scenario)()

    chat.refresh_from_db()
    assert chat.status == "assigned" and chat.agent in (agent, teammate)
    assert sorted(a.get("code", "taken") for a in answers) == ["already_taken", "taken"]
    assert ConversationEvent.objects.filter(conversation=chat, kind="assigned").count() == 1
    stored = ChatMessage.objects.filter(conversation=chat, sender="customer")
    assert sorted(stored.values_list("client_message_id", flat=True)) == ["c-0", "c-1", "c-2"]
    assert ChatMessage.objects.filter(conversation=chat, sender="bot").count() == bot_messages
