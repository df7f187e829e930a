"""The one function that moves a complaint between stages, and the row lock it runs under.

`move` checks `Complaint.TRANSITIONS`, stamps the stage's time, applies the deadline table
(`complaints.timers.on_stage`) and writes the event row (who, when, from, to, why). Callers
are the services in `complaints.services`, inside `transaction.atomic()` with the complaint
locked by `lock`.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from complaints import timers
from complaints.errors import InvalidStage, StaleComplaint
from complaints.models import Complaint, ComplaintEvent, Stage
from complaints.webhook_events import webhooks_stage_changed
from support.bulk import insert_rows, update_rows

Kind = ComplaintEvent.Kind

STAMPS = {
    Stage.ACKNOWLEDGED: "acknowledged_at",
    Stage.DECIDED: "decided_at",
    Stage.CLOSED: "closed_at",
}


def lock(complaint: Complaint, version: int | None = None) -> Complaint:
    """The complaint re-read FOR UPDATE (inside a transaction); StaleComplaint when `version`
    is given and someone changed it since the caller read it."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if version is not None and version != locked.version:
        raise StaleComplaint
    return locked


def save(complaint: Complaint, fields) -> Complaint:
    """Save a locked complaint's changed fields and bump its version."""
    complaint.version += 1
    complaint.save(update_fields=[*set(fields), "version", "updated_at"])
    return complaint


def record(
    complaint: Complaint,
    kind: str,
    *,
    by: AbstractBaseUser | None,
    reason: str = "",
    public: bool = False,
    person: AbstractBaseUser | None = None,
    from_stage: str = "",
    to_stage: str = "",
    now: datetime | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=by if by is not None and by.is_authenticated else None,
        person=person,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        public=public,
        created_at=now or timezone.now(),
    )


def move(
    complaint: Complaint,
    to: str,
    *,
    by: AbstractBaseUser | None,
    reason: str = "",
    now: datetime | None = None,
) -> list[str]:
    """Move the locked `complaint` to `to`; returns the fields to save."""
    now = now or timezone.now()
    current, fields = _step(complaint, to, now)
    timers.on_stage(complaint, old=current, new=to, now=now)
    record(
        complaint,
        Kind.STAGE,
        by=by,
        reason=reason,
        public=True,
        from_stage=current,
        to_stage=to,
        now=now,
    )
    webhooks_stage_changed([(complaint, current)], now=now)
    return fields


def close_many(complaints: list[Complaint], *, reason: str, now: datetime) -> None:
    """Close many locked complaints at once (the deadline sweep's ended appeal windows): the
    same checks, stamps, clocks and events as `move`, written in a few statements whatever
    their number, and saved (versions bumped)."""
    if not complaints:
        return
    fields: set[str] = set()
    events, moves = [], []
    for complaint in complaints:
        current, moved = _step(complaint, Stage.CLOSED, now)
        fields.update(moved)
        moves.append((complaint, current))
        moved_from = {"from_stage": current, "to_stage": Stage.CLOSED}
        events.append(event_row(complaint.pk, Kind.STAGE, reason, now, public=True, **moved_from))
    timers.on_closed(complaints, now=now)
    record_many(events)
    webhooks_stage_changed(moves, now=now)
    for complaint in complaints:
        complaint.version += 1
        complaint.updated_at = now
    written = (*sorted(fields), "next_due", "next_target", "version", "updated_at")
    update_rows(
        Complaint,
        written,
        [(c.pk, *(getattr(c, name) for name in written)) for c in complaints],
    )


EVENT_FIELDS = (
    "complaint_id",
    "kind",
    "reason",
    "created_at",
    "public",
    "from_stage",
    "to_stage",
    "actor_id",
    "person_id",
)


def event_row(
    complaint_id: int,
    kind: str,
    reason: str,
    now: datetime,
    *,
    public: bool = False,
    from_stage: str = "",
    to_stage: str = "",
) -> tuple:
    """An event by nobody (the sweep), as `record_many` writes it."""
    return (complaint_id, kind, str(reason), now, public, from_stage, to_stage, None, None)


def record_many(rows: list[tuple]) -> None:
    """Write many `event_row`s in one statement (the sweep's hundreds at once)."""
    insert_rows(ComplaintEvent, EVENT_FIELDS, rows)


def _step(complaint: Complaint, to: str, now: datetime) -> tuple[str, list[str]]:
    """Check the transition and set the stage and its stamps; (the stage left, fields set)."""
    current = complaint.stage
    if to not in Complaint.TRANSITIONS[current]:
        raise InvalidStage(Stage(current).label, Stage(to).label)
    complaint.stage = to
    fields = ["stage", "appeal_deadline", "paused_at"]
    if stamp := STAMPS.get(to):
        setattr(complaint, stamp, now)
        fields.append(stamp)
    complaint.paused_at = now if to == Stage.WAITING_ON_CUSTOMER else None
    return current, fields


def start(complaint: Complaint, *, by: AbstractBaseUser | None, now: datetime) -> None:
    """A new complaint's first event and clocks (it is created in the submitted stage)."""
    timers.on_stage(complaint, old="", new=Stage.SUBMITTED, now=now)
    record(
        complaint, ComplaintEvent.Kind.STAGE, by=by, public=True, to_stage=Stage.SUBMITTED, now=now
    )
    webhooks_stage_changed([(complaint, "")], now=now)
