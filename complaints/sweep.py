"""The complaint deadline sweep: act once on every warning and missed target whose time has
come, and close decided complaints whose appeal window ended.

It reads only `ComplaintDeadline` rows with `next_at <= now` (partial index
`complaint_deadline_next`), and locks their complaints first, as every service does (complaint,
then its deadlines): a sweep that took a deadline's lock first and then wrote the complaint's
event could deadlock with a person changing that complaint. Complaints locked by someone else are
skipped (SKIP LOCKED) and picked up by the next run. One sweep runs at a time (an advisory lock,
taken without waiting): a sweep delivered twice at once finds the other running and leaves the
due rows to it, so each person still gets one digest for the run, not two halves. Each
row's step is marked (`warned_at`, `breached_at`, `met_at`, one bulk update) in the same
transaction that queues the run's emails in the outbox: a sweep run twice, or a worker killed
before delivery, sends each notice once (the outbox retries delivery).

Staff get one digest email per person per run, listing every complaint of theirs whose target
is near or missed (breaches first), however many fell due: a surge must not bury an officer
under a thousand emails, nor the sweep under a thousand renderings. A customer whose appeal
window ended gets their own "closed" email. Who the notices go to is read once per run, so the
sweep's reads do not grow with the rows due.
"""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from complaints import notices, services, workflow
from complaints.digest import DeadlineDigest
from complaints.models import Complaint, ComplaintDeadline, ComplaintEvent, Target
from complaints.tasks import complaint_closed_notices_task
from support.bulk import update_rows
from support.queueing import task_queue_after_commit
from support.roles import Role

SWEEP_BATCH = 500
SWEEP_LOCK_CLASS = 0xC0DE  # the sweep's advisory lock (the second key: 0, one sweep at a time)
PROFILES = ("agent_profile", "customer_profile")  # read by each notice for its language


def deadline_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Act on the due deadlines of up to `batch` complaints; returns how many were acted on."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _sweep_claimed():  # another sweep is running: it acts on what is due
            return 0
        complaints = _lock_due_complaints(now, batch)
        if not complaints:
            return 0
        rows = list(
            ComplaintDeadline.objects.filter(complaint__in=complaints, next_at__lte=now)
            .select_for_update(of=("self",))
            .order_by("next_at", "pk")
        )
        recipients, digest, breaches = Recipients(), DeadlineDigest(), []
        for row in rows:
            row.complaint = complaints[row.complaint_id]
            _mark(row, now, recipients, digest, breaches)
        marks = ("warned_at", "breached_at", "met_at", "next_at")
        update_rows(
            ComplaintDeadline, marks, [(row.pk, *(getattr(row, f) for f in marks)) for row in rows]
        )
        workflow.record_many(
            [
                workflow.event_row(row.complaint_id, ComplaintEvent.Kind.DEADLINE, row.target, now)
                for row in breaches
            ]
        )
        ended = [row.complaint for row in rows if row.target == Target.APPEAL_WINDOW]
        if services.complaints_close_after_window(complaints=ended, now=now):
            task_queue_after_commit(complaint_closed_notices_task)
        digest.enqueue()
    return len(rows)


def _sweep_claimed() -> bool:
    """This transaction holds the sweep's lock (taken without waiting, released at its end)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, 0)", [SWEEP_LOCK_CLASS])
        return cursor.fetchone()[0]


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


def _mark(
    row: ComplaintDeadline,
    now: datetime,
    recipients: Recipients,
    digest: DeadlineDigest,
    breaches: list[ComplaintDeadline],
) -> None:
    """Mark the due step of `row` (its complaint locked by the caller) and note who to tell;
    the caller saves the marks, records the breaches and closes the ended appeal windows."""
    if row.target == Target.APPEAL_WINDOW:
        row.met_at, row.next_at = now, None
        return
    people = recipients.handlers(row.complaint, row.target)
    if row.warned_at is None and row.warn_at is not None and row.warn_at <= now < row.due_at:
        row.warned_at, row.next_at = now, row.due_at
        digest.add(people, row, missed=False)
        return
    row.breached_at, row.next_at = now, None
    breaches.append(row)
    digest.add([*people, *recipients.escalation()], row, missed=True)
