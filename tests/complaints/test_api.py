"""The complaints API: what each role may do, and the answer to each refusal."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import services
from complaints.models import (
    Appeal,
    Complaint,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    Target,
)
from support.roles import Role
from tickets.intake import InboundMessage, intake_message
from tickets.models import Remediation, SlaPolicy, Ticket

BASE = "/api/v1/complaints/"
FILING = {
    "category": "transfer_delay",
    "description": "My withdrawal W-9 has been held for five days.",
    "desired_outcome": "Release it.",
}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(complaint: Complaint, action: str = "") -> str:
    return f"{BASE}{complaint.reference}/{action + '/' if action else ''}"


def post(user, complaint: Complaint, action: str, body: dict | None = None):
    return client_for(user).post(url(complaint, action), body or {}, format="json")


def snapshot(complaint: Complaint) -> tuple:
    complaint.refresh_from_db()
    return (
        complaint.version,
        complaint.stage,
        complaint.officer_id,
        ComplaintMessage.objects.filter(complaint=complaint).count(),
        ComplaintEvent.objects.filter(complaint=complaint).count(),
        Appeal.objects.filter(complaint=complaint).count(),
    )


def decided(complaint: Complaint, officer, outcome: str = "rejected") -> Complaint:
    services.complaint_acknowledge(complaint=complaint, by=officer)
    return services.complaint_decide(
        complaint=complaint, by=officer, outcome=outcome, reason="The hold followed our policy."
    )


def open_ticket(customer) -> Ticket:
    SlaPolicy.objects.get_or_create(
        name="Default",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    message = InboundMessage(
        channel="web", customer_email=customer.email, subject="Held", text="Pending for days."
    )
    return intake_message(message, customer=customer)


@pytest.fixture
def complaint(file_complaint):
    return file_complaint()


# --- Customers filing -------------------------------------------------------------------------


def test_customer_files_a_complaint_naming_their_ticket_and_transaction(customer, account):
    ticket = open_ticket(customer)
    body = {**FILING, "tickets": [ticket.reference], "transactions": ["W-9"]}
    response = client_for(customer).post(BASE, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("C-")
    assert data["stage"] == "submitted"
    assert data["tickets"] == [ticket.reference]
    assert data["transactions"] == ["W-9"]
    assert [row["target"] for row in data["deadlines"]] == ["acknowledge", "decide"]
    assert "officer" not in data and "version" not in data
    assert Complaint.objects.get(reference=data["reference"]).customer == customer


def test_a_transaction_that_is_not_the_customers_is_refused(customer, account):
    response = client_for(customer).post(BASE, {**FILING, "transactions": ["W-404"]}, format="json")
    assert response.status_code == 400
    assert "W-404" in response.json()["error"]["message"]
    assert not Complaint.objects.exists()


def test_linking_another_customers_ticket_is_refused(customer, other_customer):
    theirs = open_ticket(other_customer)
    body = {**FILING, "tickets": [theirs.reference]}
    response = client_for(customer).post(BASE, body, format="json")
    assert response.status_code == 400
    assert theirs.reference in response.json()["error"]["message"]
    assert not Complaint.objects.exists()


def test_exchange_down_is_a_503_only_when_transactions_are_named(customer, settings):
    settings.EXCHANGE_API_URL = "http://127.0.0.1:9/"  # nothing listens: the exchange is down
    client = client_for(customer)
    refused = client.post(BASE, {**FILING, "transactions": ["W-9"]}, format="json")
    assert refused.status_code == 503
    assert "exchange" in refused.json()["error"]["message"]
    assert not Complaint.objects.exists()
    assert client.post(BASE, FILING, format="json").status_code == 201


def test_customer_text_is_bounded_and_the_category_checked(customer):
    client = client_for(customer)
    too_long = client.post(BASE, {**FILING, "description": "x" * 10_001}, format="json")
    assert too_long.status_code == 400
    assert "description" in too_long.json()["error"]["fields"]
    unknown = client.post(BASE, {**FILING, "category": "nonsense"}, format="json")
    assert unknown.status_code == 400
    assert not Complaint.objects.exists()


def test_the_api_takes_json_only_and_no_other_methods(customer, complaint):
    client = client_for(customer)
    form = client.post(BASE, FILING)  # multipart
    assert form.status_code == 415
    assert client.put(url(complaint), FILING, format="json").status_code == 405
    assert client.delete(url(complaint)).status_code == 405


def test_a_body_over_the_limit_is_refused_before_it_is_read(customer):
    body = json.dumps({**FILING, "description": "x" * 3_000_000})
    response = client_for(customer).post(BASE, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Complaint.objects.exists()


def test_staff_do_not_file_complaints_through_the_api(officer):
    response = client_for(officer).post(BASE, FILING, format="json")
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_visitors_must_sign_in(complaint):
    assert APIClient().get(BASE).status_code == 401
    assert APIClient().get(url(complaint)).status_code == 401


# --- Customers reading and acting -------------------------------------------------------------


def test_customer_lists_only_their_own_complaints_without_counts(
    customer, other_customer, file_complaint
):
    mine = file_complaint()
    file_complaint(customer=other_customer)
    with CaptureQueriesContext(connection) as queries:
        response = client_for(customer).get(BASE)
    body = response.json()
    assert [row["reference"] for row in body["results"]] == [mine.reference]
    assert body["next"] is None and "count" not in body
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_customer_sees_no_notes_no_internal_steps_and_no_staff_names(customer, officer, complaint):
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_note(complaint=complaint, by=officer, text="Looks like a legal hold.")
    services.complaint_request_information(
        complaint=complaint, by=officer, text="Send the bank statement."
    )
    response = client_for(customer).get(url(complaint))
    data = response.json()
    text = response.content.decode()
    assert "Looks like a legal hold." not in text
    assert officer.email not in text
    assert [m["author_role"] for m in data["messages"]] == ["complaints_team"]
    assert data["messages"][0]["body"] == "Send the bank statement."
    assert all("actor" not in event for event in data["timeline"])
    assert [e["to_stage"] for e in data["timeline"]] == ["submitted", "acknowledged", "waiting"]
    assert data["stage"] == "waiting" and data["paused"] is True
    decide = next(row for row in data["deadlines"] if row["target"] == "decide")
    assert decide["state"] == "paused"


def test_customer_reply_resumes_the_decision_clock(customer, officer, complaint):
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_request_information(complaint=complaint, by=officer, text="Statement?")
    response = post(customer, complaint, "messages", {"text": "Attached to my email."})
    assert response.status_code == 201
    assert response.json()["author_role"] == "customer"
    assert "author" not in response.json()
    data = client_for(customer).get(url(complaint)).json()
    assert data["stage"] == "investigating" and data["paused"] is False


def test_another_customers_complaint_is_not_found_and_nothing_changes(
    other_customer, officer, complaint
):
    decided(complaint, officer)
    before = snapshot(complaint)
    client = client_for(other_customer)
    assert client.get(url(complaint)).status_code == 404
    for action, body in [
        ("messages", {"text": "hello"}),
        ("appeal", {"grounds": "unfair"}),
        ("accept", {}),
        ("withdraw", {}),
    ]:
        response = post(other_customer, complaint, action, body)
        assert response.status_code == 404, action
        assert response.json()["error"]["code"] == "not_found"
    assert snapshot(complaint) == before


def test_customer_withdraws_an_undecided_complaint(customer, complaint):
    response = post(customer, complaint, "withdraw", {"reason": "Solved by my bank."})
    assert response.status_code == 200
    assert response.json()["stage"] == "closed"
    assert post(customer, complaint, "withdraw").status_code == 409


def test_customer_accepts_the_decision(customer, officer, complaint):
    decided(complaint, officer)
    response = post(customer, complaint, "accept")
    assert response.status_code == 200
    assert response.json()["stage"] == "closed"


def test_customer_appeals_and_sees_the_decision_and_appeal(customer, officer, complaint):
    decided(complaint, officer)
    response = post(customer, complaint, "appeal", {"grounds": "There was no court order."})
    assert response.status_code == 201
    data = response.json()
    assert data["stage"] == "appealed"
    assert data["outcome"] == "rejected"
    assert data["decision_reason"] == "The hold followed our policy."
    assert data["appeal"]["grounds"] == "There was no court order."
    assert "reviewer" not in data["appeal"]
    assert any(row["target"] == "appeal_decide" for row in data["deadlines"])


def test_an_appeal_after_the_window_is_a_conflict_naming_the_deadline(customer, officer, complaint):
    complaint = decided(complaint, officer)
    ended = timezone.now() - timedelta(minutes=1)
    Complaint.objects.filter(pk=complaint.pk).update(appeal_deadline=ended)
    before = snapshot(complaint)
    response = post(customer, complaint, "appeal", {"grounds": "Late but unfair."})
    assert response.status_code == 409
    assert services.local_date(ended, complaint.language) in response.json()["error"]["message"]
    assert snapshot(complaint) == before


def test_a_second_appeal_is_a_conflict(customer, officer, reviewer, complaint):
    decided(complaint, officer)
    assert post(customer, complaint, "appeal", {"grounds": "Unfair."}).status_code == 201
    response = post(customer, complaint, "appeal", {"grounds": "Again."})
    assert response.status_code == 409
    assert "already has an appeal" in response.json()["error"]["message"]
    assert Appeal.objects.filter(complaint=complaint).count() == 1


# --- Staff: who may act -----------------------------------------------------------------------


def test_agents_are_refused_every_staff_endpoint_and_see_no_complaint(agent, complaint):
    client = client_for(agent)
    for path in (f"{BASE}queue/", f"{BASE}register.csv", f"{BASE}figures/"):
        assert client.get(path).status_code == 403, path
    assert client.get(url(complaint)).status_code == 404
    before = snapshot(complaint)
    for action in ("acknowledge", "notes", "decide", "assign", "appeal/take", "remedies"):
        assert post(agent, complaint, action, {"text": "x"}).status_code == 403, action
    assert snapshot(complaint) == before


def test_a_customer_cannot_act_as_staff_on_their_own_complaint(customer, complaint):
    before = snapshot(complaint)
    assert post(customer, complaint, "acknowledge").status_code == 403
    assert client_for(customer).get(f"{BASE}queue/").status_code == 403
    assert snapshot(complaint) == before


def test_officer_works_a_complaint_and_sees_the_whole_file(officer, complaint):
    version = client_for(officer).get(url(complaint)).json()["version"]
    acknowledged = post(officer, complaint, "acknowledge", {"version": version})
    assert acknowledged.status_code == 200
    assert acknowledged.json()["officer"]["email"] == officer.email
    assert post(officer, complaint, "investigate").status_code == 200
    note = post(officer, complaint, "notes", {"text": "Check with compliance."})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    message = post(officer, complaint, "messages", {"text": "We are on it."})
    assert message.status_code == 201 and message.json()["author"]["email"] == officer.email
    causes = post(officer, complaint, "root-causes", {"root_causes": ["process", "system"]})
    assert causes.json()["root_causes"] == ["process", "system"]
    decision = {"outcome": "upheld", "reason": "The hold was our error.", "remedy": "Release"}
    data = post(officer, complaint, "decide", decision).json()
    assert data["stage"] == "decided" and data["outcome"] == "upheld"
    assert data["decided_by"]["email"] == officer.email
    assert "Check with compliance." in [m["body"] for m in data["messages"]]
    assert {e["actor"]["email"] for e in data["timeline"] if e["actor"]} == {
        officer.email,
        complaint.customer.email,
    }
    assert any(not e["public"] for e in data["timeline"])


def test_request_for_information_is_a_message_and_pauses_the_clock(officer, complaint):
    post(officer, complaint, "acknowledge")
    response = post(officer, complaint, "request-information", {"text": "Your bank statement?"})
    assert response.status_code == 201
    assert response.json()["kind"] == "request"
    row = ComplaintDeadline.objects.get(complaint=complaint, target=Target.DECIDE)
    assert row.paused_at is not None


def test_a_decision_without_a_reason_is_refused_and_changes_nothing(officer, complaint):
    post(officer, complaint, "acknowledge")
    before = snapshot(complaint)
    for body in ({"outcome": "upheld"}, {"outcome": "upheld", "reason": "   "}):
        response = post(officer, complaint, "decide", body)
        assert response.status_code == 400
        assert "reason" in response.json()["error"]["fields"]
    assert snapshot(complaint) == before


def test_a_stale_version_is_a_conflict(officer, complaint):
    version = complaint.version
    post(officer, complaint, "acknowledge")
    before = snapshot(complaint)
    body = {"outcome": "upheld", "reason": "Our error.", "version": version}
    response = post(officer, complaint, "decide", body)
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["error"]["message"]
    assert snapshot(complaint) == before


def test_a_step_the_stage_does_not_allow_is_a_conflict(officer, complaint):
    response = post(officer, complaint, "decide", {"outcome": "upheld", "reason": "Error."})
    assert response.status_code == 409
    assert "cannot move" in response.json()["error"]["message"]


def test_supervisors_read_and_assign_but_do_not_handle(supervisor, officer, complaint):
    assert client_for(supervisor).get(url(complaint)).json()["reference"] == complaint.reference
    before = snapshot(complaint)
    refused = post(supervisor, complaint, "acknowledge")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Only complaint officers handle complaints."
    assert post(supervisor, complaint, "notes", {"text": "x"}).status_code == 403
    assert snapshot(complaint) == before
    assigned = post(supervisor, complaint, "assign", {"officer": officer.pk})
    assert assigned.status_code == 200
    assert assigned.json()["officer"]["id"] == officer.pk


def test_officers_take_complaints_but_do_not_give_them_to_others(
    officer, second_officer, complaint
):
    refused = post(officer, complaint, "assign", {"officer": second_officer.pk})
    assert refused.status_code == 403
    assert post(officer, complaint, "assign", {"officer": officer.pk}).status_code == 200
    unknown = post(officer, complaint, "assign", {"officer": 999_999})
    assert unknown.status_code == 400 and "officer" in unknown.json()["error"]["fields"]


def test_the_original_officer_may_not_decide_the_appeal(customer, officer, complaint):
    officer.groups.add(Group.objects.get(name=Role.APPEAL_REVIEWER))  # both roles
    officer = type(officer).objects.get(pk=officer.pk)  # permissions read afresh
    decided(complaint, officer)
    services.appeal_submit(complaint=complaint, customer=customer, grounds="Unfair.")
    before = snapshot(complaint)
    body = {"outcome": "upheld", "reason": "I stand by it."}
    response = post(officer, complaint, "appeal/decide", body)
    assert response.status_code == 403
    assert "reviewed by someone independent" in response.json()["error"]["message"]
    assert post(officer, complaint, "appeal/take").status_code == 403
    assert snapshot(complaint) == before


def test_an_independent_reviewer_takes_and_decides_the_appeal(
    customer, officer, reviewer, complaint
):
    decided(complaint, officer)
    services.appeal_submit(complaint=complaint, customer=customer, grounds="Unfair.")
    taken = post(reviewer, complaint, "appeal/take")
    assert taken.status_code == 200
    assert taken.json()["appeal"]["reviewer"]["email"] == reviewer.email
    body = {"outcome": "overturned", "reason": "No order on file.", "letter": "We were wrong."}
    data = post(reviewer, complaint, "appeal/decide", body).json()
    assert data["stage"] == "closed"
    assert data["appeal"]["outcome"] == "overturned"
    customer_view = client_for(customer).get(url(complaint)).json()
    assert customer_view["appeal"]["outcome"] == "overturned"
    assert "We were wrong." in [m["body"] for m in customer_view["messages"]]


def test_a_supervisor_gives_the_appeal_to_a_reviewer(
    customer, officer, reviewer, supervisor, complaint
):
    decided(complaint, officer)
    services.appeal_submit(complaint=complaint, customer=customer, grounds="Unfair.")
    response = post(supervisor, complaint, "appeal/assign", {"reviewer": reviewer.pk})
    assert response.status_code == 200
    assert response.json()["stage"] == "appeal_review"
    assert post(officer, complaint, "appeal/assign", {"reviewer": reviewer.pk}).status_code == 403


def test_only_an_administrator_may_override_independence_and_it_is_recorded(
    customer, reviewer, admin_user, complaint
):
    decided(complaint, admin_user)  # the administrator decided it, so is not independent
    services.appeal_submit(complaint=complaint, customer=customer, grounds="Unfair.")
    body = {"outcome": "upheld", "reason": "Fine.", "override": "The only reviewer is away."}
    refused = post(reviewer, complaint, "appeal/decide", body)
    assert refused.status_code == 403
    assert "administrator" in refused.json()["error"]["message"]
    not_overridden = post(admin_user, complaint, "appeal/decide", {**body, "override": ""})
    assert not_overridden.status_code == 403
    assert post(admin_user, complaint, "appeal/decide", body).status_code == 200
    override = ComplaintEvent.objects.get(complaint=complaint, kind=ComplaintEvent.Kind.OVERRIDE)
    assert "The only reviewer is away." in override.reason


def test_a_remedy_follows_a_decision_for_the_customer(customer, officer, account, complaint):
    refused = post(officer, complaint, "remedies", {"action": "release_withdrawal", "reason": "x"})
    assert refused.status_code == 409  # not decided yet
    decided(complaint, officer, outcome="upheld")
    body = {"action": "release_withdrawal", "reason": "Our error.", "withdrawal_id": "W-9"}
    response = post(officer, complaint, "remedies", body)
    assert response.status_code == 201, response.json()
    assert response.json()["action"] == "release_withdrawal"
    assert Remediation.objects.filter(customer=customer).count() == 1
    remedies = client_for(customer).get(url(complaint)).json()["remedies"]
    assert [(r["action"], "reason" in r) for r in remedies] == [("release_withdrawal", False)]


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_puts_the_complaint_due_first_at_the_top(officer, reviewer, file_complaint):
    with time_machine.travel(timezone.now() - timedelta(hours=20)):
        sooner = file_complaint()  # acknowledgement due in 4 hours
    later, closed = file_complaint(), file_complaint()
    services.complaint_withdraw(complaint=closed, customer=closed.customer)
    response = client_for(reviewer).get(f"{BASE}queue/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["reference"] for row in rows] == [sooner.reference, later.reference]
    assert rows[0]["next_target"] in ("acknowledge", "decide")


def test_the_queue_filters_by_stage_category_language_and_officer(officer, file_complaint):
    mine = file_complaint(category="fees")
    other = file_complaint()
    services.complaint_acknowledge(complaint=mine, by=officer)
    client = client_for(officer)

    def references(**params) -> list[str]:
        rows = client.get(f"{BASE}queue/", params).json()["results"]
        return [row["reference"] for row in rows]

    assert references(stage="acknowledged") == [mine.reference]
    assert references(category="transfer_delay") == [other.reference]
    assert references(officer="me") == [mine.reference]
    assert references(officer="none") == [other.reference]
    assert set(references(language=mine.language)) == {mine.reference, other.reference}
    assert client.get(f"{BASE}queue/", {"stage": "' OR 1=1--"}).status_code == 400


def test_the_queue_costs_the_same_queries_for_many_complaints(officer, file_complaint):
    file_complaint()
    client = client_for(officer)
    client.get(f"{BASE}queue/")  # the permission cache warms up
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(f"{BASE}queue/").json()["results"]) == 1
    for _ in range(5):
        services.complaint_acknowledge(complaint=file_complaint(), by=officer)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(f"{BASE}queue/").json()["results"]) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_queue_pages_with_a_cursor(officer, file_complaint, monkeypatch):
    from complaints.api_reports import QueuePagination

    monkeypatch.setattr(QueuePagination, "page_size", 2)
    made = [file_complaint() for _ in range(3)]
    client = client_for(officer)
    first = client.get(f"{BASE}queue/").json()
    second = client.get(first["next"]).json()
    seen = [row["reference"] for row in first["results"] + second["results"]]
    assert sorted(seen) == sorted(c.reference for c in made)
    assert second["next"] is None


@pytest.mark.parametrize("path", [f"{BASE}queue/", BASE])
def test_a_forged_cursor_is_a_bad_parameter(officer, complaint, path):
    forged = base64.b64encode(b"p=not-a-position&o=1").decode()
    response = client_for(officer).get(path, {"cursor": forged})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


# --- The schema -------------------------------------------------------------------------------


def test_the_schema_lists_every_complaints_operation(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    complaints = {path for path in paths if path.startswith(BASE)}
    assert {
        BASE,
        f"{BASE}queue/",
        f"{BASE}figures/",
        f"{BASE}register.csv",
        f"{BASE}{{reference}}/",
        f"{BASE}{{reference}}/appeal/decide/",
        f"{BASE}{{reference}}/remedies/",
    } <= complaints
    assert len(complaints) == 20
    decide = paths[f"{BASE}{{reference}}/decide/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(decide["responses"])


def test_the_complaint_answers_carry_every_field_their_schema_requires(
    client, customer, officer, complaint
):
    decided(complaint, officer)
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    shape = schemas["ComplaintOut"]
    customer_view = client_for(customer).get(url(complaint)).json()
    staff_view = client_for(officer).get(url(complaint)).json()
    assert set(shape["required"]) <= set(customer_view)
    assert set(staff_view) == set(shape["properties"])
    event = schemas["ComplaintEventOut"]
    assert set(event["required"]) <= set(customer_view["timeline"][0])
    assert set(staff_view["timeline"][0]) == set(event["properties"])
