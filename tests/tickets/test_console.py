"""The agent console: queues with constant query counts, the ticket page, actions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.exchange import ExchangeUnavailable
from support.models import DemoExchangeAccount
from tests.conftest import PASSWORD
from tickets.models import Macro, Ticket


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


@pytest.fixture
def account(db):
    return DemoExchangeAccount.objects.create(
        account_id="EX-1",
        data={
            "email": "owner@example.com",
            "kyc_status": "verified",
            "tier": "vip",
            "frozen": False,
            "two_factor_enabled": True,
            "created_at": "2025-01-01T00:00:00+00:00",
            "balances": [{"asset": "USDT", "available": "120.5", "locked": "0"}],
            "transfers": [
                {
                    "id": "W-9",
                    "kind": "withdrawal",
                    "asset": "USDT",
                    "network": "TRC20",
                    "amount": "500",
                    "address": "TXYZ",
                    "tx_hash": "ab" * 32,
                    "status": "held",
                    "created_at": "2026-11-24T00:00:00+00:00",
                }
            ],
            "logins": [],
        },
    )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["mine", "team", "breaching", "open"])
def test_queue_query_count_does_not_grow_with_rows(
    agent_client, agent, team, policy, receive, view
):
    def add(n: int) -> None:
        for i in range(n):
            ticket = receive(external_id=f"{view}-{Ticket.objects.count()}-{i}")
            Ticket.objects.filter(pk=ticket.pk).update(
                team=team, assignee=agent if view == "mine" else None
            )

    add(2)
    few = queries_for(agent_client, f"/console/tickets/?view={view}")
    add(8)
    assert queries_for(agent_client, f"/console/tickets/?view={view}") == few


def test_queue_mine_lists_assigned_tickets(agent_client, agent, policy, receive):
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    html = agent_client.get("/console/tickets/?view=mine").content.decode()
    assert ticket.reference in html


@pytest.mark.parametrize("how", ["reference", "email", "text"])
def test_search(agent_client, customer, policy, receive, how):
    ticket = receive(text="my withdrawal of 500 USDT is stuck")
    query = {"reference": ticket.reference, "email": customer.email, "text": "500 USDT"}[how]
    html = agent_client.get("/console/tickets/", {"view": "search", "q": query}).content.decode()
    assert ticket.reference in html


def test_keyset_pagination(agent_client, policy, receive, monkeypatch):
    from tickets.inbox import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    tickets = [receive(external_id=str(i)) for i in range(3)]
    first = agent_client.get("/console/tickets/?view=open").content.decode()
    assert tickets[2].reference in first and tickets[0].reference not in first
    older = agent_client.get(f"/console/tickets/?view=open&before={tickets[1].pk}")
    assert tickets[0].reference in older.content.decode()


def test_ticket_page_shows_timeline_sla_and_customer_360(
    agent_client, customer, account, policy, receive
):
    ticket = receive()
    html = agent_client.get(f"/console/tickets/{ticket.reference}/").content.decode()
    assert "Withdrawal stuck" in html
    assert "W-9" in html and "held" in html
    assert "120.5" in html
    assert "left" in html  # an SLA countdown


def test_exchange_down_is_a_notice_not_a_500(agent_client, customer, policy, receive, monkeypatch):
    from support.exchange.demo import DemoExchange

    def down(self, account_id):
        raise ExchangeUnavailable("timeout")

    monkeypatch.setattr(DemoExchange, "account_summary", down)
    ticket = receive()
    response = agent_client.get(f"/console/tickets/{ticket.reference}/")
    assert response.status_code == 200
    assert "not answering" in response.content.decode()


def test_an_exchange_record_in_an_unknown_shape_is_a_notice_not_a_500(
    agent_client, customer, policy, receive
):
    # The back office left out the account's opening date and wrote a balance as a word.
    DemoExchangeAccount.objects.create(
        account_id="EX-1",
        data={"email": "owner@example.com", "balances": [{"asset": "USDT", "available": "lots"}]},
    )
    ticket = receive()

    response = agent_client.get(f"/console/tickets/{ticket.reference}/")

    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    assert "Withdrawal stuck" in response.content.decode()


def test_customers_cannot_open_the_console(client, customer, policy, receive):
    ticket = receive()
    client.login(username=customer.username, password=PASSWORD)
    assert client.get("/console/tickets/").status_code == 403
    assert client.get(f"/console/tickets/{ticket.reference}/").status_code == 403
    response = client.post(f"/console/tickets/{ticket.reference}/take/")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_take_reply_with_macro_and_status(agent_client, agent, customer, policy, receive):
    ticket = receive()
    macro = Macro.objects.create(
        key="released",
        language="ko",
        name="Released",
        body="{customer_name}님, {reference} 출금이 처리되었습니다.",
        set_status="solved",
        add_tags=["released"],
    )
    Ticket.objects.filter(pk=ticket.pk).update(language="ko")
    agent_client.post(f"/console/tickets/{ticket.reference}/take/")
    agent_client.post(
        f"/console/tickets/{ticket.reference}/reply/", {"macro": macro.pk, "body": ""}
    )
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.status == "solved"
    assert ticket.tags == ["released"]
    reply = ticket.messages.get(kind="reply")
    assert reply.body == f"owner님, {ticket.reference} 출금이 처리되었습니다."


def test_stale_form_shows_a_conflict_and_changes_nothing(agent_client, policy, receive):
    ticket = receive()
    stale = ticket.version
    agent_client.post(f"/console/tickets/{ticket.reference}/priority/", {"priority": "high"})
    response = agent_client.post(
        f"/console/tickets/{ticket.reference}/priority/",
        {"priority": "low", "version": stale},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "high"


def test_console_actions_record_events(agent_client, team, policy, receive):
    ticket = receive()
    url = f"/console/tickets/{ticket.reference}/"
    agent_client.post(url + "tags/", {"tags": "vip, aml"})
    agent_client.post(url + "assign/", {"team": team.pk})
    agent_client.post(url + "status/", {"status": "on_hold"})
    fields = list(ticket.events.values_list("field", flat=True))
    assert {"tags", "team", "status"} <= set(fields)


def test_merge_from_the_console(agent_client, customer, policy, receive):
    first = receive(external_id="m1")
    second = receive(external_id="m2", subject="Another")
    agent_client.post(f"/console/tickets/{first.reference}/merge/", {"into": second.reference})
    first.refresh_from_db()
    assert first.merged_into == second
    assert first.status == "closed"


def test_merge_into_a_missing_ticket_is_404_and_changes_nothing(agent_client, policy, receive):
    ticket = receive()
    response = agent_client.post(f"/console/tickets/{ticket.reference}/merge/", {"into": "T-9"})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_incident_answered_from_the_console(agent_client, customer, policy, receive):
    incident = receive(external_id="inc", subject="ETH withdrawals delayed")
    child = receive(external_id="c1")
    agent_client.post(
        f"/console/tickets/{child.reference}/link/",
        {"kind": "incident", "into": incident.reference},
    )
    html = agent_client.get(f"/console/tickets/{incident.reference}/").content.decode()
    assert child.reference in html
    agent_client.post(
        f"/console/tickets/{incident.reference}/incident-reply/",
        {"body": "Fixed, {customer_name}.", "status": "solved"},
    )
    child.refresh_from_db()
    assert child.status == "solved"
    assert child.messages.get(kind="reply").body == "Fixed, owner."


def test_ticket_page_query_count_does_not_grow_with_messages(agent_client, agent, policy, receive):
    from tickets.services import ticket_reply

    ticket = receive()
    url = f"/console/tickets/{ticket.reference}/"
    few = queries_for(agent_client, url)
    for i in range(5):
        ticket_reply(ticket=ticket, author=agent, body=f"reply {i}", internal=i % 2 == 0)
    assert queries_for(agent_client, url) == few


def test_split_moves_selected_messages_into_a_new_ticket(agent_client, customer, policy, receive):
    ticket = receive()
    receive(subject=f"Re: {ticket.reference}", text="Also, my KYC is stuck")
    second = ticket.messages.order_by("id").last()
    agent_client.post(f"/console/tickets/{ticket.reference}/split/", {"messages": [second.pk]})
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert list(new.messages.all()) == [second]
    assert ticket.messages.count() == 1
    assert new.customer == customer
    assert list(new.related.all()) == [ticket]
    assert new.first_response_due is not None


def test_splitting_every_message_is_refused(agent_client, customer, policy, receive):
    ticket = receive()
    only = ticket.messages.get()
    response = agent_client.post(
        f"/console/tickets/{ticket.reference}/split/", {"messages": [only.pk]}, follow=True
    )
    assert "cannot move" in response.content.decode()
    assert Ticket.objects.count() == 1


def test_tickets_of_different_customers_are_never_merged(
    agent_client, customer, other_customer, policy, receive
):
    mine = receive(external_id="m1")
    theirs = receive(external_id="m2", customer_email=other_customer.email)
    agent_client.post(f"/console/tickets/{mine.reference}/merge/", {"into": theirs.reference})
    mine.refresh_from_db()
    assert mine.merged_into is None
    assert theirs.messages.count() == 1
