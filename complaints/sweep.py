"""The complaint deadline sweep: act once on every warning and missed target whose time has
come, and close decided complaints whose appeal window ended.

It reads only `ComplaintDeadline` rows with `next_at <= now` (partial index
`complaint_deadline_next`), locked with SKIP LOCKED so overlapping sweeps share the work. Each
row's step is marked (`warned_at`, `breached_at`, `met_at`) in the same transaction that queues
its emails in the outbox with a dedupe key per complaint, target and step: a sweep run twice,
or a worker killed before delivery, sends each notice once (the outbox retries delivery).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from complaints import notices, services, workflow
from complaints.models import ComplaintDeadline, ComplaintEvent, Target

SWEEP_BATCH = 500


def deadline_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Act on up to `batch` due deadlines; returns how many were acted on."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            ComplaintDeadline.objects.filter(next_at__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("complaint__officer")
            .order_by("next_at")[:batch]
        )
        for row in rows:
            _act(row, now)
    return len(rows)


def _act(row: ComplaintDeadline, now: datetime) -> None:
    complaint = row.complaint
    if row.target == Target.APPEAL_WINDOW:
        row.met_at, row.next_at = now, None
        row.save(update_fields=["met_at", "next_at"])
        services.complaint_close_after_window(complaint=workflow.lock(complaint), now=now)
        return
    target = Target(row.target).label
    people = (
        notices.appeal_handlers(complaint)
        if row.target == Target.APPEAL_DECIDE
        else notices.complaint_handlers(complaint)
    )
    if row.warned_at is None and row.warn_at is not None and row.warn_at <= now < row.due_at:
        row.warned_at, row.next_at = now, row.due_at
        row.save(update_fields=["warned_at", "next_at"])
        key = f"deadline:{row.target}:warn"
        notices.notify_staff(
            complaint, people, "deadline_warning", key=key, target=target, due=row.due_at
        )
        return
    row.breached_at, row.next_at = now, None
    row.save(update_fields=["breached_at", "next_at"])
    workflow.record(complaint, ComplaintEvent.Kind.DEADLINE, by=None, reason=row.target, now=now)
    people = _unique([*people, *notices.escalation_people()])
    key = f"deadline:{row.target}:breach"
    notices.notify_staff(
        complaint, people, "deadline_breached", key=key, target=target, due=row.due_at
    )


def _unique(people: list) -> list:
    seen, unique = set(), []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique
