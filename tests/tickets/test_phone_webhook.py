"""The telephony webhook, on the channels' adapter interface: signed call events are stored
sealed and answered at once, then become call records after commit; forged, unsigned or stale
requests store nothing; a repeat changes nothing; unknown events are stored and ignored."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from support.roles import Role
from tests.conftest import make_person
from tests.tickets.phone_helpers import make_provider, signed
from tickets.channels.webhooks import webhook_process, webhooks_waiting_sweep
from tickets.models import RawInbound, Ticket
from tickets.phone.models import CallRecord, CustomerPhone

pytestmark = pytest.mark.django_db
URL = "/channels/phone/pbx/events"


def started(**fields) -> dict:
    event = {
        "event": "call.started",
        "call_id": "c-1001",
        "direction": "inbound",
        "from": "+821012345678",
        "to": "+8215880000",
        "started_at": "2026-12-07T03:00:00+00:00",
        "ended_at": None,
        "recording_url": None,
        "agent_email": "agent@example.com",
    }
    return {**event, **fields}


def ended(**fields) -> dict:
    end = {
        "event": "call.ended",
        "ended_at": "2026-12-07T03:04:12+00:00",
        "recording_url": "https://recordings.example.com/c-1001.mp3",
    }
    return started(**{**end, **fields})


@pytest.fixture
def provider():
    return make_provider()


@pytest.fixture
def post(client, provider, django_capture_on_commit_callbacks):
    _provider, secret = provider

    def post(payload: dict, *, secret: str = secret, timestamp: int | None = None, **headers):
        body, signature = signed(secret, payload, timestamp=timestamp)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                URL, body, content_type="application/json", **{**signature, **headers}
            )

    return post


@pytest.fixture
def known_number(customer):
    CustomerPhone.objects.create(customer=customer, number="+821012345678", source="agent")
    return "+821012345678"


def test_missing_signature_is_refused_and_nothing_stored(client, provider):
    """H1/H3: no signature -> 401, nothing stored."""
    response = client.post(
        URL, b'{"event": "call.started", "call_id": "x"}', content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert not RawInbound.objects.exists()


def test_forged_signature_is_refused_and_nothing_stored(post):
    """H3: a signature made with another secret -> 401, nothing stored."""
    response = post(started(), secret="not-the-secret")

    assert response.status_code == 401
    assert not RawInbound.objects.exists()
    assert not CallRecord.objects.exists()


def test_a_signature_over_another_body_is_refused(client, provider):
    """H3: A signature over another body is refused."""
    _provider, secret = provider
    body, headers = signed(secret, started())

    response = client.post(
        URL, body.replace(b"c-1001", b"c-9999"), content_type="application/json", **headers
    )

    assert response.status_code == 401
    assert not RawInbound.objects.exists()


def test_an_unknown_provider_is_refused(client, provider):
    _provider, secret = provider
    body, headers = signed(secret, started())

    response = client.post(
        "/channels/phone/other/events", body, content_type="application/json", **headers
    )

    assert response.status_code == 401
    assert not RawInbound.objects.exists()


def test_a_timestamp_older_than_five_minutes_is_refused(post):
    """H3: a correctly signed but replayed-late request -> refused, nothing stored."""
    response = post(started(), timestamp=int(time.time()) - 301)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "stale_timestamp"
    assert not RawInbound.objects.exists()


def test_a_repeat_is_a_no_op(post, known_number, agent, policy):
    """H2, H3: the same event delivered twice -> one call, one ticket, one history line."""
    first = post(started())
    second = post(started())

    assert first.json() == {"status": "accepted"}
    assert second.json() == {"status": "duplicate"}
    assert RawInbound.objects.filter(channel="phone").count() == 1
    assert CallRecord.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().events.filter(field="call_started").count() == 1


def test_an_unknown_event_is_stored_and_ignored(post):
    response = post({"event": "call.transferred", "call_id": "c-1001", "to": "+8215880001"})

    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    stored = RawInbound.objects.get()
    assert stored.processed_at is not None
    assert stored.error == "ignored: unknown event type call.transferred"
    assert not CallRecord.objects.exists()


def test_a_body_that_is_not_an_event_is_kept_and_refused(post):
    response = post({"hello": "world"})

    assert response.status_code == 400
    assert RawInbound.objects.get().key.startswith("pbx:invalid:")
    assert not CallRecord.objects.exists()


def test_a_known_customer_calling_lands_on_their_open_ticket(
    post, customer, known_number, agent, policy, receive
):
    ticket = receive()

    post(started())

    call = CallRecord.objects.get()
    assert (call.ticket, call.customer, call.agent) == (ticket, customer, agent)
    assert (call.direction, call.number, call.external_id) == ("inbound", known_number, "c-1001")
    assert Ticket.objects.count() == 1
    assert ticket.events.filter(field="call_started").count() == 1
    assert RawInbound.objects.get().ticket == ticket


def test_a_known_customer_without_an_open_ticket_gets_a_phone_ticket(
    post, customer, known_number, policy
):
    post(started())

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.customer, ticket.language) == ("phone", customer, "ko")
    assert CallRecord.objects.get().ticket == ticket


def test_an_unknown_caller_is_kept_for_an_agent_to_link(post, policy):
    post(started(**{"from": "+447911123456"}))

    call = CallRecord.objects.get()
    assert call.ticket is None
    assert call.number == "+447911123456"
    assert not Ticket.objects.exists()


def test_a_number_two_customers_gave_matches_nobody(post, customer, other_customer, policy):
    for person in (customer, other_customer):
        CustomerPhone.objects.create(customer=person, number="+821012345678", source="callback")

    post(started())

    assert CallRecord.objects.get().ticket is None


def test_the_end_of_a_call_fills_its_duration_and_recording(post, known_number, policy, receive):
    ticket = receive()
    post(started())

    post(ended())

    call = CallRecord.objects.get()
    assert call.duration_seconds == 252
    assert call.recording_url == "https://recordings.example.com/c-1001.mp3"
    assert ticket.events.filter(field="call").get().after == "inbound - 252"


def test_an_end_without_a_start_still_makes_the_call(post, known_number, policy, receive):
    receive()

    post(ended())

    assert CallRecord.objects.get().duration_seconds == 252


def test_a_recording_link_that_is_not_https_is_dropped(post, policy):
    post(ended(recording_url="http://recordings.example.com/c-1001.mp3"))

    assert CallRecord.objects.get().recording_url == ""


def test_the_agent_email_of_a_customer_names_no_agent(post, customer, policy):
    post(started(agent_email=customer.email))

    assert CallRecord.objects.get().agent is None


def test_an_event_no_worker_read_is_handed_out_again(client, provider, policy):
    """The worker never ran (no on-commit callbacks here): the webhooks' sweep finds the row
    once its turn has come, and the call is recorded then."""
    _provider, secret = provider
    body, headers = signed(secret, started())
    client.post(URL, body, content_type="application/json", **headers)

    assert webhooks_waiting_sweep() == 0
    assert not CallRecord.objects.exists()
    assert webhooks_waiting_sweep(now=timezone.now() + timedelta(minutes=3)) == 1
    assert CallRecord.objects.get().external_id == "c-1001"
    assert RawInbound.objects.get().processed_at is not None


def test_the_call_events_page_is_post_only(client, provider):
    assert client.get(URL).status_code == 405
    make_person("x@example.com", Role.CUSTOMER)


def test_an_event_with_an_unreadable_time_is_kept_with_its_error_and_nothing_written(
    post, known_number, policy
):
    post(started(started_at="yesterday at noon"))

    stored = RawInbound.objects.get()
    assert stored.processed_at is not None
    assert stored.error == "started_at: an ISO 8601 time with its offset expected"
    assert not CallRecord.objects.exists()
    assert not Ticket.objects.exists()


def test_an_event_read_too_many_times_is_given_up(client, provider):
    _provider, secret = provider
    body, headers = signed(secret, started())
    client.post(URL, body, content_type="application/json", **headers)
    RawInbound.objects.update(process_attempts=5)

    webhook_process(raw_id=RawInbound.objects.get().pk)

    stored = RawInbound.objects.get()
    assert stored.error.startswith("not read after 5 attempts")
    assert not CallRecord.objects.exists()
    assert webhooks_waiting_sweep(now=timezone.now() + timedelta(minutes=3)) == 0


def test_a_body_over_64_kib_is_refused_before_anything(post):
    """C1: an oversized event -> 413, nothing stored."""
    response = post(started(notes="x" * 70_000))

    assert response.status_code == 413
    assert not RawInbound.objects.exists()


def test_a_signed_event_is_stored_sealed_and_answered_before_any_call_is_made(client, provider):
    """H5: the answer waits only for the stored row; the call record is a worker's, after
    commit (no on-commit callbacks run here)."""
    _provider, secret = provider
    body, headers = signed(secret, started())

    response = client.post(URL, body, content_type="application/json", **headers)

    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    stored = RawInbound.objects.get()
    assert (stored.channel, stored.key) == ("phone", "pbx:c-1001:call.started")
    assert stored.encrypted and b"+821012345678" not in bytes(stored.payload)
    assert stored.processed_at is None and stored.process_after is not None
    assert not CallRecord.objects.exists()


def test_a_retry_before_the_first_delivery_was_read_changes_nothing(
    client, provider, known_number, policy, django_capture_on_commit_callbacks
):
    """H2: the PBX retries while the worker has not read the first delivery yet."""
    _provider, secret = provider
    body, headers = signed(secret, started())
    with django_capture_on_commit_callbacks(execute=False) as first_work:
        first = client.post(URL, body, content_type="application/json", **headers)
    with django_capture_on_commit_callbacks(execute=False) as second_work:
        second = client.post(URL, body, content_type="application/json", **headers)

    assert (first.json(), second.json()) == ({"status": "accepted"}, {"status": "duplicate"})
    assert first_work and not second_work  # the retry queues no second reading
    for callback in first_work:
        callback()
    assert CallRecord.objects.count() == 1 and Ticket.objects.count() == 1


def test_a_timestamp_five_minutes_ahead_of_our_clock_is_refused_too(post):
    """H3: the window is five minutes either way (our clock held still: a second passing
    between signing and checking would bring the timestamp back inside it)."""
    with time_machine.travel(timezone.now(), tick=False):
        response = post(started(), timestamp=int(time.time()) + 301)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "stale_timestamp"
    assert not RawInbound.objects.exists()


def test_an_unknown_provider_gets_the_same_answer_as_a_wrong_signature(client, provider):
    """H3: no oracle: nobody learns which provider keys exist."""
    _provider, secret = provider
    body, headers = signed(secret, started())

    unknown = client.post(
        "/channels/phone/other/events", body, content_type="application/json", **headers
    )
    forged = client.post(
        URL, body, content_type="application/json", **{**headers, **signed("x", started())[1]}
    )

    assert unknown.status_code == forged.status_code == 401
    assert unknown.json() == forged.json()
    assert unknown.json()["error"]["code"] == "bad_signature"


def test_the_channels_webhook_url_takes_the_same_events_with_the_same_checks(
    client, provider, django_capture_on_commit_callbacks
):
    """The adapter behind /channels/phone/<key>/events also answers at the channels' own URL,
    /channels/phone/<key>/webhook, with the same signature and answers."""
    _provider, secret = provider
    body, headers = signed(secret, started())
    url = "/channels/phone/pbx/webhook"

    forged = client.post(url, body, content_type="application/json", **signed("x", started())[1])
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, body, content_type="application/json", **headers)
    repeat = client.post(URL, body, content_type="application/json", **headers)

    assert forged.status_code == 401
    assert accepted.json() == {"status": "accepted"} and repeat.json() == {"status": "duplicate"}
    assert CallRecord.objects.get().external_id == "c-1001"


def test_a_refusal_is_in_the_language_the_request_asks_for(post):
    response = post(started(), secret="not-the-secret", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 401
    message = response.json()["error"]["message"]
    assert message != "The signature is missing or does not match."
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", message)
