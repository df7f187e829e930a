"""The stage deadlines of one complaint as `ComplaintDeadline` rows (callers hold the
complaint's row lock, inside their transaction).

Which deadlines run in which stage is this module's table, applied on every stage move:
- submitted: acknowledge (24 h) and decide (15 business days) both start, counted from receipt;
- acknowledged: acknowledge is met;
- waiting on the customer: decide pauses; investigating again: it resumes, its due time moved on
  by the pause;
- decided: decide is met, the appeal window (14 days) starts;
- appealed: the window is met, the appeal decision (10 business days) starts;
- final decision: the appeal decision is met; closed: whatever still runs is cancelled.

After each move the complaint's `next_due` and `next_target` say which running, unpaused deadline
of staff's is due first (the appeal window is the customer's): the staff queue's order, read
from one index instead of every open complaint's deadlines.
"""

from datetime import datetime

from complaints import deadlines
from complaints.models import (
    NOTHING_DUE,
    Complaint,
    ComplaintDeadline,
    ComplaintTarget,
    Stage,
    Target,
    Unit,
)
from tickets import sla
from tickets.selectors import calendar_value

DEFAULTS = {
    Target.ACKNOWLEDGE: (24, Unit.HOURS, 4),
    Target.DECIDE: (15, Unit.BUSINESS_DAYS, 48),
    Target.APPEAL_WINDOW: (14, Unit.CALENDAR_DAYS, 0),
    Target.APPEAL_DECIDE: (10, Unit.BUSINESS_DAYS, 48),
}


def target_rule(target: str) -> tuple[int, str, int, sla.Calendar]:
    """(amount, unit, warn_before_hours, calendar) of a target: its row, else the default."""
    row = ComplaintTarget.objects.select_related("calendar").filter(target=target).first()
    if row is None:
        amount, unit, warn = DEFAULTS[target]
        return amount, unit, warn, deadlines.WEEKDAYS
    calendar = deadlines.WEEKDAYS if row.calendar is None else calendar_value(row.calendar)
    return row.amount, row.unit, row.warn_before_hours, calendar


def deadline_start(complaint: Complaint, target: str, *, start: datetime, now: datetime):
    """Start (or restart) `target`'s clock at `start`."""
    amount, unit, warn_hours, calendar = target_rule(target)
    due = deadlines.due_time(start=start, amount=amount, unit=unit, calendar=calendar)
    warn_at = deadlines.warn_time(due=due, warn_before_hours=warn_hours, now=now)
    values = {
        "started_at": start,
        "due_at": due,
        "warn_at": warn_at,
        "next_at": warn_at or due,
        "paused_at": None,
        "warned_at": None,
        "breached_at": None,
        "met_at": None,
        "cancelled_at": None,
    }
    row, _created = ComplaintDeadline.objects.update_or_create(
        complaint=complaint, target=target, defaults=values
    )
    return row


def deadline_meet(complaint: Complaint, target: str, *, now: datetime) -> None:
    ComplaintDeadline.objects.running().filter(complaint=complaint, target=target).update(
        met_at=now, next_at=None
    )


def deadline_pause(complaint: Complaint, target: str, *, now: datetime) -> None:
    ComplaintDeadline.objects.running().filter(
        complaint=complaint, target=target, paused_at__isnull=True
    ).update(paused_at=now, next_at=None)


def deadline_resume(complaint: Complaint, target: str, *, now: datetime) -> None:
    """Move the due time (and the warning) on by the pause, and let the sweep see it again."""
    row = (
        ComplaintDeadline.objects.running()
        .filter(complaint=complaint, target=target, paused_at__isnull=False)
        .first()
    )
    if row is None:
        return
    _amount, unit, warn_hours, calendar = target_rule(target)
    moved = {"paused_at": row.paused_at, "resumed_at": now, "unit": unit, "calendar": calendar}
    row.due_at = deadlines.after_pause(due=row.due_at, **moved)
    if row.warned_at is None:
        row.warn_at = deadlines.warn_time(due=row.due_at, warn_before_hours=warn_hours, now=now)
    row.paused_at = None
    row.next_at = _next_at(row)
    row.save(update_fields=["due_at", "warn_at", "paused_at", "next_at"])


def _next_at(row: ComplaintDeadline) -> datetime | None:
    if row.breached_at is not None:
        return None
    if row.warned_at is None and row.warn_at is not None:
        return row.warn_at
    return row.due_at


def deadlines_cancel(complaint: Complaint, *, now: datetime) -> None:
    ComplaintDeadline.objects.running().filter(complaint=complaint).update(
        cancelled_at=now, next_at=None
    )


def on_stage(complaint: Complaint, *, old: str, new: str, now: datetime) -> None:
    """Apply the table above for a move from `old` to `new`."""
    if new == Stage.SUBMITTED:
        deadline_start(complaint, Target.ACKNOWLEDGE, start=complaint.created_at, now=now)
        deadline_start(complaint, Target.DECIDE, start=complaint.created_at, now=now)
    elif new == Stage.ACKNOWLEDGED:
        deadline_meet(complaint, Target.ACKNOWLEDGE, now=now)
    elif new == Stage.WAITING_ON_CUSTOMER:
        deadline_pause(complaint, Target.DECIDE, now=now)
    elif new == Stage.INVESTIGATING and old == Stage.WAITING_ON_CUSTOMER:
        deadline_resume(complaint, Target.DECIDE, now=now)
    elif new == Stage.DECIDED:
        deadline_meet(complaint, Target.ACKNOWLEDGE, now=now)
        deadline_meet(complaint, Target.DECIDE, now=now)
        window = deadline_start(complaint, Target.APPEAL_WINDOW, start=now, now=now)
        complaint.appeal_deadline = window.due_at
    elif new == Stage.APPEALED:
        deadline_meet(complaint, Target.APPEAL_WINDOW, now=now)
        deadline_start(complaint, Target.APPEAL_DECIDE, start=now, now=now)
    elif new == Stage.FINAL_DECISION:
        deadline_meet(complaint, Target.APPEAL_DECIDE, now=now)
    elif new == Stage.CLOSED:
        deadlines_cancel(complaint, now=now)
    next_due_refresh(complaint)


def on_closed(complaints: list[Complaint], *, now: datetime) -> None:
    """`on_stage` to closed for many complaints at once: every clock still running cancelled,
    nothing left due (the caller saves `next_due` and `next_target` with the complaints)."""
    ComplaintDeadline.objects.running().filter(complaint__in=complaints).update(
        cancelled_at=now, next_at=None
    )
    for complaint in complaints:
        complaint.next_due, complaint.next_target = NOTHING_DUE, ""


def next_due_refresh(complaint: Complaint) -> None:
    """Write the complaint's next staff deadline (NOTHING_DUE when none runs)."""
    first = (
        ComplaintDeadline.objects.running()
        .filter(complaint=complaint, paused_at__isnull=True)
        .exclude(target=Target.APPEAL_WINDOW)
        .order_by("due_at", "id")
        .values_list("due_at", "target")
        .first()
    )
    complaint.next_due, complaint.next_target = first or (NOTHING_DUE, "")
    Complaint.objects.filter(pk=complaint.pk).update(
        next_due=complaint.next_due, next_target=complaint.next_target
    )


def running_deadlines(complaint: Complaint) -> list[ComplaintDeadline]:
    return list(ComplaintDeadline.objects.running().filter(complaint=complaint).order_by("due_at"))
