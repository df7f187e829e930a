"""Opening tickets is limited: the API per customer, the contact form per customer and client."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from support.throttle import retry_message
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

API = "/api/v1/tickets/"
NGINX = "172.28.0.10"


def signed_in_api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a session: the profile's language applies to the API
    return client


def open_ticket(client: APIClient, number: int, **meta):
    body = {"subject": f"Deposit missing {number}", "text": "My ETH deposit has not arrived."}
    return client.post(API, body, format="json", **meta)


def test_ticket_api_answers_429_past_the_limit_in_the_customers_language(
    customer, policy, settings
):
    settings.THROTTLE_TICKET_CREATE = "3/hour"
    client = signed_in_api(customer)  # prefers Korean
    answers = [open_ticket(client, number).status_code for number in range(3)]

    refused = open_ticket(client, 4)

    assert answers == [201, 201, 201]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 3600
    with translation.override("ko"):
        expected = retry_message(wait)
    assert refused.json() == {"error": {"code": "throttled", "message": expected, "fields": {}}}
    assert refused["Content-Language"] == "ko"
    assert Ticket.objects.count() == 3


def test_ticket_api_counts_each_customer_apart_whatever_the_address(
    customer, other_customer, policy, settings
):
    settings.THROTTLE_TICKET_CREATE = "2/hour"
    mine, theirs = signed_in_api(customer), signed_in_api(other_customer)
    for number in range(2):
        open_ticket(mine, number, REMOTE_ADDR="203.0.113.9")

    assert open_ticket(mine, 3, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert open_ticket(theirs, 4, REMOTE_ADDR="203.0.113.9").status_code == 201


def test_reading_tickets_is_not_counted_as_opening_them(customer, policy, settings):
    settings.THROTTLE_TICKET_CREATE = "1/hour"
    client = signed_in_api(customer)
    assert [client.get(API).status_code for _ in range(3)] == [200, 200, 200]
    assert open_ticket(client, 1).status_code == 201


def test_staff_opening_tickets_for_callers_are_not_held_to_the_customer_limit(
    agent, customer, policy, settings
):
    settings.THROTTLE_TICKET_CREATE = "1/hour"
    client = signed_in_api(agent)
    body = {"subject": "Call", "text": "Caller asks about a deposit.", "channel": "phone"}
    answers = [
        client.post(API, {**body, "customer_email": customer.email}, format="json").status_code
        for _ in range(3)
    ]
    assert answers == [201, 201, 201]


CONTACT = {
    "category": "deposit_withdrawal",
    "subject": "Withdrawal stuck",
    "description": "My USDT withdrawal has been pending for six hours.",
}


def test_contact_form_answers_429_past_the_limit(client, customer, policy, settings):
    settings.THROTTLE_CONTACT_FORM = "2/hour"
    client.force_login(customer)
    answers = [client.post("/ko/contact/", CONTACT).status_code for _ in range(2)]

    refused = client.post("/ko/contact/", CONTACT)

    assert answers == [302, 302]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    with translation.override("ko"):
        expected = retry_message(wait)
    assert refused.context["form"].non_field_errors() == [expected]
    assert expected in refused.content.decode()
    assert refused["Content-Language"] == "ko"
    assert Ticket.objects.count() == 2


def test_contact_form_is_limited_per_client_across_accounts(
    client, customer, other_customer, policy, settings
):
    settings.TRUSTED_PROXIES = [NGINX]
    settings.THROTTLE_CONTACT_FORM_CLIENT = "2/hour"
    behind = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    neighbour = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "203.0.113.10"}
    client.force_login(customer)
    for _ in range(2):
        client.post("/en/contact/", CONTACT, **behind)
    client.force_login(other_customer)

    assert client.post("/en/contact/", CONTACT, **behind).status_code == 429
    assert client.post("/en/contact/", CONTACT, **neighbour).status_code == 302
    assert Ticket.objects.count() == 3


def test_an_invalid_contact_form_is_not_counted(client, customer, policy, settings):
    settings.THROTTLE_CONTACT_FORM = "1/hour"
    client.force_login(customer)
    for _ in range(3):
        assert client.post("/en/contact/", {**CONTACT, "subject": ""}).status_code == 400
    assert client.post("/en/contact/", CONTACT).status_code == 302
