"""Frames checked at the edge (livechat.frames): whatever a client sends, it gets an error frame
with a code and a message in its language, the socket stays open and sane, nothing is stored,
and nothing it sent is logged; an oversized frame closes the socket with 1009, a flood with
1008."""

import json
import logging
import random

import pytest
from asgiref.sync import async_to_sync
from mnemonic import Mnemonic

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

MNEMONIC = Mnemonic("english").to_mnemonic(random.Random(61).randbytes(16))
HUGE = 2**63


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


def binary(data: bytes) -> dict:
    return {"type": "websocket.receive", "bytes": data}


def text(data: str) -> dict:
    return {"type": "websocket.receive", "text": data}


def frame(value: object) -> dict:
    return text(json.dumps(value))


def exchange(socket_for, raw: dict) -> tuple[dict, dict]:
    """Send one raw websocket message, then a ping: (the answer, the pong)."""

    async def scenario():
        socket = socket_for()
        assert (await socket.connect())[0]
        await socket.send_input(raw)
        answer = await receive_until(socket, lambda f: f["type"] in ("error", "pong"))
        await socket.send_json_to({"type": "ping"})
        pong = await receive_until(socket, of_type("pong"))
        await socket.disconnect()
        return answer[-1], pong[-1]

    return async_to_sync(scenario)()


CUSTOMER_FRAMES = {
    "not JSON": (text("{not json"), "invalid"),
    "JSON but not an object": (frame([1, 2]), "invalid"),
    "deeply nested": (text("[" * 5000 + "]" * 5000), "invalid"),
    "binary": (binary(b"\x00\x01hello"), "invalid"),
    "no type": (frame({"text": "hi"}), "invalid"),
    "type not a string": (frame({"type": 7}), "invalid"),
    "unknown type": (frame({"type": "dance"}), "unknown_type"),
    "agent-only type": (frame({"type": "transfer", "to_agent": 1}), "unknown_type"),
    "boolean id": (frame({"type": "resume", "after": True}), "invalid"),
    "id past bigint": (frame({"type": "resume", "after": HUGE}), "invalid"),
    "negative id": (frame({"type": "read", "up_to": -1}), "invalid"),
    "id as text": (frame({"type": "read", "up_to": "12"}), "invalid"),
    "float id": (frame({"type": "read", "up_to": 1.5}), "invalid"),
    "boolean rating": (frame({"type": "rate", "rating": True}), "invalid"),
    "huge rating": (frame({"type": "rate", "rating": HUGE}), "invalid"),
    "comment not text": (frame({"type": "rate", "rating": 5, "comment": ["x"]}), "invalid"),
    "text not a string": (frame({"type": "message", "client_id": "a", "text": 5}), "invalid"),
    "empty client id": (frame({"type": "message", "client_id": "", "text": "hi"}), "invalid"),
    "typing not boolean": (frame({"type": "typing", "active": "yes"}), "invalid"),
}


@pytest.mark.parametrize(("raw", "code"), CUSTOMER_FRAMES.values(), ids=CUSTOMER_FRAMES.keys())
def test_a_customers_bad_frame_gets_an_error_and_the_socket_stays_sane(raw, code):
    """B5: non-JSON, binary, missing or unknown type, wrong field types, out-of-range ints."""
    chat = start_guest_chat(language="ja")

    answer, pong = exchange(lambda: customer_socket(chat), raw)

    assert answer["type"] == "error" and answer["code"] == code
    assert answer["message"] and answer["message"].isascii() is False  # in Japanese
    assert pong == {"type": "pong"}
    assert Conversation.objects.get(pk=chat.pk).status == "bot"
    assert not ChatMessage.objects.filter(conversation=chat, sender="customer").exists()


AGENT_FRAMES = {
    "conversation as text": {"type": "join", "conversation": "12"},
    "boolean conversation": {"type": "accept", "conversation": True},
    "conversation past bigint": {"type": "end", "conversation": HUGE},
    "no conversation": {"type": "hand_back"},
    "transfer to a word": {"type": "transfer", "to_agent": "abc"},
    "transfer to a huge id": {"type": "transfer", "to_team": HUGE},
    "transfer to a boolean": {"type": "transfer", "to_agent": True},
    "transfer note not text": {"type": "transfer", "to_team": 1, "note": {"a": 1}},
    "replay after a word": {"type": "join", "after": "x"},
    "read up to a float": {"type": "read", "up_to": 2.5},
    "presence unknown": {"type": "presence", "presence": "asleep"},
    "presence a number": {"type": "presence", "presence": 5},
    "unknown": {"type": "teleport"},
}


@pytest.mark.parametrize("bad", AGENT_FRAMES.values(), ids=AGENT_FRAMES.keys())
def test_an_agents_bad_frame_gets_an_error_and_nothing_changes(agent, bad):
    """B5 on the console: the frames that used to drop the socket with a traceback."""
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    cookie = session_cookie(agent)
    raw = frame({"conversation": chat.pk, **bad} if "conversation" not in bad else bad)
    if bad == {"type": "hand_back"}:
        raw = frame(bad)
    events = ConversationEvent.objects.filter(conversation=chat).count()

    answer, pong = exchange(lambda: agent_socket(cookie), raw)

    assert answer["type"] == "error"
    assert answer["code"] in ("invalid", "unknown_type")
    assert pong == {"type": "pong"}
    chat.refresh_from_db()
    assert (chat.status, chat.agent) == ("assigned", agent)
    assert ConversationEvent.objects.filter(conversation=chat).count() == events


def test_an_invalid_frame_holding_a_mnemonic_is_not_logged(agent, caplog):
    """G6: the frame's content never reaches the error log, whatever was wrong with it."""
    caplog.set_level(logging.DEBUG)
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    cookie = session_cookie(agent)
    bad_frames = [
        {"type": "transfer", "conversation": chat.pk, "to_agent": MNEMONIC},
        {"type": "join", "conversation": MNEMONIC},
        {"type": MNEMONIC},
    ]

    for bad in bad_frames:
        answer, _pong = exchange(lambda: agent_socket(cookie), frame(bad))
        assert answer["code"] in ("invalid", "unknown_type")
        assert MNEMONIC.split()[0] not in json.dumps(answer)
    answer, _pong = exchange(lambda: customer_socket(chat), text(f"{{{MNEMONIC}"))
    assert answer["code"] == "invalid"

    logged = " ".join(f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert not [word for word in MNEMONIC.split() if word in logged.split()]


def test_an_oversized_frame_closes_the_socket_with_1009():
    """B6: past the frame limit (16 KiB; the server refuses 64 KiB and up before reading)."""
    chat = start_guest_chat()

    async def scenario():
        codes = []
        for size in (2 * 1024 * 1024, 20 * 1024):
            socket = customer_socket(chat)
            assert (await socket.connect())[0]
            padding = "x" * size
            await socket.send_input(text(json.dumps({"type": "ping", "pad": padding})))
            codes.append(await socket.receive_close())
            await socket.wait()
        return codes

    assert async_to_sync(scenario)() == [1009, 1009]
    assert not ChatMessage.objects.filter(conversation=chat, sender="customer").exists()


def test_a_flood_is_throttled_then_closed_with_1008():
    """B7: 200 frames at once: the first ten are answered, then rate_limited errors, then the
    socket is closed with 1008 (policy violation); another chat's socket carries on."""
    chat, other = start_guest_chat(), start_guest_chat(email="other@example.com")

    async def scenario():
        flooder, bystander = customer_socket(chat), customer_socket(other)
        for socket in (flooder, bystander):
            assert (await socket.connect())[0]
        for number in range(200):
            await flooder.send_json_to({"type": "read", "up_to": number})
        seen = []
        while True:
            output = await flooder.receive_output(5)
            if output["type"] == "websocket.close":
                break
            seen.append(json.loads(output["text"]))
        await bystander.send_json_to({"type": "ping"})
        pong = await receive_until(bystander, of_type("pong"))
        await bystander.disconnect()
        return seen, output["code"], pong[-1]

    seen, code, pong = async_to_sync(scenario)()

    assert code == 1008
    assert [frame["code"] for frame in seen if frame["type"] == "error"][:1] == ["rate_limited"]
    assert pong == {"type": "pong"}


def test_a_message_with_control_characters_is_stored_without_them():
    """PostgreSQL refuses NUL in text: the gate drops it instead of failing the frame."""
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await socket.send_json_to(
            {"type": "message", "client_id": "c-1", "text": "a\u0000b\u0007c"}
        )
        ack = await receive_until(socket, of_type("ack"))
        await socket.disconnect()
        return ack[-1]

    ack = async_to_sync(scenario)()

    assert ChatMessage.objects.get(pk=ack["id"]).body == "abc"
