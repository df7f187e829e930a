"""Restricted teams (Security, VIP): their tickets are read and changed only by the team's
members, its supervisor and admins. Every other staff member gets 404 wherever they reach for
one, sees it in no queue, list or panel, and changes nothing."""

import pytest
from rest_framework.test import APIClient

from support.models import Team
from tests.conftest import PASSWORD, make_person
from tickets.errors import AssigneeCannotRead
from tickets.intake import InboundAttachment
from tickets.models import Event, Message, Remediation, Ticket
from tickets.remediation import remediation_request
from tickets.services import ticket_assign

pytestmark = pytest.mark.usefixtures("remediation_rules")


@pytest.fixture
def security(db) -> Team:
    boss = make_person("security.boss@example.com", "supervisor")
    return Team.objects.create(slug="security", name="Security", restricted=True, supervisor=boss)


@pytest.fixture
def member(security):
    user = make_person("member@example.com", "agent", languages=["en"], presence="online")
    user.agent_profile.teams.add(security)
    return user


@pytest.fixture
def secret(customer, security, policy, receive, settings, tmp_path) -> Ticket:
    """A Security ticket with an attachment."""
    settings.MEDIA_ROOT = tmp_path
    ticket = receive(
        subject="Account takeover",
        text="Someone logged in from abroad and withdrew everything.",
        attachments=(InboundAttachment("login.png", "image/png", b"\x89PNG\r\n\x1a\n"),),
        external_id="secret",
    )
    Ticket.objects.filter(pk=ticket.pk).update(team=security)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def ordinary(customer, team, policy, receive) -> Ticket:
    ticket = receive(subject="Deposit missing", text="My deposit is missing.", external_id="o")
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    ticket.refresh_from_db()
    return ticket


def snapshot() -> tuple:
    return (
        list(Ticket.objects.order_by("id").values_list("version", "status", "team", "assignee")),
        Message.objects.count(),
        Event.objects.count(),
        Remediation.objects.count(),
    )


def queue_rows(client, url: str) -> str:
    """The table body of a queue page (the page also repeats the search query)."""
    html = client.get(url).content.decode()
    return html.split('<table data-testid="queue">', 1)[1].split("</table>", 1)[0]


def signed_in(client, user):
    client.logout()
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture(params=["agent", "supervisor"])
def outsider(request):
    """An agent of another team, and a supervisor who does not supervise Security."""
    return request.getfixturevalue(request.param)


# --- Pages of the console -------------------------------------------------------------------


def test_the_team_its_supervisor_and_admins_open_the_page(
    client, secret, member, security, admin_user
):
    for person in (member, security.supervisor, admin_user):
        page = signed_in(client, person).get(f"/console/tickets/{secret.reference}/")
        assert page.status_code == 200, person
        assert "Account takeover" in page.content.decode()


ACTIONS = {
    "reply": {"body": "Looking into it."},
    "status": {"status": "pending"},
    "priority": {"priority": "urgent"},
    "assign": {"assignee": "", "team": ""},
    "take": {},
    "tags": {"tags": "seen"},
    "split": {"messages": ["1"]},
    "incident-reply": {"body": "Fixed."},
    "remediations": {"action": "freeze_account", "reason": "ATO"},
}


@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_gets_404_on_the_page_and_every_action(client, secret, outsider, action):
    signed_in(client, outsider)
    before = snapshot()

    assert client.get(f"/console/tickets/{secret.reference}/").status_code == 404
    answer = client.post(f"/console/tickets/{secret.reference}/{action}/", ACTIONS[action])

    assert answer.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("action", ["merge", "link"])
def test_an_outsider_cannot_merge_or_link_into_a_restricted_ticket(
    client, secret, ordinary, agent, action
):
    signed_in(client, agent)
    before = snapshot()

    answer = client.post(
        f"/console/tickets/{ordinary.reference}/{action}/",
        {"into": secret.reference, "kind": "related"},
    )

    assert answer.status_code == 404
    assert snapshot() == before


def test_an_outsider_gets_404_on_the_attachment(client, secret, outsider, customer):
    attachment = secret.attachments.get()

    assert signed_in(client, outsider).get(f"/attachments/{attachment.pk}/").status_code == 404
    assert signed_in(client, customer).get(f"/attachments/{attachment.pk}/").status_code == 200


@pytest.mark.parametrize("view", ["open", "breaching", "team", "mine"])
def test_queues_leave_restricted_tickets_out_for_outsiders(
    client, secret, agent, team, security, view
):
    assignee = agent if view == "mine" else None
    Ticket.objects.filter(pk=secret.pk).update(team=team, assignee=assignee)
    url = f"/console/tickets/?view={view}"
    assert secret.reference in queue_rows(signed_in(client, agent), url)  # Frontline's

    Ticket.objects.filter(pk=secret.pk).update(team=security)

    assert secret.reference not in queue_rows(client, url)


def test_members_see_their_restricted_tickets_in_the_queues(client, secret, member):
    signed_in(client, member)
    for view in ("open", "breaching", "team"):
        assert secret.reference in queue_rows(client, f"/console/tickets/?view={view}"), view


@pytest.mark.parametrize("how", ["reference", "email", "text"])
def test_search_leaves_restricted_tickets_out_for_outsiders(
    client, secret, customer, agent, member, how
):
    query = {"reference": secret.reference, "email": customer.email, "text": "abroad"}[how]
    url = f"/console/tickets/?view=search&q={query}"

    assert secret.reference not in queue_rows(signed_in(client, agent), url)
    assert secret.reference in queue_rows(signed_in(client, member), url)


def test_the_customer_360_lists_only_the_tickets_the_agent_may_see(
    client, secret, ordinary, agent, member
):
    page = f"/console/tickets/{ordinary.reference}/"

    outsider_html = signed_in(client, agent).get(page).content.decode()
    member_html = signed_in(client, member).get(page).content.decode()

    assert "Account takeover" not in outsider_html
    assert secret.reference not in outsider_html
    assert "Account takeover" in member_html


def test_an_incident_reply_skips_the_restricted_tickets_the_author_cannot_see(
    client, secret, ordinary, agent, receive
):
    incident = receive(subject="ETH withdrawals delayed", external_id="incident")
    Ticket.objects.filter(pk__in=[secret.pk, ordinary.pk]).update(parent_incident=incident)
    signed_in(client, agent)

    client.post(f"/console/tickets/{incident.reference}/incident-reply/", {"body": "Fixed."})

    assert ordinary.messages.filter(kind="reply").count() == 1
    assert secret.messages.filter(kind="reply").count() == 0


def test_the_customer_still_sees_their_own_restricted_ticket(client, secret, customer):
    page = signed_in(client, customer).get(f"/en/tickets/{secret.reference}/")

    assert page.status_code == 200
    assert "Account takeover" in page.content.decode()


# --- Moving tickets in and out of a restricted team --------------------------------------------


def test_a_restricted_ticket_goes_only_to_someone_who_may_read_it(secret, agent, member):
    before = snapshot()

    with pytest.raises(AssigneeCannotRead):
        ticket_assign(ticket=secret, agent=agent, by=member)

    assert snapshot() == before
    ticket_assign(ticket=secret, agent=member, by=member)
    secret.refresh_from_db()
    assert secret.assignee == member


def test_moving_an_assigned_ticket_to_a_restricted_team_keeps_it_readable(
    ordinary, agent, security
):
    ticket_assign(ticket=ordinary, agent=agent, by=agent)

    with pytest.raises(AssigneeCannotRead):
        ticket_assign(ticket=ordinary, agent=agent, team=security, by=agent)

    ordinary.refresh_from_db()
    assert (ordinary.team.slug, ordinary.assignee) == ("frontline", agent)


def test_handing_a_ticket_to_a_restricted_team_leads_back_to_the_queues(
    client, ordinary, agent, security
):
    signed_in(client, agent)

    answer = client.post(
        f"/console/tickets/{ordinary.reference}/assign/", {"assignee": "", "team": security.pk}
    )

    assert answer.status_code == 302
    assert answer["Location"] == "/console/tickets/"
    ordinary.refresh_from_db()
    assert ordinary.team == security
    assert client.get(f"/console/tickets/{ordinary.reference}/").status_code == 404


# --- Remediation decisions ------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_an_outsider_cannot_decide_on_a_restricted_tickets_remediation(
    client, secret, security, supervisor, decision
):
    remediation = remediation_request(
        ticket=secret, action="reset_two_factor", reason="lost phone", by=security.supervisor
    )
    signed_in(client, supervisor)  # may approve remediations, but not Security's

    answer = client.post(
        f"/console/tickets/remediations/{remediation.pk}/{decision}/", {"reason": "no"}
    )

    assert answer.status_code == 404
    remediation.refresh_from_db()
    assert (remediation.state, remediation.approved_by, remediation.rejected_by) == (
        "awaiting",
        None,
        None,
    )


# --- The API --------------------------------------------------------------------------------------

API = {
    "retrieve": ("get", "{t}/", None),
    "messages": ("get", "{t}/messages/", None),
    "reply": ("post", "{t}/messages/", {"body": "hello"}),
    "transition": ("post", "{t}/transitions/", {"to": "pending"}),
    "priority": ("post", "{t}/priority/", {"priority": "high"}),
    "assign": ("post", "{t}/assign/", {"assignee": None}),
    "link": ("post", "{t}/links/", {"kind": "related", "reference": "{o}"}),
    "link target": ("post", "{o}/links/", {"kind": "related", "reference": "{s}"}),
    "incident": ("post", "{t}/incident-replies/", {"body": "x"}),
    "attachment": ("get", "/api/v1/tickets/attachments/{a}/", None),
}


@pytest.mark.parametrize("endpoint", API)
def test_the_api_answers_404_to_outsiders(secret, ordinary, outsider, endpoint):
    method, path, payload = API[endpoint]
    values = {
        "t": f"/api/v1/tickets/{secret.reference}",
        "o": f"/api/v1/tickets/{ordinary.reference}",
        "s": secret.reference,
        "a": secret.attachments.get().pk,
    }
    if payload and "reference" in payload:
        payload = {**payload, "reference": payload["reference"].format(**values)}
    client = APIClient()
    client.force_authenticate(outsider)
    before = snapshot()

    answer = getattr(client, method)(path.format(**values), payload, format="json")

    assert answer.status_code == 404, answer.content
    assert snapshot() == before


def test_the_api_list_leaves_restricted_tickets_out_for_outsiders(secret, ordinary, agent, member):
    client = APIClient()
    client.force_authenticate(agent)
    outsider_sees = [row["reference"] for row in client.get("/api/v1/tickets/").json()["results"]]
    client.force_authenticate(member)
    member_sees = [row["reference"] for row in client.get("/api/v1/tickets/").json()["results"]]

    assert outsider_sees == [ordinary.reference]
    assert sorted(member_sees) == sorted([secret.reference, ordinary.reference])


def test_the_api_refuses_a_restricted_ticket_to_an_assignee_who_may_not_read_it(
    secret, agent, member
):
    client = APIClient()
    client.force_authenticate(member)
    before = snapshot()

    answer = client.post(
        f"/api/v1/tickets/{secret.reference}/assign/", {"assignee": agent.pk}, format="json"
    )

    assert answer.status_code == 400
    assert "assignee" in answer.json()["error"]["fields"]
    assert snapshot() == before
