"""The live chat's HTTP API: the bot preview (staff only) and starting a chat."""

import pytest
from rest_framework.test import APIClient

from livechat.models import ChatMessage, Conversation
from livechat.selectors import conversation_get_for_user
from tests.livechat.conftest import start_guest_chat

pytestmark = pytest.mark.django_db

PREVIEW = "/api/v1/livechat/bot/preview/"
START = "/api/v1/livechat/conversations/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_staff_preview_the_bot_decision(agent):
    response = client_for(agent).post(PREVIEW, {"text": "转人工", "lang": "zh-hans"}, format="json")

    assert response.status_code == 200
    assert response.json()["action"] == "handoff"
    assert response.json()["articles"] == []
    assert response.json()["reply"]


def test_the_preview_reports_urgent_handoffs(agent):
    body = {"text": "someone hacked my account and withdrew everything", "lang": "en"}

    response = client_for(agent).post(PREVIEW, body, format="json")

    assert response.json()["action"] == "urgent_handoff"


def test_staff_trying_the_bot_leave_no_search_records(agent):
    from helpcenter.models import SearchRecord

    body = {"text": "how do I withdraw USDT on TRC20", "lang": "en"}
    response = client_for(agent).post(PREVIEW, body, format="json")

    assert response.status_code == 200
    assert SearchRecord.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_customers_and_anonymous_may_not_preview_the_bot(who, customer):
    client = client_for(customer if who == "customer" else None)

    response = client.post(PREVIEW, {"text": "human", "lang": "en"}, format="json")

    assert response.status_code in (401, 403)
    assert "action" not in response.json()


def test_a_guest_starts_a_chat_with_an_email_and_gets_a_signed_token():
    response = client_for().post(
        START, {"language": "ja", "category": "kyc", "email": "Guest@Example.com"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    conversation = Conversation.objects.get(pk=body["id"])
    assert (conversation.guest_email, conversation.language, conversation.status) == (
        "guest@example.com",
        "ja",
        "bot",
    )
    assert body["websocket_url"].endswith(f"/ws/chat/{conversation.pk}/?token={body['token']}")
    assert conversation_get_for_user(user=None, pk=conversation.pk, token=body["token"])
    greeting = ChatMessage.objects.get(conversation=conversation)
    assert (greeting.sender, greeting.automated) == ("bot", True)


def test_a_guest_without_an_email_is_refused():
    response = client_for().post(START, {"language": "en"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["email"]
    assert not Conversation.objects.exists()


def test_a_signed_in_customer_needs_no_token(customer):
    response = client_for(customer).post(START, {"language": "ko"}, format="json")

    assert response.status_code == 201
    assert response.json()["token"] == ""
    assert Conversation.objects.get().customer == customer


def test_a_guest_may_not_open_too_many_chats():
    for _ in range(3):
        start_guest_chat(email="busy@example.com")

    response = client_for().post(
        START, {"language": "en", "email": "busy@example.com"}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_chats"
    assert Conversation.objects.count() == 3


def test_staff_do_not_start_customer_chats(agent):
    response = client_for(agent).post(START, {"language": "en"}, format="json")

    assert response.status_code == 403
