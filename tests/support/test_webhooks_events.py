"""Each event is written by the real service that makes the change, in its transaction: a
ticket through intake, solved, assigned, answered; a chat started and ended; a complaint
moved; a survey answered. The payloads carry ids and states, never what the customer wrote."""

import json

import pytest
from django.db import transaction

from complaints.services import complaint_acknowledge, complaint_submit
from livechat.ending import conversation_end
from livechat.start import conversation_start
from support.roles import Role
from support.webhooks import WebhookEvent
from support.webhooks.models import WebhookDelivery
from support.webhooks.services import webhook_endpoint_create
from tests.conftest import make_person
from tests.tickets.survey_helpers import LINK_RE, sent_survey
from tickets.intake import InboundMessage, intake_message
from tickets.models import Priority, Status
from tickets.services import ticket_assign, ticket_reply, ticket_set_priority, ticket_transition
from tickets.surveys.answers import Reply, survey_answer

pytestmark = pytest.mark.django_db
SECRET_TEXT = "My password is Hunter2-very-secret and my withdrawal is stuck"


@pytest.fixture
def endpoint(db):
    endpoint, _secret = webhook_endpoint_create(
        name="Everything", url="https://hooks.example.com/in", events=list(WebhookEvent), by=None
    )
    return endpoint


def payloads(event: str) -> list[dict]:
    rows = WebhookDelivery.objects.filter(event=event).order_by("pk")
    return [json.loads(row.body) for row in rows]


def receive(customer, text: str = SECRET_TEXT, **fields):
    message = InboundMessage(channel="web", text=text, customer_id=customer.pk, **fields)
    return intake_message(message)


def test_a_new_ticket_reports_created_and_its_first_message(endpoint, customer):
    ticket = receive(customer)

    [created] = payloads("ticket.created")
    [added] = payloads("message.added")
    assert created["data"]["ticket"]["reference"] == ticket.reference
    assert created["data"]["ticket"]["status"] == Status.NEW
    assert created["data"]["ticket"]["channel"] == "web"
    assert created["data"]["ticket"]["api_url"].endswith(f"/api/v1/tickets/{ticket.reference}/")
    assert added["data"]["message"]["kind"] == "customer"
    assert added["data"]["ticket"]["id"] == ticket.pk
    for body in WebhookDelivery.objects.values_list("body", flat=True):
        assert "Hunter2" not in body and "withdrawal is stuck" not in body


def test_no_endpoint_no_rows(customer):
    receive(customer)

    assert not WebhookDelivery.objects.exists()


def test_an_endpoint_gets_only_the_events_it_chose(customer):
    chosen, _secret = webhook_endpoint_create(
        name="Solved only", url="https://hooks.example.com/", events=["ticket.solved"], by=None
    )

    receive(customer)

    assert not WebhookDelivery.objects.filter(endpoint=chosen).exists()


def test_solving_reports_updated_and_solved(endpoint, customer, agent):
    ticket = receive(customer)

    ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    ticket_transition(ticket=ticket, to=Status.SOLVED, by=agent)

    changes = [payload["data"]["changes"] for payload in payloads("ticket.updated")]
    assert changes == [
        [{"field": "status", "before": "new", "after": "open"}],
        [{"field": "status", "before": "open", "after": "solved"}],
    ]
    [solved] = payloads("ticket.solved")
    assert solved["data"]["ticket"]["status"] == Status.SOLVED
    assert solved["data"]["ticket"]["solved_at"] is not None


def test_assignment_and_priority_report_updated(endpoint, customer, agent, team):
    ticket = receive(customer)

    ticket = ticket_assign(ticket=ticket, agent=agent, by=agent, team=team)
    ticket_set_priority(ticket=ticket, priority=Priority.HIGH, by=agent)

    fields = [
        [change["field"] for change in payload["data"]["changes"]]
        for payload in payloads("ticket.updated")
    ]
    assert ["status"] in fields and ["priority"] in fields
    changes = [change for p in payloads("ticket.updated") for change in p["data"]["changes"]]
    assert {"field": "assignee", "before": None, "after": agent.pk} in changes
    assert {"field": "team", "before": None, "after": team.pk} in changes


def test_a_reply_reports_a_message_but_a_note_does_not(endpoint, customer, agent):
    ticket = receive(customer)
    WebhookDelivery.objects.all().delete()

    ticket_reply(ticket=ticket, author=agent, body="We are on it.")
    ticket_reply(ticket=ticket, author=agent, body="internal: check W-9", internal=True)

    [added] = payloads("message.added")
    assert added["data"]["message"]["kind"] == "reply"
    assert "We are on it" not in WebhookDelivery.objects.get(event="message.added").body


def test_a_rolled_back_change_leaves_no_delivery(endpoint, customer, agent):
    ticket = receive(customer)
    before = WebhookDelivery.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
        raise RuntimeError("the request failed after the change")

    assert WebhookDelivery.objects.count() == before


def test_a_chat_reports_started_and_ended(endpoint, customer):
    conversation = conversation_start(customer=customer, language="en", category="general")

    conversation_end(conversation_id=conversation.pk, by=customer)

    [started] = payloads("chat.started")
    [ended] = payloads("chat.ended")
    assert started["data"]["chat"]["id"] == conversation.pk
    assert started["data"]["chat"]["status"] == "bot"
    assert ended["data"]["chat"]["status"] == "ended"
    assert ended["data"]["chat"]["ended_at"] is not None
    assert ended["data"]["chat"]["outcome"]


def test_a_complaint_reports_each_stage_change(endpoint, customer):
    officer = make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])
    complaint = complaint_submit(
        customer=customer,
        category="transfer_delay",
        description=SECRET_TEXT,
        desired_outcome="Release the withdrawal.",
    )

    complaint_acknowledge(complaint=complaint, by=officer)

    moves = [
        (p["data"]["from_stage"], p["data"]["to_stage"])
        for p in payloads("complaint.stage_changed")
    ]
    assert moves == [("", "submitted"), ("submitted", "acknowledged")]
    assert payloads("complaint.stage_changed")[1]["data"]["complaint"]["reference"] == (
        complaint.reference
    )
    for body in WebhookDelivery.objects.values_list("body", flat=True):
        assert "Hunter2" not in body and "Release the withdrawal" not in body


def test_a_survey_answer_reports_the_score_not_the_comment(endpoint, customer, agent):
    ticket = receive(customer)
    ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    _invitation, link = sent_survey(ticket, agent)
    token = LINK_RE.search(link).group(1)

    survey_answer(token=token, reply=Reply(score=2, solved=False, comment="Slow and rude."))

    [answered] = payloads("survey.answered")
    assert answered["data"]["survey"]["score"] == 2
    assert answered["data"]["survey"]["kind"] == "satisfaction"
    assert answered["data"]["survey"]["ticket_reference"] == ticket.reference
    assert "Slow and rude" not in WebhookDelivery.objects.get(event="survey.answered").body
