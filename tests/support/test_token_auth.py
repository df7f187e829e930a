"""API clients sign in with a token; a bad or disabled token is refused with a message."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_customer_with_a_token_opens_a_ticket_in_their_tier(customer):
    customer.customer_profile.tier = "vip"
    customer.customer_profile.save()
    body = {"subject": "출금 지연", "text": "USDT 출금이 대기 중입니다."}
    response = token_client(customer).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    assert (ticket.customer, ticket.tier, ticket.channel) == (customer, "vip", "web")


def test_an_unknown_token_is_refused_with_a_message(customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/v1/support/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid token."


def test_a_disabled_account_cannot_use_its_token(customer):
    client = token_client(customer)
    customer.is_active = False
    customer.save()
    response = client.get("/api/v1/support/me/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "ユーザが無効か削除されています。"
