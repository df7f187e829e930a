"""Readiness of the parts the system needs: PostgreSQL, Redis and a Celery worker.

Just after start a Celery worker has not reported yet; that is "starting", not "down": for
HEALTH_STARTUP_GRACE seconds after this process started, a heartbeat that never came yet is
answered 200 with status "starting". A heartbeat that stopped is "down" at any time."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from support.tasks import HEARTBEAT_KEY

PROCESS_STARTED = time.monotonic()  # imported by SupportConfig.ready(), as the process starts


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
        if time.monotonic() - PROCESS_STARTED < settings.HEALTH_STARTUP_GRACE:
            return {"ok": True, "state": "starting"}
        return {"ok": False, "error": "no heartbeat yet"}
    age = round(time.time() - float(beat), 1)
    return {"ok": age <= settings.CELERY_HEARTBEAT_MAX_AGE, "seconds_since_heartbeat": age}


def system_health() -> dict:
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    ok = all(check["ok"] for check in checks.values())
    starting = any(check.get("state") == "starting" for check in checks.values())
    status = ("starting" if starting else "ok") if ok else "down"
    return {"ok": ok, "status": status, "checks": checks}
