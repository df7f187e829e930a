"""The complaints queue: one tab of complaints, the next due first, a page at a time.

A tab is a group of stages, or the viewer's own complaints and appeals ("mine"). Rows are
ordered by their next due time — the earliest running `ComplaintDeadline` — then by id, with
keyset pagination on that pair (`after`: "<due ISO>|<id>"; an empty due for complaints with no
running deadline, which come last). Each kind of tab is read the way its size calls for:

- a stage tab (possibly tens of thousands of complaints) walks its stage's running deadline
  (acknowledge, decide, appeal window, decide the appeal) in due order and stops at a page's
  worth, so a page costs the same whatever the tab holds;
- "mine" (one person's few dozen) sorts the person's complaints by their next due time;
- "closed" (most complaints, no deadline left) is newest first on the stage index.

A page is a constant number of statements whatever its rows: the page's ids, the complaints
with their people, their running deadlines (and, at a stage tab's end, the complaints with no
running deadline).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
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
    Target,
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
        try:
            moment = parse_datetime(due) if due else None
        except ValueError:  # well formed but no such moment (a 13th month)
            moment = None
        if not pk.isdigit() or len(pk) > 18 or (due and moment is None):
            raise InvalidCursor(value)
        return cls(due=moment, id=int(pk))


def earliest_due() -> Subquery:
    """The earliest due time of the complaint's running deadlines (paused ones included)."""
    running = ComplaintDeadline.objects.running().filter(complaint=OuterRef("pk"))
    return Subquery(running.order_by("due_at").values("due_at")[:1])


@dataclass(frozen=True)
class QueueFilters:
    tab: str
    category: str = ""
    language: str = ""


def queue_page(
    *, user: AbstractBaseUser, filters: QueueFilters, after: Cursor | None
) -> tuple[list[Complaint], Cursor | None]:
    """One page of the queue for `user` (complaints staff) after `after`, and the cursor of
    the next page (None: this is the last)."""
    if filters.tab == Tab.CLOSED:
        pairs = _newest_first(_conditions(filters, user), after)
    elif filters.tab == Tab.MINE:
        pairs = _one_persons(_conditions(filters, user), after)
    else:
        pairs = _by_deadline(filters, user, after)
    rows = _rows(pairs[:PAGE_SIZE])
    if len(pairs) <= PAGE_SIZE:
        return rows, None
    return rows, Cursor(due=rows[-1].earliest_due, id=rows[-1].pk)


def _more() -> int:
    """A page and one row more, to know whether another page follows."""
    return PAGE_SIZE + 1


def _conditions(filters: QueueFilters, user: AbstractBaseUser, prefix: str = "") -> Q:
    """The tab and filters as a condition on complaints (`prefix`: the path to them)."""
    if filters.tab == Tab.MINE:
        # The appeals as ids (few): an OR with a join would keep PostgreSQL off both indexes.
        reviewing = list(
            Appeal.objects.filter(reviewer=user, complaint__stage__in=APPEAL_STAGES).values_list(
                "complaint_id", flat=True
            )
        )
        mine = Q(**{f"{prefix}officer": user, f"{prefix}stage__in": OPEN_STAGES})
        condition = mine | Q(**{f"{prefix}pk__in": reviewing})
    else:
        condition = Q(**{f"{prefix}stage__in": Tab.STAGES[filters.tab]})
    for name in ("category", "language"):
        if value := getattr(filters, name):
            condition &= Q(**{f"{prefix}{name}": value})
    return condition


def _newest_first(condition: Q, after: Cursor | None) -> list[tuple]:
    complaints = Complaint.objects.filter(condition)
    if after is not None:
        complaints = complaints.filter(id__lt=after.id)
    return [(pk, None) for pk in complaints.order_by("-id").values_list("pk", flat=True)[: _more()]]


def _one_persons(condition: Q, after: Cursor | None) -> list[tuple]:
    """One person's complaints (a few dozen), each with its next due time, sorted."""
    complaints = Complaint.objects.filter(condition).annotate(earliest_due=earliest_due())
    if after is not None:
        complaints = complaints.filter(_after(after))
    ordered = complaints.order_by(F("earliest_due").asc(nulls_last=True), "id")
    return list(ordered.values_list("pk", "earliest_due")[: _more()])


def _after(cursor: Cursor) -> Q:
    """The rows after `cursor` in (next due, nulls last; id) order."""
    if cursor.due is None:
        return Q(earliest_due__isnull=True, id__gt=cursor.id)
    return (
        Q(earliest_due__gt=cursor.due)
        | Q(earliest_due=cursor.due, id__gt=cursor.id)
        | Q(earliest_due__isnull=True)
    )


# The deadline each stage tab is worked to (complaints/timers.py starts and meets them): the
# earliest running one of its complaints, as the acknowledgement runs out before the decision.
TAB_TARGETS = {
    Tab.NEW: Target.ACKNOWLEDGE,
    Tab.IN_PROGRESS: Target.DECIDE,
    Tab.DECIDED: Target.APPEAL_WINDOW,
    Tab.APPEALS: Target.APPEAL_DECIDE,
}


def _by_deadline(filters: QueueFilters, user: AbstractBaseUser, after: Cursor | None) -> list:
    """A stage tab, read from its stage's running deadlines in due order (one per complaint:
    a target runs once per complaint), then — once those run out — the tab's complaints
    without one, by id. The walk stops at a page's worth of rows, so a page costs the same
    however many complaints the tab holds (on the running deadlines' index by target and due
    time)."""
    running = ComplaintDeadline.objects.running().filter(target=TAB_TARGETS[filters.tab])
    pairs: list[tuple] = []
    if after is None or after.due is not None:
        firsts = running.filter(_conditions(filters, user, "complaint__"))
        if after is not None:
            # due_at >= d as well: the index scan starts at the cursor, not at the first row.
            firsts = firsts.filter(due_at__gte=after.due).filter(
                Q(due_at__gt=after.due) | Q(due_at=after.due, complaint_id__gt=after.id)
            )
        ordered = firsts.order_by("due_at", "complaint_id")
        pairs = list(ordered.values_list("complaint_id", "due_at")[: _more()])
    if len(pairs) < _more():
        undue = Complaint.objects.filter(_conditions(filters, user))
        undue = undue.filter(~Exists(running.filter(complaint=OuterRef("pk"))))
        if after is not None and after.due is None:
            undue = undue.filter(id__gt=after.id)
        ids = undue.order_by("id").values_list("pk", flat=True)[: _more() - len(pairs)]
        pairs += [(pk, None) for pk in ids]
    return pairs


# What a row shows: never the texts (a description may be 10,000 characters) nor whole users.
LISTED_FIELDS = (
    "reference",
    "stage",
    "category",
    "language",
    "customer__email",
    "officer__email",
    "appeal__reviewer__email",
)


def _rows(pairs: list[tuple]) -> list[Complaint]:
    """The complaints of `pairs` ((id, next due) in page order), with their people and running
    deadlines."""
    running = ComplaintDeadline.objects.running().order_by("due_at", "id")
    complaints = Complaint.objects.filter(pk__in=[pk for pk, _due in pairs])
    complaints = complaints.select_related("customer", "officer", "appeal__reviewer").only(
        *LISTED_FIELDS
    )
    by_id = {
        complaint.pk: complaint
        for complaint in complaints.prefetch_related(
            Prefetch("deadlines", queryset=running, to_attr="running_deadlines")
        )
    }
    rows = []
    for pk, due in pairs:
        row = by_id[pk]
        row.earliest_due = due
        rows.append(row)
    return rows


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


def due_of(deadline: ComplaintDeadline, now: datetime, target: str = "") -> Due:
    """`target`: the deadline's label, when the caller has it (a page labels many)."""
    left = deadline.due_at - now
    paused = deadline.paused_at is not None
    if paused:
        tone, text = "", pgettext("deadline", "paused")
    elif left < timedelta():
        tone, text = "breached", _span_text(-left, late=True)
    else:
        tone, text = ("warning" if left < SOON else "ok"), _span_text(left, late=False)
    label = target or deadline.get_target_display()
    return Due(text=text, tone=tone, at=deadline.due_at, target=label, paused=paused)


def _span_text(span: timedelta, *, late: bool) -> str:
    """ "due in 3 h", "overdue 2 d": minutes under an hour, hours under two days, else days."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        count = minutes
        text = (
            ngettext("overdue %(count)s min", "overdue %(count)s min", count)
            if late
            else ngettext("due in %(count)s min", "due in %(count)s min", count)
        )
    elif minutes < 48 * 60:
        count = minutes // 60
        text = (
            ngettext("overdue %(count)s h", "overdue %(count)s h", count)
            if late
            else ngettext("due in %(count)s h", "due in %(count)s h", count)
        )
    else:
        count = minutes // (24 * 60)
        text = (
            ngettext("overdue %(count)s d", "overdue %(count)s d", count)
            if late
            else ngettext("due in %(count)s d", "due in %(count)s d", count)
        )
    return text % {"count": count}


def labelled(rows: list[Complaint], now: datetime | None = None) -> None:
    """Each row's labels, link and next deadline (`row.labels.stage`, `row.url`, `row.due`),
    worked out once per page rather than a choices lookup and a reverse() per row."""
    now = now or timezone.now()
    labels = {
        name: {value: str(label) for value, label in Complaint._meta.get_field(name).flatchoices}
        for name in ("stage", "category", "language")
    }
    targets = {value: str(label) for value, label in Target.choices}
    page = reverse("complaints_console:queue") + "{}/"  # complaints_console:complaint
    for row in rows:
        row.labels = {name: labels[name].get(getattr(row, name), "") for name in labels}
        row.url = page.format(row.reference)
        deadlines = getattr(row, "running_deadlines", [])
        first = deadlines[0] if deadlines else None
        row.due = due_of(first, now, targets.get(first.target, "")) if first else None
