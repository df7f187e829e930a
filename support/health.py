"""Readiness of the parts the system needs: PostgreSQL, Redis and a Celery worker."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from support.tasks import HEARTBEAT_KEY


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def check_redis() -> dict:
    try:
        cache._cache.get_client().ping()
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def check_worker() -> dict:
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": type(error).__name__}
    if beat is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = round(time.time() - float(beat), 1)
    return {"ok": age <= settings.CELERY_HEARTBEAT_MAX_AGE, "seconds_since_heartbeat": age}


def system_health() -> dict:
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    return {"ok": all(check["ok"] for check in checks.values()), "checks": checks}
