"""Calls on tickets: an agent logs one (validated, notes redacted), opens a ticket from one,
and the ticket's history and calls panel show it."""

import pytest

from support.roles import Role
from tests.conftest import PASSWORD, make_person
from tests.tickets.phone_helpers import SEED
from tickets.models import Event, Ticket
from tickets.phone.models import CallRecord, CustomerPhone

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


def call_form(**fields) -> dict:
    form = {
        "direction": "inbound",
        "number": "+82 10-1234-5678",
        "outcome": "resolved",
        "minutes": "4",
        "seconds": "12",
        "notes": "Explained the withdrawal hold.",
        "recording_url": "https://pbx.example.com/rec/991.mp3",
    }
    return {**form, **fields}


def test_an_agent_logs_a_call_on_a_ticket(agent_client, agent, customer, policy, receive):
    ticket = receive()

    response = agent_client.post(
        f"/console/phone/tickets/{ticket.reference}/log-call/", call_form()
    )

    assert response.status_code == 302
    call = CallRecord.objects.get()
    assert (call.ticket, call.customer, call.agent) == (ticket, customer, agent)
    assert (call.number, call.duration_seconds, call.outcome) == ("+821012345678", 252, "resolved")
    assert CustomerPhone.objects.filter(customer=customer, number="+821012345678").exists()
    page = agent_client.get(f"/console/tickets/{ticket.reference}/").content.decode()
    assert "Inbound call (4 minutes 12 seconds) logged by agent@example.com: Resolved." in page
    assert "+82 ••••• 5678" in page and "+821012345678" not in page
    assert "https://pbx.example.com/rec/991.mp3" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "12345", "Enter a valid phone number with its country code"),
        ("number", "+82 10 1234", "Enter a valid phone number with its country code"),
        ("recording_url", "http://pbx.example.com/rec/1.mp3", "Enter an https:// link."),
        ("recording_url", "javascript:alert(1)", "Enter an https:// link."),
    ],
)
def test_a_bad_number_or_recording_link_is_refused_and_nothing_written(
    agent_client, policy, receive, field, value, message
):
    ticket = receive()
    events = Event.objects.count()

    response = agent_client.post(
        f"/console/phone/tickets/{ticket.reference}/log-call/", call_form(**{field: value})
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CallRecord.objects.exists()
    assert Event.objects.count() == events


def test_the_refusal_is_in_the_agents_language(agent_client, agent, policy, receive):
    agent.agent_profile.preferred_language = "ko"
    agent.agent_profile.save()
    ticket = receive()

    response = agent_client.post(
        f"/console/phone/tickets/{ticket.reference}/log-call/",
        call_form(number="12345"),
    )

    assert response.status_code == 400
    assert "국가 번호" in response.content.decode()
    assert not CallRecord.objects.exists()


def test_a_seed_phrase_read_out_on_the_phone_never_reaches_the_notes(agent_client, policy, receive):
    ticket = receive()

    agent_client.post(
        f"/console/phone/tickets/{ticket.reference}/log-call/",
        call_form(notes=f"Customer read out their words: {SEED}"),
    )

    notes = CallRecord.objects.get().notes
    assert "abandon" not in notes
    assert "[seed phrase removed]" in notes


def test_a_new_ticket_from_a_call_goes_through_intake(agent_client, agent, customer, policy):
    response = agent_client.post(
        "/console/phone/calls/new-ticket/",
        call_form(
            customer_email=customer.email,
            language="ko",
            subject="출금 지연",
            request_text="USDT 출금이 여섯 시간째 대기 중이라고 전화로 문의했습니다.",
        ),
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/tickets/{ticket.reference}/"
    assert (ticket.channel, ticket.customer, ticket.language) == ("phone", customer, "ko")
    assert ticket.first_response_due is not None  # the SLA clocks run as for any channel
    assert ticket.messages.get().body.startswith("USDT 출금이")
    call = CallRecord.objects.get()
    assert (call.ticket, call.agent, call.outcome) == (ticket, agent, "resolved")
    assert ticket.events.filter(field="call").count() == 1


def test_a_new_ticket_from_a_call_with_a_bad_number_writes_nothing(agent_client, customer):
    response = agent_client.post(
        "/console/phone/calls/new-ticket/",
        call_form(
            number="not a number",
            customer_email=customer.email,
            language="en",
            subject="Withdrawal",
            request_text="Where is my withdrawal?",
        ),
    )

    assert response.status_code == 400
    assert not Ticket.objects.exists()
    assert not CallRecord.objects.exists()


def test_customers_and_outsiders_reach_no_phone_console_page(client, customer, policy, receive):
    """Every console page of the phone channel refuses a customer; nothing changes."""
    ticket = receive()
    client.login(username=customer.username, password=PASSWORD)

    for url in (
        "/console/phone/calls/",
        "/console/phone/callbacks/",
        f"/console/phone/tickets/{ticket.reference}/log-call/",
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(f"/console/phone/tickets/{ticket.reference}/log-call/", call_form()).status_code
        == 403
    )
    assert not CallRecord.objects.exists()


def test_an_agent_outside_a_restricted_team_cannot_log_a_call_on_its_ticket(
    client, policy, receive
):
    from support.models import Team

    secret_team = Team.objects.create(slug="vip-desk", name="VIP desk", restricted=True)
    ticket = receive(team_id=secret_team.pk)
    outsider = make_person("outsider-agent@example.com", Role.AGENT)
    client.login(username=outsider.username, password=PASSWORD)

    response = client.post(f"/console/phone/tickets/{ticket.reference}/log-call/", call_form())

    assert response.status_code == 404
    assert not CallRecord.objects.exists()


def test_a_reported_call_from_a_withheld_number_becomes_a_ticket(agent_client, customer, policy):
    reported = CallRecord.objects.create(direction="inbound", external_id="c-7", number="")
    page = agent_client.get(f"/console/phone/calls/new-ticket/?call={reported.pk}")
    assert page.status_code == 200

    response = agent_client.post(
        "/console/phone/calls/new-ticket/",
        call_form(
            call=str(reported.pk),
            customer_email=customer.email,
            language="en",
            subject="Locked out",
            request_text="I cannot sign in since this morning.",
        ),
    )

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.ticket == Ticket.objects.get()
    assert (reported.number, reported.outcome) == ("+821012345678", "resolved")
    assert CallRecord.objects.count() == 1


def test_the_form_offers_the_number_we_know(agent_client, customer, policy, receive):
    ticket = receive()
    CustomerPhone.objects.create(customer=customer, number="+821012345678", source="callback")

    page = agent_client.get(f"/console/phone/tickets/{ticket.reference}/log-call/")

    assert 'value="+821012345678"' in page.content.decode()
