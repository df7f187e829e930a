"""Writing webhook deliveries: in the caller's transaction, one row per subscribed endpoint,
each sent by a task after commit (the sweep sends what a lost task left).

Which endpoints want which events is kept in each process's memory (support.process_copies):
nearly every change of a ticket asks, and endpoints rarely change, so asking costs one small
Redis read, not a statement. Every change of an endpoint calls `subscriptions_changed()`.
"""

import json
import uuid
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from support.process_copies import ProcessCopy
from support.queueing import task_queue_after_commit
from support.webhooks.models import WebhookDelivery, WebhookEndpoint

Data = dict | Callable[[], dict]
Subscriptions = tuple[tuple[int, frozenset[str]], ...]  # (endpoint id, its events), enabled ones


def _load() -> Subscriptions:
    rows = WebhookEndpoint.objects.filter(enabled=True).values_list("pk", "events")
    return tuple((pk, frozenset(events)) for pk, events in rows)


_subscriptions = ProcessCopy(key="webhooks:subscriptions", name="webhook subscriptions", load=_load)


def subscriptions_changed() -> None:
    """An endpoint was added, edited or disabled: every process reads them again."""
    _subscriptions.changed()


def webhook_emit(event: str, data: Data) -> list[WebhookDelivery]:
    """Report `event` (a WebhookEvent) with `data` to every enabled endpoint subscribed to it.
    Call inside the transaction of the change: the rows commit or roll back with it. `data`
    may be a function, called only when some endpoint wants the event (the payload of a hot
    path like intake costs nothing while nobody subscribes)."""
    return webhook_emit_many([(event, data)])


def webhook_emit_many(events: Iterable[tuple[str, Data]]) -> list[WebhookDelivery]:
    """Several events of one change at once: one look at the subscriptions, one insert."""
    events = list(events)
    names = {event for event, _data in events}
    endpoints = [(pk, wanted) for pk, wanted in _subscriptions.get() if wanted & names]
    if not endpoints:
        return []
    now = timezone.now()
    rows = []
    for event, data in events:
        wanted_by = [pk for pk, wanted in endpoints if event in wanted]
        if not wanted_by:
            continue
        event_id = uuid.uuid4()
        data = data() if callable(data) else data
        body = payload_body(event_id=event_id, event=event, created_at=now, data=data)
        rows += [
            WebhookDelivery(
                endpoint_id=pk, event=event, event_id=event_id, body=body, next_attempt_at=now
            )
            for pk in wanted_by
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
