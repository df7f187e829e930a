"""Callback requests: who may ask, the queue's order, the SLA due time on the business
calendar, the sweep's warning and breach (each once), and working a request."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from support.models import OutboxEmail
from support.roles import Role
from tests.conftest import PASSWORD, make_person
from tests.tickets.phone_helpers import SEED
from tickets.models import BusinessCalendar, Ticket
from tickets.phone.callbacks import callback_claim, callback_policy, callback_request
from tickets.phone.errors import CallbackClaimedByOther
from tickets.phone.models import CallbackPolicy, CallbackRequest, CallRecord
from tickets.phone.sweep import callback_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def vip(db):
    return make_person("vip@example.com", Role.CUSTOMER, preferred_language="ja", tier="vip")


@pytest.fixture
def calling_team(team, supervisor):
    team.supervisor = supervisor
    team.save()
    CallbackPolicy.objects.update_or_create(
        pk=callback_policy().pk or 1,
        defaults={
            "eligible_tiers": ["vip", "institutional"],
            "target_minutes": 120,
            "incident_target_minutes": 30,
            "team": team,
        },
    )
    return team


def form(**fields) -> dict:
    data = {
        "number": "+81 90-1234-5678",
        "language": "ja",
        "window": "morning",
        "time_zone": "Asia/Tokyo",
        "topic": "deposit_withdrawal",
        "details": "",
    }
    return {**data, **fields}


def ask(customer, **fields) -> CallbackRequest:
    data = form(**fields)
    return callback_request(
        customer=customer,
        number=fields.get("e164", "+819012345678"),
        language=data["language"],
        window=data["window"],
        time_zone=data["time_zone"],
        topic=data["topic"],
    )


def test_a_vip_customer_asks_for_a_call(client, vip, calling_team):
    client.login(username=vip.username, password=PASSWORD)

    response = client.post("/ja/callback/", form(details=f"My words are {SEED}"))

    assert response.status_code == 302
    callback = CallbackRequest.objects.get()
    assert (callback.customer, callback.number, callback.tier) == (vip, "+819012345678", "vip")
    assert (callback.state, callback.security_incident) == ("waiting", False)
    assert "abandon" not in callback.details
    page = client.get("/ja/callback/").content.decode()
    assert "+81 ••••• 5678" in page
    assert "+819012345678" not in page


def test_a_standard_customer_is_pointed_to_chat_and_the_contact_form(
    client, other_customer, calling_team
):
    client.login(username=other_customer.username, password=PASSWORD)

    page = client.get("/en/callback/").content.decode()
    response = client.post("/en/callback/", form(language="en"))

    assert "ask for a call about the security incident" in page
    assert 'value="deposit_withdrawal"' not in page  # only the incident is offered
    assert response.status_code == 400  # not one of the choices offered
    assert not CallbackRequest.objects.exists()


def test_the_refusal_is_polite_and_points_elsewhere(other_customer, calling_team, client):
    from tickets.phone.errors import CallbackNotEligible

    with pytest.raises(CallbackNotEligible) as refused:
        ask(other_customer)
    assert "live chat" in str(refused.value)
    assert not CallbackRequest.objects.exists()


def test_anyone_reporting_a_security_incident_may_ask(client, other_customer, calling_team):
    client.login(username=other_customer.username, password=PASSWORD)

    response = client.post("/en/callback/", form(language="en", topic="security_incident"))

    assert response.status_code == 302
    callback = CallbackRequest.objects.get()
    assert callback.security_incident
    assert callback.due_at - callback.created_at == timedelta(minutes=30)


def test_an_admin_chooses_the_tiers(client, vip, calling_team):
    CallbackPolicy.objects.update(eligible_tiers=["institutional"])
    client.login(username=vip.username, password=PASSWORD)

    response = client.post("/ja/callback/", form())

    assert response.status_code == 400
    assert not CallbackRequest.objects.exists()


def test_a_bad_number_is_refused_in_the_customers_language(client, vip, calling_team):
    client.login(username=vip.username, password=PASSWORD)

    response = client.post("/ja/callback/", form(number="090-12"))

    assert response.status_code == 400
    assert "国番号" in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_one_open_request_per_customer(client, vip, calling_team):
    client.login(username=vip.username, password=PASSWORD)
    client.post("/ja/callback/", form())

    client.post("/ja/callback/", form())
    client.post("/ja/callback/cancel/")
    client.post("/ja/callback/", form())

    states = sorted(CallbackRequest.objects.values_list("state", flat=True))
    assert states == ["cancelled", "waiting"]


def test_anonymous_visitors_are_asked_to_sign_in(client, calling_team):
    response = client.get("/en/callback/")

    assert response.status_code == 302
    assert "/login" in response["Location"] or "log-in" in response["Location"]


def test_the_due_time_runs_on_the_business_calendar(vip, calling_team):
    """Asked on Friday 17:30 in Tokyo with a 120-minute target and 9-18 opening hours: 30
    minutes on Friday, 90 on Monday, so due Monday 10:30 (Tokyo)."""
    hours = {str(day): [["09:00", "18:00"]] for day in range(5)}
    calendar = BusinessCalendar.objects.create(
        name="Tokyo desk", timezone="Asia/Tokyo", weekly_hours=hours
    )
    CallbackPolicy.objects.update(calendar=calendar)
    friday = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)  # 17:30 in Tokyo

    with time_machine.travel(friday, tick=False):
        callback = ask(vip)

    assert callback.due_at == datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # Monday 10:30 Tokyo
    assert callback.warn_at == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 75 %: 90 minutes


def test_the_queue_puts_security_incidents_first_then_the_earliest_due(
    client, agent, vip, other_customer, calling_team
):
    third = make_person("inst@example.com", Role.CUSTOMER, tier="institutional")
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        early_vip = ask(vip)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        later = ask(third)
    with time_machine.travel(start + timedelta(minutes=40), tick=False):
        incident = ask(other_customer, topic="security_incident")
    client.login(username=agent.username, password=PASSWORD)

    response = client.get("/console/phone/callbacks/")

    assert [item.pk for item in response.context["queue"]] == [incident.pk, early_vip.pk, later.pk]
    assert response.content.decode().count('data-testid="callback"') == 3


def test_the_sweep_warns_then_breaches_each_once(vip, calling_team, supervisor):
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        callback = ask(vip)

    assert callback_sweep(now=start + timedelta(minutes=89)) == 0
    assert callback_sweep(now=start + timedelta(minutes=91)) == 1
    assert callback_sweep(now=start + timedelta(minutes=92)) == 0
    assert callback_sweep(now=start + timedelta(minutes=121)) == 1
    assert callback_sweep(now=start + timedelta(minutes=180)) == 0

    callback.refresh_from_db()
    assert callback.warned_at == start + timedelta(minutes=91)
    assert callback.breached_at == start + timedelta(minutes=121)
    assert callback.next_due is None
    notices = OutboxEmail.objects.filter(dedupe_key__startswith="callback:")
    assert sorted(notices.values_list("subject", flat=True)) == [
        f"Callback at risk: request #{callback.pk}",
        f"Callback overdue: request #{callback.pk}",
    ]
    assert set(notices.values_list("to", flat=True)) == {supervisor.email}


def test_a_breach_shows_in_the_queue(client, agent, vip, calling_team):
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        ask(vip)
    callback_sweep(now=start + timedelta(minutes=121))
    client.login(username=agent.username, password=PASSWORD)

    with time_machine.travel(start + timedelta(minutes=125), tick=False):
        page = client.get("/console/phone/callbacks/").content.decode()

    assert 'data-testid="overdue"' in page


def test_a_call_made_in_time_stops_the_clock(client, agent, vip, calling_team, policy):
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        callback = ask(vip)
    client.login(username=agent.username, password=PASSWORD)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        client.post(f"/console/phone/callbacks/{callback.pk}/take/")
        client.post(
            f"/console/phone/callbacks/{callback.pk}/call/",
            {"outcome": "no_answer", "minutes": "0", "seconds": "40", "notes": ""},
        )

    callback.refresh_from_db()
    assert (callback.state, callback.attempts, callback.next_due) == ("waiting", 1, None)
    assert callback.first_called_at == start + timedelta(minutes=10)
    assert callback_sweep(now=start + timedelta(minutes=200)) == 0
    assert CallRecord.objects.get().ticket is None  # nobody reached: no ticket


def test_reaching_the_customer_opens_a_phone_ticket_and_closes_the_request(
    client, agent, vip, calling_team, policy
):
    callback = ask(vip)
    client.login(username=agent.username, password=PASSWORD)
    client.post(f"/console/phone/callbacks/{callback.pk}/take/")

    response = client.post(
        f"/console/phone/callbacks/{callback.pk}/call/",
        {"outcome": "resolved", "minutes": "6", "seconds": "0", "notes": "Explained the delay."},
    )

    assert response.status_code == 302
    callback.refresh_from_db()
    ticket = Ticket.objects.get()
    assert (callback.state, callback.ticket) == ("done", ticket)
    assert (ticket.channel, ticket.customer, ticket.language) == ("phone", vip, "ja")
    call = CallRecord.objects.get()
    assert (call.direction, call.number, call.outcome) == ("outbound", "+819012345678", "resolved")
    assert call.ticket == ticket and call.callback == callback


def test_two_agents_cannot_call_the_same_customer(agent, teammate, vip, calling_team):
    callback = ask(vip)
    callback_claim(callback=callback, by=agent)

    with pytest.raises(CallbackClaimedByOther):
        callback_claim(callback=callback, by=teammate)
    callback.refresh_from_db()
    assert callback.claimed_by == agent


def test_only_the_claimer_sees_the_whole_number(client, agent, teammate, vip, calling_team):
    callback = ask(vip)
    callback_claim(callback=callback, by=agent)
    client.login(username=teammate.username, password=PASSWORD)

    response = client.get(f"/console/phone/callbacks/{callback.pk}/call/")
    queue = client.get("/console/phone/callbacks/").content.decode()

    assert response.status_code == 302
    assert "+819012345678" not in queue and "90-1234-5678" not in queue


def test_the_periodic_task_runs_the_sweep(vip, calling_team):
    from tickets.tasks import phone_sweep_task

    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        callback = ask(vip)

    with time_machine.travel(start + timedelta(minutes=125), tick=False):
        assert phone_sweep_task.delay().get() == 1

    callback.refresh_from_db()
    assert callback.breached_at == start + timedelta(minutes=125)


def test_a_call_cannot_be_put_on_another_customers_ticket(
    client, agent, vip, other_customer, calling_team, policy, receive
):
    theirs = receive(customer_email=other_customer.email)
    callback = ask(vip)
    client.login(username=agent.username, password=PASSWORD)
    client.post(f"/console/phone/callbacks/{callback.pk}/take/")

    response = client.post(
        f"/console/phone/callbacks/{callback.pk}/call/",
        {"outcome": "resolved", "minutes": "2", "seconds": "0", "ticket": theirs.reference},
    )

    assert response.status_code == 400
    assert "This ticket belongs to another customer." in response.content.decode()
    assert not CallRecord.objects.exists()
    callback.refresh_from_db()
    assert callback.state == "claimed"


def test_outsiders_change_nobody_elses_request(client, vip, other_customer, calling_team):
    """Another customer's cancel touches only their own (none); a customer cannot take,
    put back or call a request in the console."""
    callback = ask(vip)
    client.login(username=other_customer.username, password=PASSWORD)

    client.post("/en/callback/cancel/")
    for action in ("take", "put-back", "call"):
        response = client.post(f"/console/phone/callbacks/{callback.pk}/{action}/")
        assert response.status_code == 403
    page = client.get("/en/callback/").content.decode()

    callback.refresh_from_db()
    assert (callback.state, callback.claimed_by) == ("waiting", None)
    assert "+819012345678" not in page and "+81 ••••• 5678" not in page


def test_the_demo_callbacks_load_twice_without_change(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    waiting = CallbackRequest.objects.open().queue_order()
    assert [(item.customer.email, item.security_incident) for item in waiting] == [
        ("customer.en@example.com", True),
        ("customer.ja@example.com", False),
    ]
