"""Helpers for the inbox tests: tickets made with exactly the fields a test needs, the rows a
page lists, and signed-in clients."""

import re

from support.models import Team
from tests.conftest import PASSWORD
from tickets.models import Ticket

ROW = re.compile(r'<tr data-row data-key="(T-\d+)"')


def make_ticket(customer, **fields) -> Ticket:
    fields.setdefault("channel", "web")
    fields.setdefault("subject", "Withdrawal stuck")
    return Ticket.objects.create(customer=customer, **fields)


def rows(client, url: str, **params) -> set[str]:
    """The references listed in the inbox table of a page."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return set(ROW.findall(response.content.decode()))


def signed_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def restricted_team() -> Team:
    return Team.objects.create(slug="security", name="Security", restricted=True)
