"""Related tickets and incidents: many tickets linked to one incident, answered in one go."""

from rest_framework.test import APIClient

from support.models import OutboxEmail
from tickets.models import Event

BASE = "/api/v1/tickets/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_incident_reply_answers_every_open_linked_ticket(
    customer, other_customer, agent, policy, receive, django_capture_on_commit_callbacks
):
    incident = receive(subject="ETH withdrawals delayed", text="internal incident", external_id="i")
    mine = receive(external_id="a")
    theirs = receive(customer_email=other_customer.email, external_id="b")
    client = api(agent)
    for ticket in (mine, theirs):
        response = client.post(
            f"{BASE}{ticket.reference}/links/",
            {"kind": "incident", "reference": incident.reference},
            format="json",
        )
        assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}{incident.reference}/incident-replies/",
            {
                "body": "Hello {customer_name}: ETH withdrawals are flowing again ({reference}).",
                "set_status": "solved",
            },
            format="json",
        )
    assert response.status_code == 201
    assert set(response.json()["replied"]) == {incident.reference, mine.reference, theirs.reference}
    mine.refresh_from_db()
    assert mine.status == "solved"
    reply = mine.messages.get(kind="reply")
    assert reply.body == f"Hello owner: ETH withdrawals are flowing again ({mine.reference})."
    emailed = set(
        OutboxEmail.objects.filter(dedupe_key__startswith="reply:").values_list("to", flat=True)
    )
    assert {customer.email, other_customer.email} <= emailed


def test_related_link_is_symmetric_with_events(customer, agent, policy, receive):
    first = receive(external_id="a")
    second = receive(external_id="b")
    response = api(agent).post(
        f"{BASE}{first.reference}/links/",
        {"kind": "related", "reference": second.reference},
        format="json",
    )
    assert response.status_code == 200
    assert list(second.related.all()) == [first]
    assert Event.objects.filter(field="related").count() == 2


def test_linking_a_ticket_to_itself_is_409(customer, agent, policy, receive):
    ticket = receive()
    response = api(agent).post(
        f"{BASE}{ticket.reference}/links/",
        {"kind": "incident", "reference": ticket.reference},
        format="json",
    )
    assert response.status_code == 409


def test_customers_cannot_link_or_answer_incidents(customer, policy, receive):
    ticket = receive()
    client = api(customer)
    payload = {"kind": "related", "reference": ticket.reference}
    assert (
        client.post(f"{BASE}{ticket.reference}/links/", payload, format="json").status_code == 403
    )
    response = client.post(
        f"{BASE}{ticket.reference}/incident-replies/", {"body": "x"}, format="json"
    )
    assert response.status_code == 403
    assert ticket.messages.count() == 1
