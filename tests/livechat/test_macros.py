"""Macros in the agent's chat pane: listed for the chat's language first, filled for the chat,
only for agents who may open the chat, and sent as an ordinary agent message."""

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from livechat.models import ChatMessage, Conversation
from livechat.start import conversation_start
from tests.conftest import PASSWORD, ensure_roles
from tests.livechat.conftest import (
    agent_socket,
    customer_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)
from tickets.models import Macro

BODIES = {
    "en": "Hello {customer_name},\n\nPlease send the TxID.\n\nReference: {reference}",
    "ko": "{customer_name}님 안녕하세요.\n\nTxID를 보내주세요.\n\n문의 번호: {reference}",
}


@pytest.fixture
def macros(db) -> dict[str, Macro]:
    names = {"en": "Ask for the TxID", "ko": "TxID 요청"}
    made = {
        language: Macro.objects.create(
            key="need_tx_hash", language=language, name=names[language], body=body
        )
        for language, body in BODIES.items()
    }
    Macro.objects.create(key="old", language="en", name="Retired", body="x", active=False)
    return made


def assigned_chat(agent, **fields) -> Conversation:
    chat = start_guest_chat(**fields)
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    chat.refresh_from_db()
    return chat


def macros_of(client, user, chat):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("livechat_console:macros", args=[chat.pk]))


@pytest.mark.django_db
def test_macros_are_listed_in_the_chats_language_first_and_filled_for_the_chat(
    client, agent, macros
):
    chat = assigned_chat(agent, language="ko", email="minji@example.com")

    listed = macros_of(client, agent, chat).json()["macros"]

    assert [(item["language"], item["key"]) for item in listed] == [
        ("ko", "need_tx_hash"),
        ("en", "need_tx_hash"),
    ]
    assert listed[0]["text"] == "minji님 안녕하세요.\n\nTxID를 보내주세요."  # no ticket yet
    assert listed[1]["text"] == "Hello minji,\n\nPlease send the TxID."


@pytest.mark.django_db
def test_a_chat_with_a_ticket_record_fills_the_reference_and_the_customers_name(
    client, agent, customer, macros
):
    customer.first_name, customer.last_name = "Min-ji", "Kim"
    customer.save()
    chat = conversation_start(customer=customer, language="en", category="general")
    Conversation.objects.filter(pk=chat.pk).update(
        status="assigned", agent=agent, ticket_reference="T-2026-0042"
    )

    listed = macros_of(client, agent, chat).json()["macros"]

    assert listed[0]["text"] == (
        "Hello Min-ji Kim,\n\nPlease send the TxID.\n\nReference: T-2026-0042"
    )


@pytest.mark.django_db
def test_outsiders_cannot_fetch_the_macros_of_a_chat(client, agent, teammate, customer, macros):
    chat = assigned_chat(agent)
    url = reverse("livechat_console:macros", args=[chat.pk])

    anonymous = client.get(url)
    as_customer = macros_of(client, customer, chat)
    as_other_agent = macros_of(client, teammate, chat)
    missing = client.get(reverse("livechat_console:macros", args=[chat.pk + 1000]))

    assert anonymous.status_code == 302
    assert as_customer.status_code == 403
    assert as_other_agent.status_code == 404
    assert missing.status_code == 404
    assert "Please send" not in as_other_agent.content.decode()
    assert Conversation.objects.get(pk=chat.pk).agent == agent


@pytest.mark.django_db(transaction=True)
def test_a_macro_reply_is_stored_acked_and_broadcast_like_any_agent_message(client, agent, macros):
    ensure_roles()
    chat = assigned_chat(agent, email="guest@example.com")
    text = macros_of(client, agent, chat).json()["macros"][0]["text"]
    edited = text + "\nMy seed is attract potato silver service shine cat elevator since quantum"
    cookie = session_cookie(agent)

    async def scenario():
        customer = customer_socket(chat)
        await customer.connect()
        console = agent_socket(cookie)
        await console.connect()
        await console.send_json_to({"type": "join", "conversation": chat.pk, "after": 0})
        await receive_until(console, of_type("resumed"))
        frame = {"type": "message", "conversation": chat.pk, "client_id": "m-1", "text": edited}
        await console.send_json_to(frame)
        ack = await receive_until(console, of_type("ack", client_id="m-1"))
        await console.send_json_to(frame)  # resent before the ack arrived: nothing new
        again = await receive_until(console, of_type("ack", client_id="m-1"))
        seen = await receive_until(customer, of_type("message", sender="agent"))
        await customer.disconnect()
        await console.disconnect()
        return ack[-1], again[-1], seen[-1]

    ack, again, seen = async_to_sync(scenario)()

    stored = ChatMessage.objects.get(conversation=chat, sender="agent")
    assert ack == again == {
        "type": "ack", "conversation": chat.pk, "client_id": "m-1", "id": stored.pk
    }  # fmt: skip
    assert stored.body.startswith("Hello guest,\n\nPlease send the TxID.")
    assert "potato" not in stored.body and "potato" not in seen["body"]
    assert (seen["id"], seen["body"], seen["author"]) == (stored.pk, stored.body, "")
