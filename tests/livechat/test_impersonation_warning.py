"""The impersonation warning in the agents' chat workspace: a customer who says "support"
reached them elsewhere flags the chat, and every agent's console learns it live, on reload, on
opening the pane and after a transfer; the customer 360 names it in the agent's language."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings

from livechat import handoff, messages, transfer
from livechat.models import Conversation, ConversationEvent
from tests.livechat.conftest import (
    agent_socket,
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)
from tests.livechat.test_offers import _routed, queued_chat  # noqa: F401 - _routed is autouse

pytestmark = pytest.mark.django_db(transaction=True)

CONTACTED = "someone from your support called me on Telegram and asked for my code"


def flagged(kind: str, chat: Conversation):
    """The summary frame of `chat` once it carries the warning."""
    return lambda frame: (
        of_type(kind, conversation=chat.pk)(frame) and frame.get("impersonation_suspected")
    )


def test_the_agent_s_console_learns_of_the_warning_live_and_on_reload(agent):
    chat = queued_chat()
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)
    cookie = session_cookie(agent)

    async def scenario():
        console = agent_socket(cookie)
        await console.connect()
        before = await receive_until(console, of_type("chat", conversation=chat.pk))
        await console.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        await receive_until(console, of_type("resumed", conversation=chat.pk))
        customer = customer_socket(chat)
        await customer.connect()
        await customer.send_json_to({"type": "message", "client_id": "c-2", "text": CONTACTED})
        live = await receive_until(console, flagged("chat", chat))
        await console.disconnect()
        await customer.disconnect()
        reloaded = agent_socket(cookie)  # the page loaded again: the snapshot, then the pane
        await reloaded.connect()
        snapshot = await receive_until(reloaded, of_type("chat", conversation=chat.pk))
        await reloaded.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        pane = await receive_until(reloaded, of_type("resumed", conversation=chat.pk))
        await reloaded.disconnect()
        return before[-1], live, snapshot[-1], pane

    before, live, snapshot, pane = async_to_sync(scenario)()

    assert before["impersonation_suspected"] is False
    notice = [frame for frame in live if of_type("message", sender="system")(frame)]
    assert notice and notice[-1]["body"].startswith("Safety notice")
    assert snapshot["impersonation_suspected"] is True
    [summary] = [frame for frame in pane if frame["type"] == "chat"]
    assert summary["impersonation_suspected"] is True
    assert Conversation.objects.get(pk=chat.pk).impersonation_suspected is True
    kinds = ConversationEvent.objects.filter(conversation=chat, kind="impersonation_suspected")
    assert kinds.count() == 1


def test_an_ordinary_message_leaves_the_chat_unflagged(agent):
    chat = queued_chat()

    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-2", text="My deposit is still not there"
    )

    assert Conversation.objects.get(pk=chat.pk).impersonation_suspected is False


def test_the_agent_a_chat_is_transferred_to_sees_the_warning(agent, teammate):
    chat = queued_chat()
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)
    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-2", text=CONTACTED
    )
    transfer.conversation_transfer(conversation_id=chat.pk, by=agent, to_agent=teammate)
    cookie = session_cookie(teammate)

    async def scenario():
        console = agent_socket(cookie)
        await console.connect()
        frames = await receive_until(console, of_type("chat", conversation=chat.pk))
        await console.disconnect()
        return frames[-1]

    summary = async_to_sync(scenario)()

    assert (summary["agent"], summary["impersonation_suspected"]) == (teammate.pk, True)


def test_a_guest_chat_in_the_bot_stage_keeps_the_flag_for_the_queue(agent):
    chat = start_guest_chat()

    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-1", text=CONTACTED
    )
    queued = queued_chat(email="second@example.com")
    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-2", text="could I talk to a human please"
    )

    chat.refresh_from_db()
    assert chat.status == "queued" and chat.impersonation_suspected is True
    assert Conversation.objects.get(pk=queued.pk).impersonation_suspected is False


def test_the_customer_360_names_the_warning_in_the_agent_s_language(client, agent, customer):
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(
        customer=customer, status="assigned", agent=agent, impersonation_suspected=True
    )
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    page = client.get(f"/console/chats/{chat.pk}/customer/")

    assert page.status_code == 200
    assert "사칭 사기 가능성." in page.content.decode()
