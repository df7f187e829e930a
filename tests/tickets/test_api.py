"""The tickets API: the permission matrix per role, and the error codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tickets.models import Event, Message, Ticket
from tickets.services import ticket_reply

BASE = "/api/v1/tickets/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def ticket(customer, policy, receive):
    return receive()


@pytest.fixture
def noted(ticket, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("internal.txt", b"secret notes", content_type="text/plain")
    ticket_reply(
        ticket=ticket, author=agent, body="internal only", internal=True, attachments=[upload]
    )
    return ticket


def snapshot(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (ticket.version, ticket.status, Message.objects.count(), Event.objects.count())


# --- customers --------------------------------------------------------------------------------


def test_customer_creates_a_ticket(customer, policy):
    response = client_for(customer).post(
        BASE,
        {"subject": "KYC stuck", "text": "My KYC is pending for a week", "category": "kyc"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("T-")
    assert body["category"] == "kyc"
    assert "assignee" not in body  # staff-only fields are hidden from customers
    assert Ticket.objects.get(reference=body["reference"]).customer == customer


def test_idempotency_key_makes_a_retry_return_the_same_ticket(customer, policy):
    client = client_for(customer)
    payload = {"subject": "Hi", "text": "Deposit missing"}
    first = client.post(BASE, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1").json()
    second = client.post(BASE, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1").json()
    assert first["reference"] == second["reference"]
    assert Ticket.objects.count() == 1


def test_customer_lists_only_their_tickets_with_a_cursor_and_no_count(
    customer, other_customer, policy, receive
):
    mine = receive()
    receive(customer_email=other_customer.email)
    with CaptureQueriesContext(connection) as queries:
        response = client_for(customer).get(BASE)
    assert [t["reference"] for t in response.json()["results"]] == [mine.reference]
    assert "next" in response.json() and "count" not in response.json()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_customer_sees_public_messages_only(customer, noted):
    response = client_for(customer).get(f"{BASE}{noted.reference}/messages/")
    assert [m["kind"] for m in response.json()] == ["customer"]


def test_customer_cannot_download_an_internal_notes_attachment(customer, noted):
    attachment = noted.attachments.get()
    response = client_for(customer).get(f"{BASE}attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_customer_replies_through_intake(customer, ticket):
    response = client_for(customer).post(
        f"{BASE}{ticket.reference}/messages/", {"body": "Any news?"}, format="json"
    )
    assert response.status_code == 201
    assert ticket.messages.filter(kind="customer").count() == 2


def test_customer_marks_solved_but_may_not_close(customer, ticket):
    client = client_for(customer)
    url = f"{BASE}{ticket.reference}/transitions/"
    assert client.post(url, {"to": "closed"}, format="json").status_code == 403
    assert client.post(url, {"to": "solved"}, format="json").json()["status"] == "solved"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("assign/", {"assignee": None}),
        ("priority/", {"priority": "urgent"}),
    ],
)
def test_customer_may_not_use_staff_actions(customer, ticket, path, payload):
    before = snapshot(ticket)
    response = client_for(customer).post(f"{BASE}{ticket.reference}/{path}", payload, format="json")
    assert response.status_code == 403
    assert snapshot(ticket) == before


@pytest.mark.parametrize("path", ["macros/", "sla-policies/", "calendars/", "escalation-rules/"])
def test_policy_lists_are_for_staff(customer, agent, path):
    assert client_for(customer).get(BASE + path).status_code == 403
    assert client_for(agent).get(BASE + path).status_code == 200


# --- outsiders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "", None),
        ("get", "messages/", None),
        ("post", "messages/", {"body": "let me in"}),
        ("post", "transitions/", {"to": "solved"}),
    ],
)
def test_outsider_gets_404_and_nothing_changes(other_customer, noted, method, path, payload):
    before = snapshot(noted)
    client = client_for(other_customer)
    response = getattr(client, method)(f"{BASE}{noted.reference}/{path}", payload, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert snapshot(noted) == before


def test_outsider_cannot_download_attachments(other_customer, customer, ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from tests.tickets.conftest import inbound
    from tickets.intake import InboundAttachment, intake_message

    intake_message(
        inbound(
            subject=f"Re: {ticket.reference}",
            attachments=(InboundAttachment("a.png", "image/png", b"\x89PNG\r\n\x1a\n"),),
        )
    )
    attachment = ticket.attachments.get()
    assert client_for(other_customer).get(f"{BASE}attachments/{attachment.pk}/").status_code == 404
    assert client_for(customer).get(f"{BASE}attachments/{attachment.pk}/").status_code == 200


def test_outsider_list_is_empty(other_customer, ticket):
    assert client_for(other_customer).get(BASE).json()["results"] == []


@pytest.mark.parametrize("path", ["", "x/", "x/messages/"])
def test_anonymous_is_refused(db, path):
    assert client_for().get(BASE + path).status_code in (401, 403)


# --- staff ------------------------------------------------------------------------------------


def test_agent_sees_every_ticket_with_staff_fields(agent, ticket):
    body = client_for(agent).get(f"{BASE}{ticket.reference}/").json()
    assert body["reference"] == ticket.reference
    assert "first_response_due" in body


def test_agent_replies_and_the_customer_is_emailed(
    agent, ticket, django_capture_on_commit_callbacks
):
    from support.models import OutboxEmail

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(agent).post(
            f"{BASE}{ticket.reference}/messages/",
            {"body": "**Released** your withdrawal", "set_status": "pending"},
            format="json",
        )
    assert response.status_code == 201
    assert "<strong>Released</strong>" in response.json()["body_html"]
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.first_responded_at is not None
    email = OutboxEmail.objects.get(dedupe_key=f"reply:{response.json()['id']}")
    assert email.to == ticket.customer.email


def test_supervisor_assigns_to_an_agent(supervisor, agent, team, ticket):
    response = client_for(supervisor).post(
        f"{BASE}{ticket.reference}/assign/",
        {"assignee": agent.pk, "team": team.slug},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["assignee"] == agent.email
    assert response.json()["status"] == "open"


def test_staff_creates_a_ticket_for_a_customer(agent, customer, policy):
    response = client_for(agent).post(
        BASE,
        {
            "subject": "Phone call",
            "text": "Customer called about fees",
            "channel": "phone",
            "customer_email": customer.email,
            "priority": "high",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["channel"] == "phone"
    assert response.json()["priority"] == "high"


# --- errors -----------------------------------------------------------------------------------


def test_invalid_transition_is_409(agent, ticket):
    client = client_for(agent)
    url = f"{BASE}{ticket.reference}/transitions/"
    client.post(url, {"to": "solved"}, format="json")
    client.post(url, {"to": "closed"}, format="json")
    response = client.post(url, {"to": "open"}, format="json")
    assert response.status_code == 409
    assert "closed" in response.json()["error"]["message"]


def test_stale_version_is_409_and_changes_nothing(agent, teammate, ticket):
    url = f"{BASE}{ticket.reference}/priority/"
    version = ticket.version
    first = client_for(agent).post(url, {"priority": "high", "version": version}, format="json")
    assert first.status_code == 200
    second = client_for(teammate).post(url, {"priority": "low", "version": version}, format="json")
    assert second.status_code == 409
    ticket.refresh_from_db()
    assert ticket.priority == "high"


@pytest.mark.parametrize(
    ("field", "payload"),
    [
        ("category", {"subject": "x", "text": "y", "category": "lottery"}),
        ("priority", {"subject": "x", "text": "y", "priority": "asap", "customer_email": "a@b.c"}),
    ],
)
def test_unknown_choice_is_400_naming_the_field(agent, field, payload):
    response = client_for(agent).post(BASE, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert field in error["message"]


def test_attachment_too_large_is_413_with_the_limit(customer, policy, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.png", b"x" * 11, content_type="image/png")
    response = client_for(customer).post(
        BASE, {"subject": "s", "text": "t", "attachments": [upload]}, format="multipart"
    )
    assert response.status_code == 413
    assert "10" in response.json()["error"]["message"]
    assert Ticket.objects.count() == 0


def test_attachment_of_a_refused_type_is_415(customer, policy):
    upload = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
    response = client_for(customer).post(
        BASE, {"subject": "s", "text": "t", "attachments": [upload]}, format="multipart"
    )
    assert response.status_code == 415
    assert "image/png" in response.json()["error"]["message"]


def test_openapi_schema_documents_the_ticket_endpoints(admin_user):
    response = client_for(admin_user).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tickets/{reference}/transitions/" in response.content


def test_rating_is_for_the_customer_of_a_solved_ticket(customer, agent, other_customer, ticket):
    url = f"{BASE}{ticket.reference}/rating/"
    assert client_for(customer).post(url, {"score": 5}, format="json").status_code == 409
    client_for(customer).post(
        f"{BASE}{ticket.reference}/transitions/", {"to": "solved"}, format="json"
    )
    assert client_for(agent).post(url, {"score": 1}, format="json").status_code == 403
    assert client_for(other_customer).post(url, {"score": 1}, format="json").status_code == 404
    assert client_for(customer).post(url, {"score": 9}, format="json").status_code == 400
    response = client_for(customer).post(url, {"score": 5}, format="json")
    assert response.json()["satisfaction_score"] == 5


def test_staff_and_customer_views_of_one_ticket_stay_apart_request_after_request(
    ticket, customer, agent
):
    for _ in range(2):  # the output serializer's fields are copied per request, not shared
        mine = client_for(customer).get(f"{BASE}{ticket.reference}/").json()
        theirs = client_for(agent).get(f"{BASE}{ticket.reference}/").json()
        assert "needs_triage" not in mine and "assignee" not in mine
        assert "needs_triage" in theirs and theirs["reference"] == mine["reference"]
        assert mine["customer"] == theirs["customer"] == customer.email


def test_a_forged_cursor_position_is_a_bad_parameter_not_a_server_error(customer):
    """A cursor that decodes but names no id (p=abc) answers 400 invalid_cursor."""
    client = APIClient()
    client.force_authenticate(customer)
    response = client.get("/api/v1/tickets/", {"cursor": "cD1hYmMmbz0x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
