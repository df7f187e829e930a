"""Outbound webhooks: signed deliveries to a real HTTP server on 127.0.0.1 (allowed by the
allow-list here), retries with backoff, disabling with a notice, replay, and the refusals of
the URL guard (H4), with DNS answered by a hosts mapping passed in at the boundary."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from support.models import OutboxEmail
from support.webhooks import WebhookEvent, webhook_emit
from support.webhooks.deliver import (
    DISABLE_AFTER_FAILURES,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    retry_delay,
    webhook_deliver,
)
from support.webhooks.models import WebhookDelivery, WebhookEndpoint
from support.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_replay,
)
from support.webhooks.tasks import webhook_sweep_task
from support.webhooks.url_guard import UrlRefused, url_check
from tests.support.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_CONNECT_TIMEOUT = 2.0
    settings.WEBHOOK_READ_TIMEOUT = 0.5
    server = Receiver().start()
    yield server
    server.stop()


def endpoint_for(url: str, events=(WebhookEvent.TICKET_CREATED,)) -> tuple[WebhookEndpoint, str]:
    return webhook_endpoint_create(name="CRM", url=url, events=list(events), by=None)


def emit_committed(django_capture_on_commit_callbacks, data=None) -> list[WebhookDelivery]:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = webhook_emit(WebhookEvent.TICKET_CREATED, data or {"ticket": {"id": 7}})
    return rows


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, written from the documentation, not from our code."""
    parts = [item.split("=", 1) for item in headers["X-Support-Signature"].split(",")]
    timestamp = next(value for key, value in parts if key == "t")
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")


def test_delivery_is_signed_over_the_raw_body_and_carries_the_event_id(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = endpoint_for(receiver.url())

    emit_committed(django_capture_on_commit_callbacks, {"ticket": {"id": 7, "status": "new"}})

    [request] = receiver.requests
    payload = json.loads(request.body)
    assert payload["event"] == "ticket.created"
    assert payload["data"] == {"ticket": {"id": 7, "status": "new"}}
    assert request.headers["X-Support-Event-Id"] == payload["id"]
    assert request.headers["X-Support-Event"] == "ticket.created"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert verify(secret, request.headers, request.body)
    assert not verify("whsec_wrong", request.headers, request.body)
    assert not verify(secret, request.headers, request.body + b" ")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    assert delivery.response_status == 200 and delivery.attempts == 1


def test_secret_is_stored_sealed(receiver):
    endpoint, secret = endpoint_for(receiver.url())

    stored = bytes(WebhookEndpoint.objects.get(pk=endpoint.pk).secret_sealed)

    assert secret.encode() not in stored and len(stored) > 50


def test_rolled_back_change_sends_nothing(receiver, django_capture_on_commit_callbacks):
    """I5: the change rolled back, so its delivery was never written nor sent."""
    endpoint_for(receiver.url())

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        webhook_emit(WebhookEvent.TICKET_CREATED, {"ticket": {"id": 1}})
        raise RuntimeError("the change failed")

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_only_subscribed_and_enabled_endpoints_get_a_delivery(
    receiver, django_capture_on_commit_callbacks
):
    wanted, _secret = endpoint_for(receiver.url("/wanted"))
    endpoint_for(receiver.url("/other"), events=[WebhookEvent.CHAT_STARTED])
    off, _secret = endpoint_for(receiver.url("/off"))
    off.enabled = False
    webhook_endpoint_update(endpoint=off, changed=["enabled"], by=None)

    rows = emit_committed(django_capture_on_commit_callbacks)

    assert [row.endpoint_id for row in rows] == [wanted.pk]
    assert [request.path for request in receiver.requests] == ["/wanted"]


def test_failed_delivery_is_retried_with_growing_delays(receiver):
    endpoint, _secret = endpoint_for(receiver.url())
    receiver.status = 500
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )
    now = timezone.now()

    webhook_deliver(delivery_id=delivery.pk, now=now)

    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.delivered_at is None
    assert delivery.response_status == 500
    assert "500" in delivery.last_error
    wait = delivery.next_attempt_at - now
    assert timedelta(seconds=48) <= wait <= timedelta(seconds=72)
    # Not due yet: a second run (the sweep, a retried task) does not send it again.
    assert webhook_deliver(delivery_id=delivery.pk, now=now + timedelta(seconds=30)) is None
    assert len(receiver.requests) == 1


def test_retry_schedule_backs_off_with_jitter_and_gives_up():
    assert [delay.total_seconds() for delay in RETRY_DELAYS] == [
        60,
        300,
        1800,
        7200,
        21600,
        43200,
        86400,
    ]
    for attempts, nominal in enumerate(RETRY_DELAYS, start=1):
        delays = {retry_delay(attempts) for _ in range(20)}
        assert all(nominal * 0.8 <= delay <= nominal * 1.2 for delay in delays)
        assert len(delays) > 1  # jittered: endpoints' retries spread out
    assert MAX_ATTEMPTS == 8


def test_delivery_is_given_up_after_the_last_attempt(receiver):
    endpoint, _secret = endpoint_for(receiver.url())
    receiver.status = 503
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="ticket.created",
        body="{}",
        next_attempt_at=now,
        attempts=MAX_ATTEMPTS - 1,
    )

    webhook_deliver(delivery_id=delivery.pk, now=now)

    delivery.refresh_from_db()
    assert delivery.failed_at is not None and delivery.next_attempt_at is None
    assert delivery.attempts == MAX_ATTEMPTS


def test_hanging_endpoint_times_out_and_the_other_endpoint_still_gets_its_delivery(
    settings, django_capture_on_commit_callbacks
):
    """A webhook endpoint that hangs: the sender gives up after the read timeout and retries
    later; the other endpoint's delivery is sent all the same."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_READ_TIMEOUT = 0.5
    hanging, healthy = Receiver(hang=True).start(), Receiver().start()
    try:
        slow, _secret = endpoint_for(hanging.url())
        fine, _secret = endpoint_for(healthy.url())

        emit_committed(django_capture_on_commit_callbacks)

        assert len(healthy.requests) == 1
        assert len(hanging.requests) == 1
        stuck = WebhookDelivery.objects.get(endpoint=slow)
        assert stuck.delivered_at is None and stuck.next_attempt_at > timezone.now()
        assert stuck.last_error == "No answer within the time limit."
        assert WebhookDelivery.objects.get(endpoint=fine).delivered_at is not None
    finally:
        hanging.stop()
        healthy.stop()


def test_endpoint_trickling_its_answer_is_cut_off(receiver):
    """A receiver that answers a header line at a time, forever, never within the read
    timeout's reach: the whole exchange is cut off after its total deadline."""
    endpoint, _secret = endpoint_for(receiver.url())
    receiver.trickle = True
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )

    webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.delivered_at is None
    assert delivery.last_error == "No answer within the time limit."


def test_endpoint_failing_for_a_day_is_disabled_and_admins_get_a_notice(receiver, admin_user):
    endpoint, _secret = endpoint_for(receiver.url())
    receiver.status = 500
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=DISABLE_AFTER_FAILURES - 1, failing_since=now - timedelta(days=2)
    )
    failing, waiting = (
        WebhookDelivery.objects.create(
            endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=due
        )
        for due in (now, now + timedelta(hours=1))
    )

    webhook_deliver(delivery_id=failing.pk, now=now)

    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_at is not None
    waiting.refresh_from_db()
    assert waiting.next_attempt_at is None and waiting.failed_at is not None
    [notice] = OutboxEmail.objects.filter(to=admin_user.email)
    assert notice.subject == "Webhook endpoint “CRM” disabled after repeated failures"
    assert f"/admin/support/webhookendpoint/{endpoint.pk}/change/" in notice.body_text
    with transaction.atomic():
        assert webhook_emit(WebhookEvent.TICKET_CREATED, {"ticket": {"id": 8}}) == []


def test_short_outage_does_not_disable_the_endpoint(receiver, admin_user):
    endpoint, _secret = endpoint_for(receiver.url())
    receiver.status = 500
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=DISABLE_AFTER_FAILURES + 5, failing_since=now - timedelta(hours=3)
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=now
    )

    webhook_deliver(delivery_id=delivery.pk, now=now)

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert not OutboxEmail.objects.exists()


def test_success_clears_the_failure_count(receiver):
    endpoint, _secret = endpoint_for(receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=4, failing_since=timezone.now()
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )

    webhook_deliver(delivery_id=delivery.pk)

    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.failing_since is None


def test_replay_sends_the_same_event_again(receiver, django_capture_on_commit_callbacks):
    endpoint, secret = endpoint_for(receiver.url())
    [original] = emit_committed(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        replay = webhook_replay(delivery=original, by=None)

    first, second = receiver.requests
    assert second.body == first.body
    assert second.headers["X-Support-Event-Id"] == first.headers["X-Support-Event-Id"]
    assert second.headers["X-Support-Delivery"] != first.headers["X-Support-Delivery"]
    assert verify(secret, second.headers, second.body)
    replay.refresh_from_db()
    assert replay.replay_of == original and replay.delivered_at is not None


def test_rotated_secret_and_the_former_one_both_sign_for_a_while(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, old_secret = endpoint_for(receiver.url())

    new_secret = webhook_endpoint_rotate_secret(endpoint=endpoint, by=None)
    emit_committed(django_capture_on_commit_callbacks)

    [request] = receiver.requests
    assert new_secret != old_secret
    assert verify(new_secret, request.headers, request.body)
    assert verify(old_secret, request.headers, request.body)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_until=timezone.now() - timedelta(seconds=1)
    )
    emit_committed(django_capture_on_commit_callbacks)
    later = receiver.requests[1]
    assert verify(new_secret, later.headers, later.body)
    assert not verify(old_secret, later.headers, later.body)


def test_sweep_sends_what_a_lost_task_left_behind(receiver):
    """The task after commit never ran (broker down, worker killed): the sweep sends it."""
    endpoint, _secret = endpoint_for(receiver.url())
    with transaction.atomic():
        [delivery] = webhook_emit(WebhookEvent.TICKET_CREATED, {"ticket": {"id": 3}})
    # (no on-commit callbacks ran: the task was lost)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=2)
    )

    assert webhook_sweep_task() == 1

    delivery.refresh_from_db()
    assert delivery.delivered_at is not None
    assert len(receiver.requests) == 1
    assert webhook_sweep_task() == 0  # nothing left


def test_delivery_of_a_disabled_endpoint_is_given_up(receiver):
    endpoint, _secret = endpoint_for(receiver.url())
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)

    webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.failed_at is not None and receiver.requests == []


# --- The URL guard (H4) ------------------------------------------------------------------------


def hosts(mapping: dict[str, list[str]]):
    """A resolver answering from a hosts mapping, as DNS would (also rebinding answers)."""
    asked = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in mapping:
            raise UrlRefused(f"The host {host} cannot be resolved.")
        return mapping[host]

    resolve.asked = asked
    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    ],
)
def test_name_resolving_to_a_private_address_is_refused(settings, address):
    """H4: a DNS name pointing inside (metadata service, loopback, the LAN) is refused."""
    settings.WEBHOOK_ALLOWED_HOSTS = []

    with pytest.raises(UrlRefused, match="is not public"):
        url_check("https://hooks.example.com/in", resolver=hosts({"hooks.example.com": [address]}))


def test_one_private_record_among_public_ones_is_refused(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    resolver = hosts({"mixed.example.com": ["93.184.216.34", "10.0.0.8"]})

    with pytest.raises(UrlRefused, match="10.0.0.8"):
        url_check("https://mixed.example.com/", resolver=resolver)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:6379/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]:8080/",
        "http://2130706433/",  # 127.0.0.1 written as a number: the resolver says so
    ],
)
def test_internal_address_literals_are_refused(settings, url):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    resolver = hosts({"2130706433": ["127.0.0.1"]})

    with pytest.raises(UrlRefused, match="is not public"):
        url_check(url, resolver=resolver)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example.com/", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("gopher://hooks.example.com:70/", "Only http and https"),
        ("https://user:pass@hooks.example.com/", "user name or password"),
        ("http://hooks.example.com:22/", "Port 22 is not allowed"),
        ("https://hooks.example.com:25/", "Port 25 is not allowed"),
        ("https://unknown.example.com/", "cannot be resolved"),
    ],
)
def test_other_urls_are_refused_with_a_reason(settings, url, reason):
    settings.WEBHOOK_ALLOWED_HOSTS = []

    with pytest.raises(UrlRefused, match=reason):
        url_check(url, resolver=hosts({"hooks.example.com": ["93.184.216.34"]}))


def test_public_name_is_pinned_to_the_address_checked(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    resolver = hosts({"hooks.example.com": ["93.184.216.34"]})

    target = url_check("https://hooks.example.com:8443/in?x=1", resolver=resolver)

    assert (target.address, target.port, target.path) == ("93.184.216.34", 8443, "/in?x=1")
    assert target.host_header == "hooks.example.com:8443"


def test_allow_list_admits_an_internal_host_or_network(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["crm.internal", "10.20.0.0/16"]
    resolver = hosts({"crm.internal": ["10.9.9.9"], "erp.corp": ["10.20.3.4"]})

    assert url_check("http://crm.internal/hook", resolver=resolver).address == "10.9.9.9"
    assert url_check("http://erp.corp/hook", resolver=resolver).address == "10.20.3.4"
    with pytest.raises(UrlRefused):
        url_check("http://10.21.0.1/hook", resolver=resolver)


def test_delivery_connects_to_the_checked_address_with_the_name_as_host(
    settings, receiver, django_capture_on_commit_callbacks
):
    """DNS rebinding: the name is resolved once, by the guard, and the connection goes to the
    address it checked; the receiver still sees the name in the Host header."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.example.test"]
    endpoint, _secret = endpoint_for(f"http://hooks.example.test:{receiver.port}/in")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )
    resolver = hosts({"hooks.example.test": ["127.0.0.1"]})

    webhook_deliver(delivery_id=delivery.pk, resolver=resolver)

    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example.test:{receiver.port}"
    assert resolver.asked == ["hooks.example.test"]


def test_refused_address_is_recorded_and_nothing_is_sent(settings, receiver):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    endpoint, _secret = endpoint_for(f"http://metadata.example.com:{receiver.port}/")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )

    webhook_deliver(
        delivery_id=delivery.pk, resolver=hosts({"metadata.example.com": ["127.0.0.1"]})
    )

    delivery.refresh_from_db()
    assert delivery.last_error == (
        "Refused: The address 127.0.0.1 is not public: webhooks are not sent there."
    )
    assert delivery.next_attempt_at is not None and receiver.requests == []


def test_redirect_is_not_followed(receiver):
    """H4: a 302 to the metadata service is a failed delivery, not a request to it."""
    endpoint, _secret = endpoint_for(receiver.url())
    receiver.status, receiver.location = 302, "http://169.254.169.254/latest/meta-data/"
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )

    webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.delivered_at is None and delivery.response_status == 302
    assert delivery.last_error.startswith(
        "Redirect to http://169.254.169.254/latest/meta-data/ not followed"
    )
    assert len(receiver.requests) == 1


def test_secret_sealed_under_a_key_no_longer_configured_is_a_clear_failure(receiver, settings):
    endpoint, _secret = endpoint_for(receiver.url())
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="ticket.created", body="{}", next_attempt_at=timezone.now()
    )
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-key", []

    webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.last_error.startswith("The signing secret cannot be decrypted")
    assert receiver.requests == []
