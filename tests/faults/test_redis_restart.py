"""I2: Redis restarts (our own redis-server, stopped and started again on the same socket): what
was sent meanwhile is saved, and the cache, the SLA policy copy and the websocket channel layer
work again without restarting anything."""

import asyncio
import copy
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, ensure_roles
from tests.faults.conftest import point_redis_at
from tests.livechat.conftest import ORIGIN, WebsocketCommunicator, session_cookie, websocket_app
from tickets import live
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket
from tickets.policy_cache import VERSION_KEY
from tickets.services import ticket_assign


@pytest.fixture
def on_our_redis(settings, redis_server):
    """The cache and the channel layer on our own redis-server (a channel prefix of its own)."""
    point_redis_at(settings, redis_server.url)
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"faults-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers
    return redis_server


@pytest.fixture
def policy(db) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )


def receive(email: str) -> Ticket:
    return intake_message(InboundMessage(channel="web", customer_email=email, text="Help"))


@pytest.mark.django_db
def test_tickets_health_and_the_cache_through_a_restart(client, customer, policy, on_our_redis):
    """I2: while Redis is stopped a ticket is still saved and /healthz names Redis; once it is
    back the same process uses the cache again."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")
    assert client.get("/healthz").json()["checks"]["redis"] == {"ok": True}

    on_our_redis.stop()
    response = api.post("/api/v1/tickets/", {"subject": "Help", "text": "Help"}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.filter(reference=response.json()["reference"]).exists()
    assert client.get("/healthz").json()["checks"]["redis"]["ok"] is False

    on_our_redis.start()
    assert client.get("/healthz").json()["checks"]["redis"] == {"ok": True}
    cache.set("faults:probe", "back", timeout=60)
    assert on_our_redis.client().get("support:1:faults:probe") is not None


@pytest.mark.django_db
def test_signing_in_and_signed_in_pages_through_a_restart(client, customer, on_our_redis):
    """I2: sessions do not live in Redis: signing in works while it is stopped, and the session
    outlives the restart."""
    on_our_redis.stop()
    response = client.post(
        "/en/accounts/log-in/", {"username": customer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/en/tickets/").status_code == 200
    on_our_redis.start()
    assert client.get("/en/tickets/").status_code == 200


@pytest.mark.django_db
def test_the_policy_copy_reads_the_database_while_redis_is_down_then_resumes(
    customer, policy, on_our_redis
):
    """I2: a policy changed while Redis is stopped applies to the next ticket (read from
    PostgreSQL); after the restart the copy is trusted again until the version changes."""
    assert receive("a@example.com").first_response_due is not None
    on_our_redis.stop()
    policy.first_response_minutes = 5
    policy.save()  # the new version cannot be sent: no error for the admin
    ticket = receive("b@example.com")
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=5)

    on_our_redis.start()
    receive("c@example.com")  # reads the policies once more and sets a version
    assert on_our_redis.client().keys(f"*{VERSION_KEY}") != []
    SlaPolicy.objects.filter(pk=policy.pk).update(first_response_minutes=7)  # no new version
    ticket = receive("d@example.com")
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=5)  # the copy
    cache.set(VERSION_KEY, "changed elsewhere", timeout=None)
    ticket = receive("e@example.com")
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=7)


@pytest.mark.django_db
def test_a_change_made_while_redis_was_unreachable_reaches_every_process(
    settings, customer, policy, on_our_redis, redis_down
):
    """Redis was unreachable (not restarted: it kept the old version) when a policy changed:
    the version other processes compare with is replaced as soon as Redis answers again."""
    point_redis_at(settings, on_our_redis.url)
    receive("a@example.com")
    old_version = cache.get(VERSION_KEY)
    point_redis_at(settings, redis_down)  # cut off
    policy.first_response_minutes = 5
    policy.save()
    point_redis_at(settings, on_our_redis.url)  # reachable again, with its old keys
    receive("b@example.com")
    assert cache.get(VERSION_KEY) not in (None, old_version)


@pytest.mark.django_db(transaction=True)
def test_the_console_hears_ticket_changes_again_after_a_redis_restart(
    agent, teammate, policy, on_our_redis
):
    """I2: an open console socket is subscribed again by the channel layer once Redis is back:
    realtime resumes without restarting the websocket server or the page."""
    ensure_roles()
    ticket = receive("customer@example.com")
    cookie = session_cookie(agent)

    async def subscribed() -> None:
        client = on_our_redis.client()
        for _ in range(400):
            if client.pubsub_channels():
                return
            await asyncio.sleep(0.05)
        pytest.fail("the channel layer did not subscribe again within 20 s")

    async def scenario() -> dict:
        socket = WebsocketCommunicator(
            websocket_app(), "/ws/console/tickets/?view=mine", headers=[ORIGIN, cookie]
        )
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from() == {"type": "pong"}
        await asyncio.to_thread(on_our_redis.stop)
        await asyncio.to_thread(on_our_redis.start)
        await subscribed()
        await database_sync_to_async(ticket_assign)(ticket=ticket, agent=agent, by=teammate)
        frame = await socket.receive_json_from(timeout=10)
        await socket.disconnect()
        return frame

    frame = async_to_sync(scenario)()
    live.flush()
    assert frame["type"] == "ticket.changed"
    assert frame["reference"] == ticket.reference
    assert frame["assignee"] == agent.pk
