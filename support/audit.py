"""The one way to write the audit log (support.audit_models.AuditEntry), and its retention.

`audit_record` writes in the caller's transaction: a change that rolls back leaves no row.
Called without a request (from a service), it takes the client address, the request id and,
when no actor is named, the signed-in person from the request being served, which
`AuditRequestMiddleware` keeps for the duration of each request; a Celery task has none.
It stores labels and ids, never the text a person typed; `detail` holds small facts (which
fields changed, how many rows were exported), never secrets.
"""

import json
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from support.audit_models import MIN_RETENTION_DAYS, AuditAction, AuditEntry
from support.client import client_address
from support.text import redact_customer_text

DETAIL_MAX_CHARS = 4000
DEFAULT_RETENTION_DAYS = 7 * 365 + 2  # seven years, leap days included
PURGE_BATCH = 5000

_serving: ContextVar[HttpRequest | None] = ContextVar("audit_serving", default=None)


class AuditRequestMiddleware:
    """Keeps the request being served for audit_record calls made deeper down (services)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _serving.set(request)
        try:
            return self.get_response(request)
        finally:
            _serving.reset(token)


class AuditTarget(NamedTuple):
    """An object that is not a model row (a report, a search) named by type, id and label."""

    type: str
    id: str = ""
    label: str = ""


def audit_record(
    action: str,
    *,
    actor: AbstractBaseUser | None = None,
    request: HttpRequest | None = None,
    target: models.Model | AuditTarget | None = None,
    customer: AbstractBaseUser | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Write one audit row. `request` gives the actor when none is given, the client address
    (through the trusted proxies) and the request id."""
    action = AuditAction(action)  # an unknown action is a programming error: ValueError
    request = request if request is not None else _serving.get()
    if actor is None and request is not None:
        actor = _signed_in(request)
    object_type, object_id, object_label = _describe(target)
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=_label(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        customer=customer,
        at=timezone.now(),
        client_address=(client_address(request) or None) if request is not None else None,
        request_id=str(getattr(request, "request_id", "") or "")[:64],
        detail=_checked_detail(detail),
    )


def _signed_in(request: HttpRequest) -> AbstractBaseUser | None:
    user = getattr(request, "user", None)
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return user


def _label(user: AbstractBaseUser | None) -> str:
    return user.get_username()[:254] if user is not None else ""


def _describe(target: models.Model | AuditTarget | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, AuditTarget):
        kind, pk, label = target
    else:
        kind, pk, label = target._meta.label_lower, target.pk, str(target)
    # Labels of customers' objects (a ticket's subject, a post's title) were redacted when
    # stored; redact again all the same: the log outlives most of what it names.
    return str(kind)[:100], str(pk or "")[:64], redact_customer_text(label).text[:200]


def _checked_detail(detail: dict | None) -> dict:
    detail = detail or {}
    text = json.dumps(detail, cls=DjangoJSONEncoder)  # times in ISO 8601
    if len(text) > DETAIL_MAX_CHARS:
        raise ValueError("Audit detail is limited to small facts.")
    return json.loads(text)


# --- Retention --------------------------------------------------------------------------------


def audit_retention_days() -> int:
    """Days audit rows are kept: the admin's `support.RetentionPeriod` row, seven years without
    one, never less than the trigger's floor."""
    from support.models import RetentionPeriod

    row = RetentionPeriod.objects.filter(kind=RetentionPeriod.Kind.AUDIT_LOG).first()
    days = row.days if row is not None else DEFAULT_RETENTION_DAYS
    return max(days, MIN_RETENTION_DAYS)


def audit_purge(*, now=None) -> int:
    """Delete the rows older than the retention period, in batches; each batch in its own
    transaction, which tells the trigger it is the sweep (`SET LOCAL`). Returns the count."""
    cutoff = (now or timezone.now()) - timedelta(days=audit_retention_days())
    total = 0
    while deleted := _purge_batch(cutoff):
        total += deleted
    if total:
        audit_record(AuditAction.AUDIT_PURGED, detail={"deleted": total, "before": cutoff})
    return total


def _purge_batch(cutoff) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL support.audit_purge = 'on'")
        cursor.execute(
            "DELETE FROM support_auditentry WHERE id IN"
            " (SELECT id FROM support_auditentry WHERE at < %s ORDER BY at LIMIT %s)",
            [cutoff, PURGE_BATCH],
        )
        return cursor.rowcount
