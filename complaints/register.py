"""The complaints register for regulators: one CSV row a complaint, with every date and outcome.

The column keys are English and stable (a machine format, documented in docs/api.md); dates
are ISO 8601 in UTC, outcomes their stored values. Rows are read through a server-side cursor
in chunks (`.iterator(chunk_size=…)`) and written out chunk by chunk, so memory stays flat
however many complaints there are. A cell starting like a spreadsheet formula (= + - @, a tab
or a carriage return) is prefixed with an apostrophe: descriptions of decisions and remedies
are free text, and the file is opened in spreadsheets.
"""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from django.db.models import Max, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from complaints.figures import DAY_SECONDS, BusinessDays, business_days_for, decide_calendar
from complaints.models import Complaint, ComplaintDeadline, Target

COLUMNS = (
    "reference",
    "submitted_at",
    "category",
    "language",
    "source",
    "stage",
    "acknowledged_at",
    "acknowledge_due_at",
    "acknowledged_on_time",
    "decided_at",
    "decide_due_at",
    "decided_on_time",
    "outcome",
    "decision_reason",
    "remedy",
    "appeal_submitted_at",
    "appeal_decided_at",
    "appeal_outcome",
    "closed_at",
    "days_to_acknowledge",
    "business_days_to_decide",
    "root_causes",
    "officer",
    "appeal_reviewer",
)
FIELDS = (
    "reference",
    "created_at",
    "category",
    "language",
    "source",
    "stage",
    "acknowledged_at",
    "acknowledge_due",
    "decided_at",
    "decide_due",
    "outcome",
    "decision_reason",
    "remedy",
    "appeal__created_at",
    "appeal__decided_at",
    "appeal__outcome",
    "closed_at",
    "root_causes",
    "officer__email",
    "appeal__reviewer__email",
)
CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def submitted_between(start: datetime | None, end: datetime | None) -> QuerySet[Complaint]:
    """The complaints submitted from `start` (included) to `end` (excluded)."""
    complaints = Complaint.objects.all()
    if start is not None:
        complaints = complaints.filter(created_at__gte=start)
    if end is not None:
        complaints = complaints.filter(created_at__lt=end)
    return complaints


def register_values(complaints: QuerySet[Complaint]) -> QuerySet:
    """The complaints oldest first, as plain values with their acknowledge and decide due
    times (one row each: a complaint has one deadline per target)."""
    deadlines = ComplaintDeadline.objects.filter(complaint=OuterRef("pk"))
    due = {
        "acknowledge_due": Subquery(deadlines.filter(target=Target.ACKNOWLEDGE).values("due_at")),
        "decide_due": Subquery(deadlines.filter(target=Target.DECIDE).values("due_at")),
    }
    return complaints.annotate(**due).order_by("id").values(*FIELDS)


def safe_cell(value: str) -> str:
    """The cell as text a spreadsheet shows rather than evaluates."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def moment(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def on_time(done: datetime | None, due: datetime | None, until: datetime) -> str:
    """yes / no, or blank while it can still be met (or there was no such deadline)."""
    if due is None:
        return ""
    if done is not None:
        return "yes" if done <= due else "no"
    return "no" if until > due else ""


def days(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / DAY_SECONDS:.2f}"


def register_row(row: dict, *, clock: BusinessDays | None, now: datetime) -> list[str]:
    """One complaint's cells, in the order of COLUMNS."""
    created, acknowledged, decided = row["created_at"], row["acknowledged_at"], row["decided_at"]
    until = row["closed_at"] or now
    to_acknowledge = (acknowledged - created).total_seconds() if acknowledged else None
    to_decide = clock.between(created, decided).total_seconds() if decided and clock else None
    cells = [
        row["reference"],
        moment(created),
        row["category"],
        row["language"],
        row["source"],
        row["stage"],
        moment(acknowledged),
        moment(row["acknowledge_due"]),
        on_time(acknowledged, row["acknowledge_due"], until),
        moment(decided),
        moment(row["decide_due"]),
        on_time(decided, row["decide_due"], until),
        row["outcome"],
        row["decision_reason"],
        row["remedy"],
        moment(row["appeal__created_at"]),
        moment(row["appeal__decided_at"]),
        row["appeal__outcome"] or "",
        moment(row["closed_at"]),
        days(to_acknowledge),
        days(to_decide),
        ";".join(row["root_causes"]),
        row["officer__email"] or "",
        row["appeal__reviewer__email"] or "",
    ]
    return [safe_cell(cell) for cell in cells]


def business_clock(complaints: QuerySet) -> BusinessDays | None:
    """The decide calendar's business days over the decided complaints' span (one query)."""
    bounds = complaints.filter(decided_at__isnull=False).aggregate(
        first=Min("created_at"), last=Max("decided_at")
    )
    if bounds["first"] is None:
        return None
    return business_days_for(decide_calendar(), bounds["first"], bounds["last"])


def register_csv(*, start: datetime | None = None, end: datetime | None = None) -> Iterator[str]:
    """The register as CSV text, the header first, then a piece per chunk of rows."""
    complaints = submitted_between(start, end)
    clock, now = business_clock(complaints), timezone.now()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n, row in enumerate(register_values(complaints).iterator(chunk_size=CHUNK), start=1):
        writer.writerow(register_row(row, clock=clock, now=now))
        if n % CHUNK == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
