from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import DateTimeField, ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Cast, Power
from django.utils import timezone

from support import audit, password_reset, services
from support.data_rights.tasks import (  # noqa: F401 - the worker finds them through this module
    customer_erase_task,
    data_export_build_task,
    data_rights_sweep_task,
    retention_sweep_task,
)
from support.models import OutboxEmail
from support.webhooks.tasks import (  # noqa: F401 - the worker finds them through this module
    webhook_deliver_task,
    webhook_endpoint_deliver_task,
    webhook_sweep_task,
)

HEARTBEAT_KEY = "celery:heartbeat"
# An email's delivery: at once, then retried by its task after these many seconds (a blip at the
# SMTP server), then by the sweep, each attempt twice as late (OUTBOX_RETRY_BASE × 2^attempts
# after the email was written), until OUTBOX_MAX_ATTEMPTS: SMTP may be down about two hours.
OUTBOX_TASK_RETRIES = (2, 20)
OUTBOX_RETRY_BASE = timedelta(seconds=60)
OUTBOX_RETRY_BATCH = 500
OUTBOX_RETRY_FAILURES = 3  # failed deliveries in a row that end a sweep: the server is down


@shared_task(bind=True, max_retries=len(OUTBOX_TASK_RETRIES), acks_late=True)
def outbox_deliver_task(self, email_id: int) -> None:
    """Deliver one email; after a failed attempt, try again soon (then the sweep takes over)."""
    services.outbox_deliver(email_id=email_id)
    retries = self.request.retries
    if retries < self.max_retries and _undelivered(email_id):
        raise self.retry(countdown=OUTBOX_TASK_RETRIES[retries])


@shared_task
def outbox_retry_task() -> int:
    """Deliver what was left behind (worker killed, broker down, SMTP failing), each email once
    its backoff has passed; returns how many were tried."""
    failures = tried = 0
    for email_id in outbox_due_for_retry(timezone.now()):
        tried += 1
        email = services.outbox_deliver(email_id=email_id)
        failed = email is not None and email.sent_at is None
        failures = failures + 1 if failed else 0
        if failures >= OUTBOX_RETRY_FAILURES:  # the rest waits for the next run
            break
    return tried


def _undelivered(email_id: int) -> bool:
    return OutboxEmail.objects.undelivered().filter(pk=email_id).exists()


def outbox_due_for_retry(now: datetime) -> list[int]:
    """Undelivered emails whose next attempt is due, oldest first."""
    retry_at = ExpressionWrapper(
        F("created_at") + Cast(Power(2, "attempts"), IntegerField()) * Value(OUTBOX_RETRY_BASE),
        output_field=DateTimeField(),
    )
    return list(
        OutboxEmail.objects.undelivered()
        .filter(created_at__lte=now - OUTBOX_RETRY_BASE)  # the partial index's column
        .alias(retry_at=retry_at)
        .filter(retry_at__lte=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:OUTBOX_RETRY_BATCH]
    )


@shared_task(acks_late=True)
def password_reset_send_task(*, email: str, language: str, domain: str, use_https: bool) -> None:
    password_reset.password_reset_send(
        email=email, language=language, domain=domain, use_https=use_https
    )


@shared_task
def heartbeat_task() -> None:
    """Proves to /healthz that a worker is consuming the queue."""
    cache.set(
        HEARTBEAT_KEY, timezone.now().timestamp(), timeout=settings.CELERY_HEARTBEAT_MAX_AGE * 4
    )


@shared_task
def sessions_clear_task() -> None:
    """Delete expired sessions (they live in PostgreSQL, so nothing else removes them)."""
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@shared_task
def audit_purge_task() -> int:
    """Daily: delete audit rows past their retention period (support.audit)."""
    return audit.audit_purge()
