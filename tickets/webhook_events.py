"""What tickets report to webhook endpoints (support.webhooks, docs/webhooks.md).

Payloads carry ids, states and links, never text: no subject, no message body (bodies are
stored redacted, but a receiver that wants one reads it through the API, under its own
permissions, from the link).
"""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from support.webhooks import WebhookEvent, webhook_emit, webhook_emit_many
from tickets.models import Message, Status, Ticket

TRACKED_FIELDS = ("status", "priority", "assignee", "team")


def ticket_data(ticket: Ticket) -> dict:
    site = settings.SITE_URL.rstrip("/")
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "language": ticket.language,
        "category": ticket.category,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "customer_id": ticket.customer_id,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "solved_at": ticket.solved_at,
        "console_url": site + reverse("tickets_console:ticket", args=[ticket.reference]),
        "api_url": site + reverse("api-ticket", args=[ticket.reference]),
    }


def message_data(ticket: Ticket, message: Message) -> dict:
    return {
        "ticket": ticket_data(ticket),
        "message": {
            "id": message.pk,
            "kind": message.kind,
            "channel": message.channel,
            "author_id": message.author_id,
            "created_at": message.created_at,
        },
    }


def _value(value: object) -> object:
    """A change's side as the payload names it: an id for a person or team, else the value."""
    return getattr(value, "pk", value)


def webhooks_ticket_created(ticket: Ticket, message: Message) -> None:
    webhook_emit_many(
        [
            (WebhookEvent.TICKET_CREATED, lambda: {"ticket": ticket_data(ticket)}),
            (WebhookEvent.MESSAGE_ADDED, lambda: message_data(ticket, message)),
        ]
    )


def webhooks_message_added(ticket: Ticket, message: Message) -> None:
    """A customer's message or a public reply (internal notes are not reported)."""
    if message.kind != Message.Kind.NOTE:
        webhook_emit(WebhookEvent.MESSAGE_ADDED, lambda: message_data(ticket, message))


def webhooks_ticket_changed(ticket: Ticket, changes: Iterable[tuple[str, object, object]]) -> None:
    """ticket.updated for changes of TRACKED_FIELDS, and ticket.solved when it was solved."""
    tracked = [
        {"field": field, "before": _value(before), "after": _value(after)}
        for field, before, after in changes
        if field in TRACKED_FIELDS and _value(before) != _value(after)
    ]
    if not tracked:
        return
    updated = (
        WebhookEvent.TICKET_UPDATED,
        lambda: {"ticket": ticket_data(ticket), "changes": tracked},
    )
    solved = any(c["field"] == "status" and c["after"] == Status.SOLVED for c in tracked)
    if solved:
        webhook_emit_many([updated, (WebhookEvent.TICKET_SOLVED, lambda: ticket_data_only(ticket))])
    else:
        webhook_emit_many([updated])


def ticket_data_only(ticket: Ticket) -> dict:
    return {"ticket": ticket_data(ticket)}


def webhooks_survey_answered(answer, *, kind: str) -> None:
    """A satisfaction (`kind` "satisfaction", about a ticket) or NPS answer: scores, not the
    customer's comment."""

    def data() -> dict:
        ticket = getattr(answer, "ticket", None)
        return {
            "survey": {
                "id": answer.pk,
                "kind": kind,
                "score": answer.score,
                "solved": getattr(answer, "solved", None),
                "language": answer.language,
                "channel": getattr(answer, "channel", None),
                "answered_at": answer.created_at,
                "ticket_id": ticket.pk if ticket else None,
                "ticket_reference": ticket.reference if ticket else None,
                "customer_id": getattr(answer, "customer_id", None)
                or getattr(ticket, "customer_id", None),
            }
        }

    webhook_emit(WebhookEvent.SURVEY_ANSWERED, data)
