from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from support import services
from support.models import OutboxEmail

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(bind=True, max_retries=5, retry_backoff=True, acks_late=True)
def outbox_deliver_task(self, email_id: int) -> None:
    services.outbox_deliver(email_id=email_id)


@shared_task
def outbox_retry_task() -> int:
    """Deliver what was left behind (worker killed, broker down, SMTP failure)."""
    stale = timezone.now() - timezone.timedelta(seconds=60)
    ids = list(
        OutboxEmail.objects.undelivered()
        .filter(created_at__lte=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        services.outbox_deliver(email_id=email_id)
    return len(ids)


@shared_task
def heartbeat_task() -> None:
    """Proves to /healthz that a worker is consuming the queue."""
    cache.set(
        HEARTBEAT_KEY, timezone.now().timestamp(), timeout=settings.CELERY_HEARTBEAT_MAX_AGE * 4
    )
