"""Writing webhook deliveries: in the caller's transaction, one row per subscribed endpoint,
each sent by a task after commit (the sweep sends what a lost task left)."""

import json
import uuid
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from support.queueing import task_queue_after_commit
from support.webhooks.models import WebhookDelivery, WebhookEndpoint

Data = dict | Callable[[], dict]


def webhook_emit(event: str, data: Data) -> list[WebhookDelivery]:
    """Report `event` (a WebhookEvent) with `data` to every enabled endpoint subscribed to it.
    Call inside the transaction of the change: the rows commit or roll back with it. `data`
    may be a function, called only when some endpoint wants the event (the payload of a hot
    path like intake costs nothing while nobody subscribes)."""
    return webhook_emit_many([(event, data)])


def webhook_emit_many(events: Iterable[tuple[str, Data]]) -> list[WebhookDelivery]:
    """Several events of one change at once: one query for the endpoints, one insert."""
    events = list(events)
    names = sorted({event for event, _data in events})
    endpoints = list(
        WebhookEndpoint.objects.filter(enabled=True, events__overlap=names).only("pk", "events")
    )
    if not endpoints:
        return []
    now = timezone.now()
    rows = []
    for event, data in events:
        wanted_by = [endpoint for endpoint in endpoints if event in endpoint.events]
        if not wanted_by:
            continue
        event_id = uuid.uuid4()
        data = data() if callable(data) else data
        body = payload_body(event_id=event_id, event=event, created_at=now, data=data)
        rows += [
            WebhookDelivery(
                endpoint=endpoint, event=event, event_id=event_id, body=body, next_attempt_at=now
            )
            for endpoint in wanted_by
        ]
    WebhookDelivery.objects.bulk_create(rows)
    for row in rows:
        deliver_after_commit(row.pk)
    return rows


def payload_body(*, event_id: uuid.UUID, event: str, created_at, data: dict) -> str:
    payload = {"id": str(event_id), "event": event, "created_at": created_at, "data": data}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def deliver_after_commit(delivery_id: int) -> None:
    from support.webhooks.tasks import webhook_deliver_task

    task_queue_after_commit(webhook_deliver_task, delivery_id)
