"""Outbound webhooks (docs/webhooks.md). Higher apps call `webhook_emit(event, data)` inside
the transaction of the change they report; nothing else of this package is theirs to use."""

from support.webhooks.events import WebhookEvent


def webhook_emit(event: str, data) -> list:
    from support.webhooks.emit import webhook_emit as emit

    return emit(event, data)


def webhook_emit_many(events: list[tuple[str, object]]) -> list:
    from support.webhooks.emit import webhook_emit_many as emit_many

    return emit_many(events)


__all__ = ["WebhookEvent", "webhook_emit", "webhook_emit_many"]
