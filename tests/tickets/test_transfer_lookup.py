"""Deposits and withdrawals on the ticket page: a pasted hash or address, or one the ticket's
text names, finds the customer's own transfer with a block-explorer link; agents with the
right request a release from there; the customer panel shows its transfers translated."""

import json

import pytest

from support.demo import exchange_account_data
from support.exchange import ExchangeUnavailable
from support.models import CustomerProfile, DemoExchangeAccount
from tests.conftest import PASSWORD
from tickets.models import Remediation

OWN = exchange_account_data("owner@example.com", "vip", "verified", seed=1)
THEIRS = exchange_account_data("outsider@example.com", "standard", "verified", seed=2)
HELD = OWN["transfers"][0]  # a held USDT withdrawal on TRC20
DEPOSIT = OWN["transfers"][1]  # an ETH deposit with an 0x hash


@pytest.fixture
def accounts(customer, other_customer):
    DemoExchangeAccount.objects.create(account_id="EX-1", data=json.loads(json.dumps(OWN)))
    DemoExchangeAccount.objects.create(account_id="EX-2", data=json.loads(json.dumps(THEIRS)))
    CustomerProfile.objects.filter(user=other_customer).update(exchange_account_id="EX-2")


def page(client, user, ticket, **query) -> str:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/console/tickets/{ticket.reference}/", query)
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> str:
    """The lookup's part of the page."""
    start = html.index('id="transactions"')
    return html[start : html.index("</section>", start)]


def test_a_pasted_hash_finds_the_deposit_with_its_explorer_link(
    client, agent, accounts, policy, receive
):
    ticket = receive(text="Where is my deposit?")
    found = results(page(client, agent, ticket, lookup=DEPOSIT["tx_hash"]))
    assert "D102" in found
    assert "Deposit" in found and "Confirming" in found
    assert f'href="https://etherscan.io/tx/{DEPOSIT["tx_hash"]}"' in found
    assert "W101" not in found


def test_a_hash_in_the_tickets_text_is_looked_up_without_pasting(
    client, agent, accounts, policy, receive
):
    ticket = receive(text=f"I withdrew 500 USDT to {HELD['address']} and it is stuck.")
    found = results(page(client, agent, ticket))
    assert HELD["address"] in found  # named in the ticket
    assert "W101" in found and "Held for review" in found
    assert f'href="https://tronscan.org/#/address/{HELD["address"]}"' in found


def test_a_hash_that_matches_nothing_says_so(client, agent, accounts, policy, receive):
    ticket = receive(text="Where is my deposit?")
    found = results(page(client, agent, ticket, lookup="0x" + "9" * 64))
    assert "No deposit or withdrawal of this customer matches." in found
    assert 'data-testid="transfer"' not in found


def test_another_customers_transaction_is_not_shown(client, agent, accounts, policy, receive):
    ticket = receive(text="Where is my deposit?")
    theirs = THEIRS["transfers"][1]["tx_hash"]
    found = results(page(client, agent, ticket, lookup=theirs))
    assert "D202" not in found
    assert "No deposit or withdrawal of this customer matches." in found


def test_text_that_is_no_hash_or_address_gets_a_message(client, agent, accounts, policy, receive):
    ticket = receive(text="Where is my deposit?")
    found = results(page(client, agent, ticket, lookup="<b>hello</b> there"))
    assert "Paste one transaction hash or address." in found
    assert "<b>hello</b>" not in found


def test_the_back_office_down_is_a_notice(client, agent, accounts, policy, receive, monkeypatch):
    from support.exchange.demo import DemoExchange

    def down(self, account_id, **values):
        raise ExchangeUnavailable("timeout")

    monkeypatch.setattr(DemoExchange, "find_transfers", down)
    ticket = receive(text="Where is my deposit?")
    found = results(page(client, agent, ticket, lookup=DEPOSIT["tx_hash"]))
    assert "not answering" in found


def test_explorer_links_and_hashes_from_the_back_office_are_escaped(
    client, agent, customer, policy, receive
):
    """E3: a hash or address with markup or a script URL from the back office is escaped and
    its explorer link stays an https link."""
    hostile = '"><script>alert(1)</script>'
    data = json.loads(json.dumps(OWN))
    data["transfers"][1]["tx_hash"] = hostile
    data["transfers"][1]["address"] = "javascript:alert(1)"
    DemoExchangeAccount.objects.create(account_id="EX-1", data=data)
    ticket = receive(text="Where is my deposit?")
    html = page(client, agent, ticket)
    assert "<script>alert(1)" not in html
    assert 'href="https://etherscan.io/tx/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in html
    assert 'href="javascript:' not in html


def test_a_supervisor_requests_the_release_of_a_held_withdrawal_from_the_lookup(
    client, supervisor, accounts, policy, receive, remediation_rules
):
    ticket = receive(text=f"My withdrawal to {HELD['address']} is stuck.")
    found = results(page(client, supervisor, ticket))
    assert 'name="withdrawal_id" value="W101"' in found
    client.post(
        f"/console/tickets/{ticket.reference}/remediations/",
        {
            "action": "release_withdrawal",
            "withdrawal_id": "W101",
            "asset": "USDT",
            "amount": "500",
            "reason": "Address checked with the customer",
        },
    )
    remediation = Remediation.objects.get(ticket=ticket)
    assert (remediation.action, remediation.withdrawal_id, remediation.state) == (
        "release_withdrawal",
        "W101",
        "awaiting",  # a release always needs a second approver
    )


def test_agents_without_the_right_see_no_release_form(client, agent, accounts, policy, receive):
    ticket = receive(text=f"My withdrawal to {HELD['address']} is stuck.")
    found = results(page(client, agent, ticket))
    assert "W101" in found
    assert 'name="withdrawal_id"' not in found


def test_the_customer_panel_speaks_the_agents_language(client, agent, accounts, policy, receive):
    ticket = receive(text="Where is my deposit?")
    client.cookies["support_language"] = "ko"
    html = page(client, agent, ticket)
    panel = html[html.index('class="panel customer-360"') :]
    assert "<h3>티켓</h3>" in panel  # the tickets panel's heading
    assert ">tickets<" not in panel
    for code in ("withdrawal", "deposit", "held", "confirming", "completed"):
        assert f">{code}<" not in panel and f"{code} " not in panel
