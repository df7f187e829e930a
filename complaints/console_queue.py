"""The complaints queue: one tab of complaints, the next due first, a page at a time.

A tab is a group of stages (or the viewer's own complaints and appeals). Rows are ordered by
their next due time — the earliest running `ComplaintDeadline` — then by id, with keyset
pagination on that pair (`after`: "<due ISO>|<id>", an empty due for complaints with no
running deadline, which come last); the closed tab, with no deadline left, newest first. A page
is two statements whatever the number of rows: the complaints (with their people) and their
running deadlines.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext, pgettext

from complaints.console_forms import Tab
from complaints.models import (
    APPEAL_STAGES,
    OPEN_STAGES,
    Appeal,
    Complaint,
    ComplaintDeadline,
)

PAGE_SIZE = 50
SOON = timedelta(hours=4)


class InvalidCursor(ValueError):
    """The `after` of a page is not one this queue wrote."""


@dataclass(frozen=True)
class Cursor:
    due: datetime | None
    id: int

    def __str__(self) -> str:
        return f"{self.due.isoformat() if self.due else ''}|{self.id}"

    @classmethod
    def parse(cls, value: str) -> "Cursor | None":
        if not value:
            return None
        due, _bar, pk = value.partition("|")
        moment = parse_datetime(due) if due else None
        if not pk.isdigit() or len(pk) > 18 or (due and moment is None):
            raise InvalidCursor(value)
        return cls(due=moment, id=int(pk))


def next_due() -> Subquery:
    """The earliest due time of the complaint's running deadlines (paused ones included)."""
    running = ComplaintDeadline.objects.running().filter(complaint=OuterRef("pk"))
    return Subquery(running.order_by("due_at").values("due_at")[:1])


def queue_complaints(
    *, user: AbstractBaseUser, tab: str, category: str = "", language: str = ""
) -> QuerySet[Complaint]:
    """The complaints of `tab` for `user` (complaints staff), filtered, unpaginated."""
    complaints = _tab(Complaint.objects.all(), tab=tab, user=user)
    if category:
        complaints = complaints.filter(category=category)
    if language:
        complaints = complaints.filter(language=language)
    return complaints


def _tab(complaints: QuerySet, *, tab: str, user: AbstractBaseUser) -> QuerySet:
    if tab != Tab.MINE:
        return complaints.filter(stage__in=Tab.STAGES[tab])
    # The appeals as ids (few): an OR with a join would keep PostgreSQL off both indexes.
    reviewing = list(
        Appeal.objects.filter(reviewer=user, complaint__stage__in=APPEAL_STAGES).values_list(
            "complaint_id", flat=True
        )
    )
    return complaints.filter(Q(officer=user, stage__in=OPEN_STAGES) | Q(pk__in=reviewing))


def queue_page(
    complaints: QuerySet[Complaint], *, tab: str, after: Cursor | None
) -> tuple[list[Complaint], Cursor | None]:
    """One page of `complaints` after `after`, and the cursor of the next page (None: last)."""
    if tab == Tab.CLOSED:
        if after is not None:
            complaints = complaints.filter(id__lt=after.id)
        ordered = complaints.order_by("-id")
    else:
        complaints = complaints.annotate(next_due=next_due())
        if after is not None:
            complaints = complaints.filter(_after(after))
        ordered = complaints.order_by(F("next_due").asc(nulls_last=True), "id")
    rows = list(_with_people(ordered)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not more:
        return rows, None
    last = rows[-1]
    return rows, Cursor(due=getattr(last, "next_due", None), id=last.pk)


def _after(cursor: Cursor) -> Q:
    """The rows after `cursor` in (next due, nulls last; id) order."""
    if cursor.due is None:
        return Q(next_due__isnull=True, id__gt=cursor.id)
    return (
        Q(next_due__gt=cursor.due)
        | Q(next_due=cursor.due, id__gt=cursor.id)
        | Q(next_due__isnull=True)
    )


def _with_people(complaints: QuerySet) -> QuerySet:
    running = ComplaintDeadline.objects.running().order_by("due_at", "id")
    return complaints.select_related("customer", "officer", "appeal__reviewer").prefetch_related(
        Prefetch("deadlines", queryset=running, to_attr="running_deadlines")
    )


# --- How a due time reads --------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A deadline as the console shows it: "due in 3 h", "overdue 2 d" or paused, its tone
    (ok, warning, breached) and the due time itself."""

    text: str
    tone: str
    at: datetime
    target: str
    paused: bool


def due_of(deadline: ComplaintDeadline, now: datetime) -> Due:
    left = deadline.due_at - now
    if deadline.paused_at is not None:
        tone, text = "", pgettext("deadline", "paused")
    elif left < timedelta():
        tone, text = "breached", _overdue(-left)
    else:
        tone, text = ("warning" if left < SOON else "ok"), _due_in(left)
    label = deadline.get_target_display()
    paused = deadline.paused_at is not None
    return Due(text=text, tone=tone, at=deadline.due_at, target=label, paused=paused)


def _amount(span: timedelta) -> tuple[int, str]:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return minutes, "min"
    if minutes < 48 * 60:
        return minutes // 60, "h"
    return minutes // (24 * 60), "d"


def _due_in(span: timedelta) -> str:
    count, unit = _amount(span)
    words = {
        "min": ngettext("due in %(count)s min", "due in %(count)s min", count),
        "h": ngettext("due in %(count)s h", "due in %(count)s h", count),
        "d": ngettext("due in %(count)s d", "due in %(count)s d", count),
    }
    return words[unit] % {"count": count}


def _overdue(span: timedelta) -> str:
    count, unit = _amount(span)
    words = {
        "min": ngettext("overdue %(count)s min", "overdue %(count)s min", count),
        "h": ngettext("overdue %(count)s h", "overdue %(count)s h", count),
        "d": ngettext("overdue %(count)s d", "overdue %(count)s d", count),
    }
    return words[unit] % {"count": count}


def labelled(rows: list[Complaint], now: datetime | None = None) -> None:
    """Each row's labels and next deadline (`row.labels.stage`, `row.due`), worked out once per
    page rather than a choices lookup per row and field."""
    now = now or timezone.now()
    labels = {
        name: {value: str(label) for value, label in Complaint._meta.get_field(name).flatchoices}
        for name in ("stage", "category", "language")
    }
    for row in rows:
        row.labels = {name: labels[name].get(getattr(row, name), "") for name in labels}
        deadlines = getattr(row, "running_deadlines", [])
        row.due = due_of(deadlines[0], now) if deadlines else None
