"""A real Celery worker (`celery -A config.celery worker`, as in production) on our own Redis
and the test database delivers webhooks to a real HTTP server on 127.0.0.1: the task queued
when the change commits, and the sweep for a delivery whose task was lost."""

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.utils import timezone

from support.webhooks import WebhookEvent, webhook_emit
from support.webhooks.models import WebhookDelivery
from support.webhooks.services import webhook_endpoint_create
from tests.faults import conftest as faults
from tests.faults.conftest import (
    BIN,
    ChildProcess,
    broker_at,
    point_redis_at,
    project_env,
    wait_for,
)
from tests.support.test_webhooks import verify
from tests.support.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)
redis_server = faults.redis_server  # our own redis-server, stopped after the test


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    auth = quote(db["USER"] or "", safe="") + password
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{quote(db['HOST'] or '', safe='')}{port}/{db['NAME']}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def worker(settings, redis_server) -> Iterator[Callable[[], ChildProcess]]:
    """One worker allowed to reach 127.0.0.1 (WEBHOOK_ALLOWED_HOSTS, as an internal
    integration would be); this process publishes its tasks to the same Redis."""
    point_redis_at(settings, redis_server.url)
    env = project_env(
        DATABASE_URL=database_url(),
        SECRET_KEY=str(settings.SECRET_KEY),  # the key the endpoints' secrets are sealed with
        REDIS_URL=redis_server.url,
        CHANNEL_LAYER_PREFIX=f"hooks-{uuid.uuid4().hex[:8]}",
        WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
        WEBHOOK_READ_TIMEOUT="5",
    )
    command = [str(BIN / "celery"), "-A", "config.celery", "worker", "-c", "1", "-l", "info"]
    command += ["-n", f"hooks-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"]
    with broker_at(redis_server.url):
        process = ChildProcess("worker", command, env)
        wait_for(
            lambda: " ready." in process.output() or not process.running,
            timeout=60,
            what="the worker to start",
        )
        assert process.running, process.output()
        yield process
    process.stop(graceful=False)


def delivered(delivery: WebhookDelivery) -> bool:
    delivery.refresh_from_db()
    return delivery.delivered_at is not None


def test_worker_delivers_a_signed_webhook_after_commit(worker, receiver):
    endpoint, secret = webhook_endpoint_create(
        name="CRM", url=receiver.url(), events=[WebhookEvent.CHAT_STARTED], by=None
    )

    with transaction.atomic():
        [delivery] = webhook_emit(WebhookEvent.CHAT_STARTED, {"chat": {"id": 5}})

    wait_for(lambda: delivered(delivery), what="the worker to deliver the webhook")
    [request] = receiver.requests
    assert request.headers["X-Support-Event-Id"] == str(delivery.event_id)
    assert verify(secret, request.headers, request.body)
    assert delivery.attempts == 1 and delivery.response_status == 200


def test_worker_sweep_delivers_what_a_lost_task_left(worker, receiver, redis_server):
    """The task published after commit was lost (Redis emptied): the sweep, run by the
    worker, queues the endpoint's task and the delivery arrives once."""
    endpoint, _secret = webhook_endpoint_create(
        name="CRM", url=receiver.url(), events=[WebhookEvent.CHAT_ENDED], by=None
    )
    nobody = f"unix:///tmp/hooks-nobody-{uuid.uuid4().hex[:6]}.sock"  # the broker is down
    with broker_at(nobody), transaction.atomic():
        [delivery] = webhook_emit(WebhookEvent.CHAT_ENDED, {"chat": {"id": 6}})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    assert receiver.requests == []

    from support.webhooks.tasks import webhook_sweep_task

    webhook_sweep_task.delay()

    wait_for(lambda: delivered(delivery), what="the sweep's task to deliver the webhook")
    assert len(receiver.requests) == 1
