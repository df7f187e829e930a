"""The chat websocket on the configured Redis pub/sub layer: persistence before broadcast,
acks and idempotency, replay on reconnect, handoffs, limits and who may join."""

import pytest
from asgiref.sync import async_to_sync

from livechat.models import ChatMessage, Conversation
from livechat.selectors import guest_token
from livechat.start import conversation_start
from tests.conftest import ensure_roles
from tests.livechat.conftest import (
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)

pytestmark = pytest.mark.django_db(transaction=True)

SEED = (
    "my seed is attract potato silver service shine cat elevator since quantum shiver "
    "disagree accident"
)
SEED_WORDS = ("potato", "elevator", "quantum", "shiver")


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


async def send_message(socket, client_id: str, text: str) -> list[dict]:
    await socket.send_json_to({"type": "message", "client_id": client_id, "text": text})
    return await receive_until(socket, of_type("ack", client_id=client_id))


def test_a_message_is_stored_then_acked_then_broadcast_with_the_bot_reply():
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        frames = await send_message(socket, "c-1", "the thing with the stuff is weird")
        ack = frames[-1]
        stored = await socket.receive_json_from()
        bot = await receive_until(socket, of_type("message", sender="bot"))
        await socket.disconnect()
        return ack, stored, bot[-1]

    ack, stored, bot = async_to_sync(scenario)()

    message = ChatMessage.objects.get(conversation=chat, client_message_id="c-1")
    assert ack == {"type": "ack", "conversation": chat.pk, "client_id": "c-1", "id": message.pk}
    assert (stored["type"], stored["id"], stored["sender"]) == ("message", message.pk, "customer")
    assert bot["automated"] is True
    assert bot["id"] > message.pk


def test_a_repeated_client_id_gets_the_same_ack_and_no_second_message():
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        first = (await send_message(socket, "c-1", "hello there"))[-1]
        second = (await send_message(socket, "c-1", "hello there"))[-1]
        await socket.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()

    assert first == second
    assert ChatMessage.objects.filter(conversation=chat, sender="customer").count() == 1


def test_secrets_are_redacted_before_storage_and_broadcast():
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        await send_message(socket, "c-1", SEED)
        frames = await receive_until(socket, of_type("message", sender="bot"))
        await socket.disconnect()
        return frames

    frames = async_to_sync(scenario)()

    broadcast = next(frame for frame in frames if frame.get("sender") == "customer")
    stored = ChatMessage.objects.get(conversation=chat, client_message_id="c-1").body
    for word in SEED_WORDS:
        assert word not in broadcast["body"]
        assert word not in stored
    assert "[seed phrase removed]" in stored
    notices = [frame for frame in frames if frame.get("sender") == "system"]
    assert "seed phrase" in notices[0]["body"]


def test_reconnecting_replays_everything_after_the_last_seen_id():
    chat = start_guest_chat()

    async def first_visit():
        socket = customer_socket(chat)
        await socket.connect()
        ack = (await send_message(socket, "c-1", "first question about nothing"))[-1]
        await socket.disconnect()
        return ack["id"]

    last_seen = async_to_sync(first_visit)()
    ChatMessage.objects.create(conversation=chat, sender="agent", body="stored while away")

    async def second_visit():
        socket = customer_socket(chat)
        await socket.connect()
        await socket.send_json_to({"type": "resume", "after": last_seen})
        frames = await receive_until(socket, of_type("resumed"))
        await socket.disconnect()
        return frames

    frames = async_to_sync(second_visit)()

    replayed = [frame["id"] for frame in frames if frame["type"] == "message"]
    expected = list(
        ChatMessage.objects.filter(conversation=chat, id__gt=last_seen).values_list("id", flat=True)
    )
    assert replayed == expected
    assert "stored while away" in [frame["body"] for frame in frames if frame["type"] == "message"]
    assert frames[-1] == {"type": "resumed", "conversation": chat.pk, "last_id": expected[-1]}


def test_too_many_messages_get_an_error_frame_and_the_socket_stays_open():
    chat = start_guest_chat(language="ko")

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        for number in range(10):
            await socket.send_json_to({"type": "read", "up_to": number})
        await socket.send_json_to({"type": "read", "up_to": 11})
        error = await receive_until(socket, of_type("error"))
        await socket.send_json_to({"type": "ping"})
        pong = await receive_until(socket, of_type("pong"))
        await socket.disconnect()
        return error[-1], pong[-1]

    error, pong = async_to_sync(scenario)()

    assert error["code"] == "rate_limited"
    assert error["message"]
    assert pong == {"type": "pong"}


def test_oversized_and_malformed_frames_get_error_frames():
    chat = start_guest_chat()

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        await socket.send_json_to({"type": "message", "client_id": "big", "text": "x" * 5000})
        too_large = await socket.receive_json_from()
        await socket.send_text("{not json")
        invalid = await socket.receive_json_from()
        await socket.send_json_to({"type": "message", "text": "no client id"})
        no_id = await socket.receive_json_from()
        await socket.disconnect()
        return too_large, invalid, no_id

    too_large, invalid, no_id = async_to_sync(scenario)()

    assert too_large["code"] == "too_large"
    assert invalid["code"] == "invalid"
    assert no_id["code"] == "invalid"
    assert not ChatMessage.objects.filter(conversation=chat, sender="customer").exists()


def test_a_guest_cannot_join_another_customers_conversation(customer):
    mine = start_guest_chat(email="me@example.com")
    theirs = conversation_start(customer=customer, language="ko", category="general")
    other_guest = start_guest_chat(email="other@example.com")

    async def attempt(conversation, token):
        socket = customer_socket(conversation, token=token)
        await socket.connect()
        error = await socket.receive_json_from()
        code = await socket.receive_close()
        return error, code

    my_token = guest_token(mine)
    for target in (theirs, other_guest):
        error, code = async_to_sync(attempt)(target, my_token)
        assert error["code"] == "forbidden"
        assert code == 4403
    error, _code = async_to_sync(attempt)(other_guest, "forged-token")
    assert error["code"] == "forbidden"


def test_a_signed_in_customer_cannot_join_someone_elses_chat(customer, other_customer):
    theirs = conversation_start(customer=customer, language="ko", category="general")
    cookie = session_cookie(other_customer)

    async def attempt():
        socket = customer_socket(theirs, cookie=cookie, token="")
        await socket.connect()
        return await socket.receive_json_from()

    assert async_to_sync(attempt)()["code"] == "forbidden"


def test_the_owner_joins_with_their_session(customer):
    mine = conversation_start(customer=customer, language="ko", category="general")
    cookie = session_cookie(customer)

    async def visit():
        socket = customer_socket(mine, cookie=cookie, token="")
        connected = (await socket.connect())[0]
        ack = (await send_message(socket, "c-1", "안녕하세요"))[-1]
        await socket.disconnect()
        return connected, ack

    connected, ack = async_to_sync(visit)()

    assert connected
    assert ack["type"] == "ack"


def test_a_foreign_origin_gets_an_error_frame():
    chat = start_guest_chat()

    async def attempt():
        socket = customer_socket(chat, origin=(b"origin", b"https://evil.example"))
        await socket.connect()
        return await socket.receive_json_from()

    assert async_to_sync(attempt)()["code"] == "bad_origin"
    assert Conversation.objects.get(pk=chat.pk).messages.count() == 1


def test_the_greeting_offers_quick_replies_in_the_customers_language():
    chat = start_guest_chat(language="ja")

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        await socket.send_json_to({"type": "resume", "after": 0})
        frames = await receive_until(socket, of_type("resumed"))
        await socket.disconnect()
        return frames

    greeting = async_to_sync(scenario)()[0]

    assert (greeting["sender"], greeting["automated"]) == ("bot", True)
    assert len(greeting["quick_replies"]) == 5
    assert all(isinstance(text, str) and text for text in greeting["quick_replies"])
