"""The admin pages of webhooks: the secret shown once, rotation, URL refusals on save, the
delivery log's replay, the audit trail, and nobody but admins getting in."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from support.audit_models import AuditEntry
from support.webhooks.models import WebhookDelivery, WebhookEndpoint
from support.webhooks.services import endpoint_secrets, webhook_endpoint_create

pytestmark = pytest.mark.django_db
SECRET_RE = re.compile(r'<code id="webhook-secret">(whsec_[A-Za-z0-9_-]+)</code>')
ADD_URL = "/admin/support/webhookendpoint/add/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def add(client, **fields):
    data = {"name": "CRM", "url": "https://crm.example.com/hooks", "enabled": "on"}
    data.update(fields)
    data.setdefault("events", ["ticket.created", "ticket.solved"])
    return client.post(ADD_URL, data)


def test_creating_an_endpoint_shows_its_secret_once(admin_client):
    response = add(admin_client)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = SECRET_RE.search(response.content.decode()).group(1)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["ticket.created", "ticket.solved"]
    assert endpoint_secrets(endpoint) == [secret]
    change_page = admin_client.get(f"/admin/support/webhookendpoint/{endpoint.pk}/change/")
    assert change_page.status_code == 200
    assert secret not in change_page.content.decode()
    entry = AuditEntry.objects.get(action="webhook_endpoint_changed")
    assert entry.object_id == str(endpoint.pk)
    assert entry.detail["host"] == "crm.example.com"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://crm.example.com/", "Only http and https URLs can receive webhooks."),
        ("http://10.0.0.1/hooks", "The address 10.0.0.1 is not public"),
        ("http://[::1]:8080/", "The address ::1 is not public"),
        ("https://user:pw@crm.example.com/", "may not carry a user name or password"),
        ("http://crm.example.com:22/", "Port 22 is not allowed"),
    ],
)
def test_a_url_that_cannot_receive_webhooks_is_refused_on_save(admin_client, url, message):
    response = add(admin_client, url=url)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_edit_is_audited_and_enabling_again_clears_the_failures(admin_client):
    endpoint, _secret = webhook_endpoint_create(
        name="CRM", url="https://crm.example.com/", events=["chat.started"], by=None
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, disabled_at=timezone.now(), consecutive_failures=12
    )

    response = admin_client.post(
        f"/admin/support/webhookendpoint/{endpoint.pk}/change/",
        {
            "name": "CRM",
            "url": "https://crm.example.com/",
            "events": ["chat.started"],
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0
    assert endpoint.disabled_at is None
    entries = AuditEntry.objects.filter(action="webhook_endpoint_changed").order_by("at")
    details = [entry.detail["what"] for entry in entries]
    assert details == ["created", "changed"]


def test_rotating_shows_a_new_secret(admin_client):
    endpoint, old_secret = webhook_endpoint_create(
        name="CRM", url="https://crm.example.com/", events=["chat.started"], by=None
    )
    url = reverse("admin:support_webhookendpoint_rotate", args=[endpoint.pk])

    assert admin_client.get(url).status_code == 200
    assert endpoint_secrets(WebhookEndpoint.objects.get()) == [old_secret]  # a GET changes nothing
    response = admin_client.post(url)

    new_secret = SECRET_RE.search(response.content.decode()).group(1)
    assert new_secret != old_secret
    assert endpoint_secrets(WebhookEndpoint.objects.get()) == [new_secret, old_secret]


def test_the_delivery_log_replays_selected_deliveries(
    admin_client, django_capture_on_commit_callbacks
):
    endpoint, _secret = webhook_endpoint_create(
        name="CRM", url="https://crm.example.com/", events=["chat.started"], by=None
    )
    original = WebhookDelivery.objects.create(
        endpoint=endpoint, event="chat.started", body='{"id": "x"}', failed_at=timezone.now()
    )
    log = admin_client.get(f"/admin/support/webhookdelivery/?endpoint__id__exact={endpoint.pk}")
    assert log.status_code == 200 and "given up" in log.content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            "/admin/support/webhookdelivery/",
            {"action": "replay", "_selected_action": [original.pk]},
        )

    assert response.status_code == 302
    replay = WebhookDelivery.objects.get(replay_of=original)
    assert replay.body == original.body and replay.event_id == original.event_id
    assert replay.next_attempt_at is not None and len(callbacks) == 1


def test_agents_cannot_reach_the_webhook_admin(client, agent):
    client.force_login(agent)

    response = add(client)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not WebhookEndpoint.objects.exists()
