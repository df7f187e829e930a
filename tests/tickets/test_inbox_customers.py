"""Customer search and the customer page: found by reference, email, exchange account id or
name; the page shows that customer's tickets the agent may see, their chats, complaints and
channels, and never another customer's data or a restricted team's tickets to outsiders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from livechat.models import Conversation
from support.roles import Role
from tests.conftest import make_person
from tests.tickets.inbox_helpers import make_ticket, restricted_team, signed_in

SEARCH = "/console/customers/"


def found(client, query: str) -> str:
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response.content.decode().split('data-testid="customers"', 1)[-1]


@pytest.fixture
def named(customer):
    customer.first_name, customer.last_name = "Minjun", "Kim"
    customer.save()
    return customer


@pytest.mark.parametrize(
    "query", ["owner@example.com", "OWNER@example.com", "owner@exa", "EX-1", "minjun", "Kim Minjun"]
)
def test_search_finds_the_customer(client, agent, named, other_customer, query):
    html = found(signed_in(client, agent), query)
    assert f"/console/customers/{named.pk}/" in html
    assert other_customer.email not in html


def test_search_by_reference_finds_the_tickets_customer(client, agent, customer, other_customer):
    ticket = make_ticket(other_customer)
    html = found(signed_in(client, agent), ticket.reference.lower())
    assert f"/console/customers/{other_customer.pk}/" in html
    assert customer.email not in html


def test_a_restricted_tickets_reference_leads_an_outsider_nowhere(client, agent, customer):
    secret = make_ticket(customer, team=restricted_team())
    html = found(signed_in(client, agent), secret.reference)
    assert f"/console/customers/{customer.pk}/" not in html
    assert "No customer matches." in html


def test_staff_are_not_customers(client, agent, teammate):
    client = signed_in(client, agent)
    assert teammate.email not in found(client, teammate.email)
    assert client.get(f"{SEARCH}{teammate.pk}/").status_code == 404
    assert client.get(f"{SEARCH}{'9' * 25}/").status_code == 404


def test_the_customer_page_shows_their_tickets_chats_and_channels_only(
    client, agent, customer, other_customer, team
):
    own = make_ticket(customer, channel="email", subject="Deposit missing")
    closed = make_ticket(customer, status="closed", subject="Old question")
    theirs = make_ticket(other_customer, subject="Someone else's withdrawal")
    secret = make_ticket(customer, team=restricted_team(), subject="Account takeover")
    Conversation.objects.create(
        customer=customer, status="ended", category="kyc", ended_at=timezone.now()
    )
    Conversation.objects.create(customer=other_customer, status="ended", category="fees")

    html = signed_in(client, agent).get(f"{SEARCH}{customer.pk}/").content.decode()

    assert own.reference in html and closed.reference in html
    assert theirs.reference not in html and "Someone else" not in html
    assert secret.reference not in html and "Account takeover" not in html
    chats = html.split('data-testid="customer-chats"', 1)[1].split("</ul>", 1)[0]
    assert "Identity verification (KYC)" in chats and "Fees" not in chats
    channels = html.split('data-testid="channels"', 1)[1].split("</p>", 1)[0]
    assert "Email" in channels and "Live chat" in channels and "Web form" in channels
    assert "No complaints." in html


def test_a_restricted_teams_member_sees_its_tickets_on_the_customer_page(client, customer):
    security = restricted_team()
    member = make_person("sec@example.com", Role.AGENT)
    member.agent_profile.teams.add(security)
    secret = make_ticket(customer, team=security, subject="Account takeover")
    html = signed_in(client, member).get(f"{SEARCH}{customer.pk}/").content.decode()
    assert secret.reference in html


def test_the_customer_page_shows_the_exchange_account(client, agent, customer):
    from support.models import DemoExchangeAccount

    DemoExchangeAccount.objects.create(
        account_id="EX-1",
        data={
            "email": customer.email,
            "kyc_status": "verified",
            "tier": "vip",
            "frozen": True,
            "two_factor_enabled": True,
            "created_at": "2025-01-01T00:00:00+00:00",
            "balances": [{"asset": "USDT", "available": "120.5", "locked": "0"}],
            "transfers": [],
            "logins": [],
        },
    )
    html = signed_in(client, agent).get(f"{SEARCH}{customer.pk}/").content.decode()
    assert "120.5" in html and "Frozen" in html


def test_customer_names_are_shown_normalised_and_escaped(client, agent, customer):
    """E2, E3: a customer's name with a zero-width space or a right-to-left override is shown
    normalised, and markup in it is escaped, in the search results and on their page."""
    customer.first_name, customer.last_name = "Support\u200bTeam", '"><img src=x onerror=alert(1)>'
    customer.save()
    client = signed_in(client, agent)
    for html in (
        found(client, customer.email),
        client.get(f"{SEARCH}{customer.pk}/").content.decode(),
    ):
        assert "SupportTeam" in html and "\u200b" not in html
        assert "<img src=x" not in html and "&lt;img src=x" in html


def test_customer_pages_need_the_console(client, customer, other_customer):
    client = signed_in(client, customer)
    assert client.get(SEARCH, {"q": "outsider@example.com"}).status_code == 403
    assert client.get(f"{SEARCH}{other_customer.pk}/").status_code == 403


def test_the_customer_pages_queries_do_not_grow_with_tickets(
    client, agent, customer, django_assert_max_num_queries
):
    client = signed_in(client, agent)
    make_ticket(customer)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{SEARCH}{customer.pk}/")
    for _ in range(15):
        make_ticket(customer, channel="telegram")
    with django_assert_max_num_queries(len(few)):
        client.get(f"{SEARCH}{customer.pk}/")
