"""/healthz tells the load balancer whether PostgreSQL, Redis and a worker are up."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from support.tasks import heartbeat_task

pytestmark = pytest.mark.django_db


def test_healthy_when_everything_answers(client):
    heartbeat_task.delay()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == {"ok": True}
    assert response.json()["checks"]["redis"] == {"ok": True}
    assert response.json()["checks"]["worker"]["ok"] is True


def test_unhealthy_without_a_worker_heartbeat(client, settings):
    settings.HEALTH_STARTUP_GRACE = 0  # long started: no heartbeat means no worker
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no heartbeat yet"}


def test_starting_while_the_first_heartbeat_is_on_its_way(client, settings, caplog):
    """Just after start the worker has not beaten yet: "starting", answered 200 and logged as
    no error, so the start-up is not reported as an outage."""
    settings.HEALTH_STARTUP_GRACE = 3600  # this process started well within the grace period

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "starting"
    assert response.json()["checks"]["worker"] == {"ok": True, "state": "starting"}
    assert [record for record in caplog.records if record.levelname == "ERROR"] == []


def test_a_stale_heartbeat_is_down_also_while_starting(client, settings):
    """A heartbeat that stopped is an outage whatever the grace: only "none yet" is starting."""
    settings.HEALTH_STARTUP_GRACE = 3600
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        heartbeat_task.delay()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["worker"]["ok"] is False


def test_a_new_worker_beats_at_once(client, settings):
    """A worker reports itself when it is ready, not at beat's next tick."""
    from celery.signals import worker_ready

    settings.HEALTH_STARTUP_GRACE = 0
    worker_ready.send(sender=None)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_unhealthy_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: Redis is stopped
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["worker"]["ok"] is False
    assert response.json()["checks"]["database"] == {"ok": True}
