"""/healthz tells the load balancer whether PostgreSQL, Redis and a worker are up."""

import pytest

from support.tasks import heartbeat_task

pytestmark = pytest.mark.django_db


def test_healthy_when_everything_answers(client):
    heartbeat_task.delay()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == {"ok": True}
    assert response.json()["checks"]["redis"] == {"ok": True}
    assert response.json()["checks"]["worker"]["ok"] is True


def test_unhealthy_without_a_worker_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no heartbeat yet"}


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
