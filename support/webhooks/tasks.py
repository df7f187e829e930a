"""Celery tasks of the webhooks: thin, idempotent, one endpoint at a time."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from support.queueing import task_queue
from support.webhooks.deliver import webhook_deliver
from support.webhooks.models import WebhookDelivery

# A delivery the task after commit is about to send is left to it this long by the sweep.
SWEEP_GRACE = timedelta(seconds=30)
ENDPOINT_BATCH = 100  # deliveries one endpoint task sends at most; the next sweep goes on


@shared_task(acks_late=True)
def webhook_deliver_task(delivery_id: int) -> None:
    """Send one delivery (written by webhook_emit or a replay), if still due."""
    webhook_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True)
def webhook_endpoint_deliver_task(endpoint_id: int) -> int:
    """Send one endpoint's due deliveries, oldest first, stopping at its first failure (the
    receiver is down: the rest waits for the next sweep). Returns how many were delivered."""
    delivered = 0
    for delivery_id in _due(timezone.now()).filter(endpoint_id=endpoint_id)[:ENDPOINT_BATCH]:
        delivery = webhook_deliver(delivery_id=delivery_id)
        if delivery is not None and delivery.delivered_at is None:
            break
        delivered += delivery is not None
    return delivered


@shared_task
def webhook_sweep_task() -> int:
    """Queue one task per endpoint with deliveries due (left behind by a lost task, or due
    for a retry); a hanging endpoint holds up only its own task. Returns how many queued."""
    endpoint_ids = set(_due(timezone.now()).values_list("endpoint_id", flat=True)[:10_000])
    for endpoint_id in sorted(endpoint_ids):
        task_queue(webhook_endpoint_deliver_task, endpoint_id)
    return len(endpoint_ids)


def _due(now):
    return (
        WebhookDelivery.objects.filter(next_attempt_at__lte=now - SWEEP_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
