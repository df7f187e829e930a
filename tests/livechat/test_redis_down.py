"""Redis only notifies (I9): with the channel layer unreachable a chat socket still opens, a
customer's message is still stored and acknowledged, and everyone catches up from PostgreSQL
through `resume` / `join`. Against our own redis-server, stopped by the test — never the
machine's."""

import shutil

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from livechat.models import ChatMessage, Conversation
from livechat.selectors import guest_token
from tests.conftest import ensure_roles
from tests.faults.conftest import RedisProcess, point_redis_at, short_temp_dir
from tests.livechat.conftest import (
    agent_socket,
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOT_LIVE = {"type": "live", "available": False}


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


@pytest.fixture
def chat_redis(settings):
    """Our own redis-server for the cache and the channel layer; the test stops it."""
    server = RedisProcess(short_temp_dir("lc"))
    server.start()
    point_redis_at(settings, server.url)
    yield server
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


def test_redis_stopping_mid_chat_loses_no_message(chat_redis, agent):
    """I9: the customer's message is stored and acked, the customer sees it on their own
    socket and is told to catch up (no live updates), and the agent gets it by replaying
    after reconnecting; the layer's failure is handled, nothing silently lost."""
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    cookie = session_cookie(agent)

    async def scenario():
        socket = customer_socket(chat)
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "ping"})
        await receive_until(socket, of_type("pong"))
        chat_redis.stop()
        await socket.send_json_to({"type": "message", "client_id": "c-1", "text": "still there?"})
        seen = await receive_until(socket, of_type("live"))
        await socket.disconnect()
        console = agent_socket(cookie)
        assert (await console.connect())[0]
        await console.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        replayed = await receive_until(console, of_type("resumed"))
        await console.disconnect()
        return seen, replayed

    seen, replayed = async_to_sync(scenario)()

    stored = ChatMessage.objects.get(conversation=chat, client_message_id="c-1")
    assert stored.body == "still there?"
    assert seen[0] == {"type": "ack", "conversation": chat.pk, "client_id": "c-1", "id": stored.pk}
    assert [frame.get("id") for frame in seen if frame["type"] == "message"][0] == stored.pk
    assert seen[-1] == NOT_LIVE
    assert NOT_LIVE in replayed
    assert stored.pk in [frame.get("id") for frame in replayed if frame["type"] == "message"]


def test_a_new_socket_opens_and_works_while_redis_is_down(chat_redis, agent):
    """I9: no 500 on the handshake: the socket opens without live updates and says so;
    messages are stored and acked; `resume` catches up."""
    chat = start_guest_chat()
    chat_redis.stop()
    cookie = session_cookie(agent)

    async def scenario():
        socket, console = customer_socket(chat), agent_socket(cookie)
        assert (await socket.connect())[0]
        assert (await console.connect())[0]
        told = await socket.receive_json_from()
        await socket.send_json_to({"type": "message", "client_id": "c-1", "text": "hello"})
        acked = await receive_until(socket, of_type("ack"))
        await socket.send_json_to({"type": "resume", "after": 0})
        resumed = await receive_until(socket, of_type("resumed"))
        console_told = await receive_until(console, of_type("live"))
        for client in (socket, console):
            await client.disconnect()
        return told, acked[-1], resumed, console_told[-1]

    told, ack, resumed, console_told = async_to_sync(scenario)()

    assert told == console_told == NOT_LIVE
    stored = ChatMessage.objects.get(conversation=chat, client_message_id="c-1")
    assert ack["id"] == stored.pk
    assert stored.pk in [frame.get("id") for frame in resumed if frame["type"] == "message"]


def test_a_file_sent_while_redis_is_down_is_stored_and_acknowledged(chat_redis, settings, tmp_path):
    """The HTTP path: the broadcast after commit is dropped, the answer is still 201."""
    settings.MEDIA_ROOT = tmp_path
    chat = start_guest_chat()
    chat_redis.stop()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    response = APIClient().post(
        f"/api/v1/livechat/conversations/{chat.pk}/attachments/",
        {
            "file": SimpleUploadedFile("shot.png", png),
            "client_id": "f-1",
            "token": guest_token(chat),
        },
    )

    assert response.status_code == 201
    assert ChatMessage.objects.get(pk=response.json()["id"]).attachments.count() == 1
