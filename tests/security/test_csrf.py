"""A page on another site cannot act for a signed-in agent or customer: every state-changing
POST without our CSRF token is 403 and changes nothing (ATTACKS F14)."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tickets.models import Event, Message, Remediation, Ticket
from tickets.remediation import remediation_request

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    """A browser that checks CSRF as production does (the test client skips it by default)."""
    client = Client(enforce_csrf_checks=True)
    client.login(username=user.username, password=PASSWORD)
    return client


def snapshot(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.version,
        ticket.status,
        ticket.assignee_id,
        ticket.priority,
        Message.objects.count(),
        Event.objects.count(),
        Remediation.objects.count(),
    )


def console_actions(ticket: Ticket, agent) -> list[tuple[str, dict]]:
    base = f"/console/tickets/{ticket.reference}"
    return [
        (f"{base}/assign/", {"assignee": agent.pk}),
        (f"{base}/take/", {}),
        (f"{base}/status/", {"status": "solved"}),
        (f"{base}/priority/", {"priority": "urgent"}),
        (f"{base}/reply/", {"body": "Your withdrawal was released."}),
        (f"{base}/tags/", {"tags": "vip"}),
        (f"{base}/remediations/", {"action": "unfreeze_account", "reason": "verified"}),
    ]


def test_console_actions_without_the_csrf_token_are_403_and_change_nothing(
    supervisor, agent, customer, policy, receive
):
    """F14: assign, take, close, priority, reply, tags and a remediation request posted from
    another site with the agent's cookies are refused with 403; the ticket is unchanged."""
    ticket = receive()
    client = signed_in(supervisor)
    before = snapshot(ticket)

    for url, data in console_actions(ticket, agent):
        assert client.post(url, data).status_code == 403, url

    assert snapshot(ticket) == before


def test_approving_a_remediation_cross_site_is_403(supervisor, customer, policy, receive):
    """F14: the approval of a pending remediation (an account unfreeze) cannot be forged."""
    ticket = receive()
    remediation = remediation_request(
        ticket=ticket, action="unfreeze_account", reason="identity verified", by=supervisor
    )
    before = (remediation.state, remediation.approved_by_id)
    url = f"/console/tickets/remediations/{remediation.pk}/approve/"

    response = signed_in(supervisor).post(url)

    assert response.status_code == 403
    remediation.refresh_from_db()
    assert (remediation.state, remediation.approved_by_id) == before


def test_the_api_with_a_session_cookie_needs_the_csrf_token(agent, customer, policy, receive):
    """F14: the API accepts a browser session only with the CSRF token (token clients are not
    exposed: a cross-site page cannot attach an Authorization header)."""
    ticket = receive()
    client = signed_in(agent)
    before = snapshot(ticket)

    for url, data in (
        (f"/api/v1/tickets/{ticket.reference}/assign/", {"assignee": agent.pk}),
        (f"/api/v1/tickets/{ticket.reference}/transitions/", {"to": "solved"}),
        (f"/api/v1/tickets/{ticket.reference}/messages/", {"body": "hello"}),
    ):
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 403, url

    assert snapshot(ticket) == before


def test_customer_pages_without_the_csrf_token_are_403(customer, policy, receive):
    """F14: a customer's reply, "solved" and new ticket cannot be posted from another site."""
    ticket = receive()
    client = signed_in(customer)
    before = (snapshot(ticket), Ticket.objects.count())

    for url, data in (
        (f"/en/tickets/{ticket.reference}/reply/", {"body": "forged"}),
        (f"/en/tickets/{ticket.reference}/solve/", {}),
        ("/en/contact/", {"category": "general", "subject": "x", "description": "forged"}),
    ):
        assert client.post(url, data).status_code == 403, url

    assert (snapshot(ticket), Ticket.objects.count()) == before


def test_with_the_token_from_our_own_page_the_same_action_works(agent, customer, policy, receive):
    """F14: the refusals above are CSRF, not a broken form: with the token the take succeeds."""
    ticket = receive()
    client = signed_in(agent)
    client.get(f"/console/tickets/{ticket.reference}/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        f"/console/tickets/{ticket.reference}/take/", {"csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee_id == agent.pk
