"""Retention sweeps: each kind of stored customer data (`support.RetentionPeriod.Kind`) that an
admin gave a period is deleted once older than it, in batches, by the apps that store it
(registered in `support.customer_data`); customers under a legal hold are left alone.

A kind without a row is kept (raw inbound payloads excepted: tickets.raw_inbound keeps them
30 days by default and purges them on its own sweep, which also honours legal holds)."""

from datetime import datetime, timedelta

from django.utils import timezone

from support.customer_data import retention_sweeps
from support.data_rights.holds import held_customer_ids
from support.models import RetentionPeriod

SWEPT_HERE = (RetentionPeriod.Kind.ATTACHMENT, RetentionPeriod.Kind.CHAT_TRANSCRIPT)
BATCH = 200


def retention_sweep(*, now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Run each swept kind's sweeps once; returns how many items of each were deleted."""
    now = now or timezone.now()
    periods = dict(RetentionPeriod.objects.filter(kind__in=SWEPT_HERE).values_list("kind", "days"))
    held = held_customer_ids()
    deleted = {}
    for kind, days in periods.items():
        before = now - timedelta(days=days)
        deleted[kind] = sum(sweep(before, held, batch) for sweep in retention_sweeps(kind))
    return deleted
