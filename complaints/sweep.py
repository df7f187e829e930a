"""The complaint deadline sweep: act once on every warning and missed target whose time has
come, and close decided complaints whose appeal window ended.

It reads only `ComplaintDeadline` rows with `next_at <= now` (partial index
`complaint_deadline_next`), and locks their complaints first, as every service does (complaint,
then its deadlines): a sweep that took a deadline's lock first and then wrote the complaint's
event could deadlock with a person changing that complaint. Complaints locked by someone else are
skipped (SKIP LOCKED) and picked up by the next run, so overlapping sweeps share the work. Each
row's step is marked (`warned_at`, `breached_at`, `met_at`) in the same transaction that queues
its emails in the outbox with a dedupe key per complaint, target and step: a sweep run twice,
or a worker killed before delivery, sends each notice once (the outbox retries delivery).
Who the notices go to is read once per run, so its reads do not grow with the rows due.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from complaints import notices, services
from complaints.models import Complaint, ComplaintDeadline, ComplaintEvent, Target
from complaints.workflow import record
from support.roles import Role

SWEEP_BATCH = 500
PROFILES = ("agent_profile", "customer_profile")  # read by each notice for its language


def deadline_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Act on the due deadlines of up to `batch` complaints; returns how many were acted on."""
    now = now or timezone.now()
    with transaction.atomic():
        complaints = _lock_due_complaints(now, batch)
        if not complaints:
            return 0
        rows = list(
            ComplaintDeadline.objects.filter(complaint__in=complaints, next_at__lte=now)
            .select_for_update(of=("self",))
            .order_by("next_at", "pk")
        )
        recipients = Recipients()
        for row in rows:
            row.complaint = complaints[row.complaint_id]
            _act(row, now, recipients)
    return len(rows)


def _lock_due_complaints(now: datetime, batch: int) -> dict[int, Complaint]:
    """The complaints with a deadline due, locked (those someone else holds are skipped), with
    the people their notices name."""
    due = ComplaintDeadline.objects.filter(next_at__lte=now).order_by("next_at")
    ids = list(due.values_list("complaint_id", flat=True)[:batch])
    if not ids:
        return {}
    related = [
        f"{person}__{profile}" for person in ("officer", "appeal__reviewer") for profile in PROFILES
    ]
    locked = (
        Complaint.objects.filter(pk__in=ids)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related(*related)
    )
    return {complaint.pk: complaint for complaint in locked}


class Recipients:
    """Who a run's notices go to: a complaint's officer or reviewer, else everyone in the role
    (each role read once per run)."""

    def __init__(self) -> None:
        self.roles: dict[tuple[str, ...], list] = {}

    def with_role(self, *roles: str) -> list:
        if roles not in self.roles:
            self.roles[roles] = notices.people_with_role(*roles)
        return self.roles[roles]

    def handlers(self, complaint: Complaint, target: str) -> list:
        if target == Target.APPEAL_DECIDE:
            appeal = getattr(complaint, "appeal", None)
            if appeal is not None and appeal.reviewer_id:
                return [appeal.reviewer]
            return self.with_role(Role.APPEAL_REVIEWER)
        if complaint.officer_id:
            return [complaint.officer]
        return self.with_role(Role.COMPLAINTS_OFFICER)

    def escalation(self) -> list:
        """Supervisors and administrators (`notices.escalation_people`)."""
        return self.with_role(Role.SUPERVISOR, Role.ADMIN)


def _act(row: ComplaintDeadline, now: datetime, recipients: Recipients) -> None:
    """One due step of `row` (its complaint locked by the caller)."""
    complaint = row.complaint
    if row.target == Target.APPEAL_WINDOW:
        row.met_at, row.next_at = now, None
        row.save(update_fields=["met_at", "next_at"])
        services.complaint_close_after_window(complaint=complaint, now=now)
        return
    target = Target(row.target).label
    people = recipients.handlers(complaint, row.target)
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
    record(complaint, ComplaintEvent.Kind.DEADLINE, by=None, reason=row.target, now=now)
    people = _unique([*people, *recipients.escalation()])
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
