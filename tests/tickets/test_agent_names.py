"""Customers see agents by display name only: never a staff email address, over the API, on
the ticket page, or in the reply email."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from support.models import OutboxEmail
from tests.conftest import PASSWORD
from tickets.services import ticket_assign, ticket_reply


@pytest.fixture
def answered(customer, agent, policy, receive, django_capture_on_commit_callbacks):
    """The customer's ticket, assigned to the agent, who answered it."""
    ticket = ticket_assign(ticket=receive(), agent=agent, by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body="Your withdrawal is on its way.")
    return ticket


def name(agent, first_name: str) -> None:
    get_user_model().objects.filter(pk=agent.pk).update(first_name=first_name)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_shows_customers_the_agents_first_name(customer, agent, answered):
    name(agent, "Emma")

    answer = api_as(customer).get(f"/api/v1/tickets/{answered.reference}/messages/")

    authors = [message["author"] for message in answer.json()]
    assert authors == [customer.email, "Emma"]
    assert agent.email not in answer.content.decode()


def test_an_agent_without_a_name_is_support_agent_in_the_customers_language(
    customer, agent, answered
):
    client = api_as(customer)

    english = client.get(f"/api/v1/tickets/{answered.reference}/messages/")
    korean = client.get(
        f"/api/v1/tickets/{answered.reference}/messages/", HTTP_ACCEPT_LANGUAGE="ko"
    )

    assert english.json()[1]["author"] == "Support agent"
    assert korean.json()[1]["author"] == "상담원"
    assert agent.email not in english.content.decode() + korean.content.decode()


def test_a_name_that_is_an_address_is_not_shown(customer, agent, answered):
    name(agent, agent.email)

    answer = api_as(customer).get(f"/api/v1/tickets/{answered.reference}/messages/")

    assert answer.json()[1]["author"] == "Support agent"


def test_the_ticket_itself_names_no_agent_to_the_customer(customer, agent, answered):
    answer = api_as(customer).get(f"/api/v1/tickets/{answered.reference}/")

    assert answer.status_code == 200
    assert "assignee" not in answer.json()
    assert agent.email not in answer.content.decode()


def test_staff_still_see_addresses(agent, teammate, answered):
    answer = api_as(teammate).get(f"/api/v1/tickets/{answered.reference}/messages/")

    assert answer.json()[1]["author"] == agent.email


def test_a_reply_posted_by_an_agent_over_the_api_shows_the_agent_their_address(agent, answered):
    answer = api_as(agent).post(
        f"/api/v1/tickets/{answered.reference}/messages/", {"body": "More news."}, format="json"
    )

    assert (answer.status_code, answer.json()["author"]) == (201, agent.email)


def test_the_customers_page_shows_the_name_not_the_address(client, customer, agent, answered):
    name(agent, "Emma")
    client.login(username=customer.username, password=PASSWORD)

    html = client.get(f"/en/tickets/{answered.reference}/").content.decode()

    assert "Emma" in html
    assert agent.email not in html


def test_the_reply_email_carries_no_staff_address(customer, agent, answered):
    email = OutboxEmail.objects.get(dedupe_key__startswith="reply:")

    assert email.to == customer.email
    assert agent.email not in email.subject + email.body_text + email.body_html
