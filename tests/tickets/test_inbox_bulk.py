"""Bulk actions from the inbox: each ticket changed by its own service in its own transaction,
refusals listed with their reason, nothing changed for what the agent may not see."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from support.models import Team
from tests.tickets.inbox_helpers import make_ticket, restricted_team, signed_in
from tickets.models import Event, Ticket

BULK = "/console/tickets/bulk/"


def selected(*tickets) -> list[str]:
    return [f"{ticket.reference}:{ticket.version}" for ticket in tickets]


def post(client, action: str, tickets: list[str], **fields):
    data = {"tickets": tickets, "next": "/console/tickets/?view=open", **fields}
    return client.post(f"{BULK}{action}/", data)


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def two(customer, team):
    return make_ticket(customer, team=team), make_ticket(customer, team=team)


def test_assign_two_tickets_to_a_teammate(client, agent, teammate, two):
    response = post(signed_in(client, agent), "assign", selected(*two), assignee=teammate.pk)

    assert response.status_code == 302
    assert response["Location"] == "/console/tickets/?view=open"
    for ticket in two:
        ticket.refresh_from_db()
        assert (ticket.assignee, ticket.status, ticket.version) == (teammate, "open", 2)
        assert Event.objects.filter(ticket=ticket, field="assignee", actor=agent).count() == 1
    assert said(response) == [
        f"{two[0].reference}, {two[1].reference} assigned to {teammate.email}."
    ]


def test_assign_to_a_team_alone_puts_the_tickets_in_its_queue(client, agent, teammate, customer):
    payments = Team.objects.create(slug="payments", name="Payments")
    ticket = make_ticket(customer, assignee=teammate, status="open")
    post(signed_in(client, agent), "assign", selected(ticket), team=payments.pk)
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (payments, None)


def test_assign_refuses_an_agent_who_cannot_read_a_restricted_teams_ticket(
    client, agent, teammate, customer, team
):
    """A restricted team's ticket goes only to someone who may read it; the others still move."""
    security = restricted_team()
    agent.agent_profile.teams.add(security)
    secret = make_ticket(customer, team=security)
    plain = make_ticket(customer, team=team)

    response = post(
        signed_in(client, agent), "assign", selected(secret, plain), assignee=teammate.pk
    )

    secret.refresh_from_db()
    plain.refresh_from_db()
    assert (secret.assignee, secret.version) == (None, 1)
    assert plain.assignee == teammate
    assert said(response) == [
        f"{plain.reference} assigned to {teammate.email}.",
        f"{secret.reference} not changed: {teammate.email} is not in Security, whose tickets "
        "only its members may see.",
    ]


def test_a_ticket_the_agent_may_not_see_is_refused_like_a_missing_one(
    client, agent, customer, team
):
    secret = make_ticket(customer, team=restricted_team())
    response = post(signed_in(client, agent), "assign", selected(secret), assignee=agent.pk)
    secret.refresh_from_db()
    assert secret.assignee is None and secret.version == 1
    assert said(response) == [
        f"{secret.reference} not changed: No such ticket, or not one you may see."
    ]
    missing = post(client, "status", ["T-999999:1"], status="solved")
    assert said(missing)[-1] == "T-999999 not changed: No such ticket, or not one you may see."


def test_a_ticket_changed_since_the_page_was_shown_is_refused(client, agent, teammate, two):
    first, second = two
    shown = selected(first, second)
    Ticket.objects.filter(pk=first.pk).update(version=5, subject="Changed meanwhile")

    response = post(signed_in(client, agent), "assign", shown, assignee=teammate.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee is None and first.version == 5
    assert second.assignee == teammate
    assert said(response)[1] == (
        f"{first.reference} not changed: The ticket was changed by someone else (version 5, not 1)."
    )


def test_refusals_are_in_the_agents_language(client, agent, teammate, two):
    agent.agent_profile.preferred_language = "ko"
    agent.agent_profile.save()
    Ticket.objects.filter(pk=two[0].pk).update(version=3)
    response = post(signed_in(client, agent), "assign", selected(two[0]), assignee=teammate.pk)
    assert "다른 사용자가 이 티켓을 변경했습니다" in said(response)[0]


def test_tags_are_added_and_removed(client, agent, customer):
    first = make_ticket(customer, tags=["old", "vip"])
    second = make_ticket(customer)
    post(
        signed_in(client, agent),
        "tags",
        selected(first, second),
        add_tags="Urgent, eth",
        remove_tags="old",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.tags == ["eth", "urgent", "vip"]
    assert second.tags == ["eth", "urgent"]


def test_status_changes_and_says_why_a_move_is_impossible(client, agent, customer):
    open_one = make_ticket(customer, status="open")
    closed = make_ticket(customer, status="closed")
    response = post(
        signed_in(client, agent), "status", selected(open_one, closed), status="pending"
    )
    open_one.refresh_from_db()
    closed.refresh_from_db()
    assert (open_one.status, closed.status) == ("pending", "closed")
    assert said(response) == [
        f"{open_one.reference} is now Waiting on customer.",
        f"{closed.reference} not changed: It is Closed and cannot move to Waiting on customer.",
    ]


def test_merge_into_the_oldest_selected_ticket_of_the_same_customer(
    client, agent, customer, other_customer
):
    oldest = make_ticket(customer, status="open")
    duplicate = make_ticket(customer)
    strangers = make_ticket(other_customer)

    response = post(signed_in(client, agent), "merge", selected(duplicate, oldest, strangers))

    duplicate.refresh_from_db()
    strangers.refresh_from_db()
    assert (duplicate.merged_into, duplicate.status) == (oldest, "closed")
    assert strangers.merged_into is None and strangers.status == "new"
    assert said(response) == [
        f"Merged {duplicate.reference} into {oldest.reference}.",
        f"{strangers.reference} not changed: It belongs to another customer than "
        f"{oldest.reference}; only one customer's tickets can be merged.",
    ]


def test_merge_into_a_named_ticket_the_agent_may_not_see_is_a_400(client, agent, customer):
    secret = make_ticket(customer, team=restricted_team())
    ticket = make_ticket(customer)
    response = post(signed_in(client, agent), "merge", selected(ticket), into=secret.reference)
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_link_to_an_incident(client, agent, customer, other_customer):
    incident = make_ticket(customer, subject="ETH withdrawals delayed")
    first, second = make_ticket(customer), make_ticket(other_customer)
    response = post(
        signed_in(client, agent),
        "incident",
        selected(first, second, incident),
        incident=incident.reference.lower(),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.parent_incident == incident and second.parent_incident == incident
    assert said(response) == [
        f"Linked {first.reference}, {second.reference} to the incident {incident.reference}.",
        f"{incident.reference} not changed: A ticket cannot be its own incident.",
    ]


def test_bulk_actions_need_the_csrf_token(agent, two, teammate):
    """F14: a cross-site POST to assign without the CSRF token is a 403 and changes nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = post(client, "assign", selected(*two), assignee=teammate.pk)
    assert response.status_code == 403
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


@pytest.mark.parametrize("action", ["assign", "tags", "status", "merge", "incident"])
def test_customers_cannot_use_bulk_actions(client, customer, two, action):
    response = post(signed_in(client, customer), action, selected(*two), status="solved")
    assert response.status_code == 403
    assert set(Ticket.objects.values_list("version", flat=True)) == {1}


def test_bulk_actions_are_post_only(client, agent):
    assert signed_in(client, agent).get(f"{BULK}assign/").status_code == 405


@pytest.mark.parametrize(
    ("action", "tickets", "fields"),
    [
        ("assign", [], {"assignee": "1"}),
        ("assign", ["not-a-ticket"], {"assignee": "1"}),
        ("assign", ["T-1:1"] * 1, {}),
        ("assign", ["T-1:1"], {"assignee": "999999"}),
        ("assign", ["T-1:1"], {"assignee": "9" * 25}),
        ("assign", ["T-1:1"], {"team": "9" * 25}),
        ("tags", ["T-1:1"], {}),
        ("tags", ["T-1:1"], {"add_tags": "x" * 51}),
        ("status", ["T-1:1"], {"status": "gone"}),
        ("incident", ["T-1:1"], {"incident": ""}),
        ("status", [f"T-{n}:1" for n in range(101)], {"status": "open"}),
    ],
)
def test_a_request_that_cannot_be_read_is_a_400_with_a_message(
    client, agent, action, tickets, fields
):
    response = post(signed_in(client, agent), action, tickets, **fields)
    assert response.status_code == 400
    assert "<h1>" in response.content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/en/help/"]
)
def test_next_only_goes_back_to_the_inbox(client, agent, two, teammate, target):
    """F13: after a bulk action only an inbox address is followed; anything else goes to the
    inbox itself."""
    client = signed_in(client, agent)
    data = {"tickets": selected(*two), "assignee": teammate.pk, "next": target}
    assert client.post(f"{BULK}assign/", data)["Location"] == "/console/tickets/"
