"""Shared by the audit tests of each app: a browser at a known address, and the one row."""

from django.test import Client

from support.audit_models import AuditEntry

ADDRESS = "203.0.113.9"


def browser() -> Client:
    return Client(REMOTE_ADDR=ADDRESS)


def only_row(action: str) -> AuditEntry:
    rows = list(AuditEntry.objects.filter(action=action))
    assert len(rows) == 1, rows
    return rows[0]


def assert_from(entry: AuditEntry, response, actor) -> None:
    """The row names the person, the client's address and the request that made it."""
    assert entry.actor == actor
    assert entry.actor_label == (actor.get_username() if actor else "")
    assert entry.client_address == ADDRESS
    assert entry.request_id == response["X-Request-ID"]
