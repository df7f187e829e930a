"""Complaint figures for supervisors: one function per figure, each defined in docs/metrics.md.

Each runs one or two aggregate queries over the complaints submitted in a period, whatever
their number; medians and 90th percentiles are PostgreSQL's `percentile_cont`. Time to decide
is counted in business days of the decide target's calendar: `BusinessDays` turns the
calendar into a running total of business time per day, so the business time between two
instants is the difference of two lookups — the arithmetic of
`complaints.deadlines.business_time_between`, done in SQL for every complaint at once.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, FloatField, Func, Max, Min, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from complaints import deadlines, timers
from complaints.models import (
    AppealOutcome,
    Category,
    Complaint,
    ComplaintDeadline,
    Outcome,
    Stage,
    Target,
)
from support.aggregates import Percentile
from support.registry import figure
from tickets import sla

DEFAULT_DAYS = 90
HOUR = 3600.0
DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Period:
    """Complaints submitted from `start` (included) to `end` (excluded)."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, *, start: datetime | None = None) -> "Period":
        return cls(start or end - timedelta(days=DEFAULT_DAYS), end)


@dataclass(frozen=True)
class Spread:
    """The median and 90th percentile of `count` durations (None when there are none)."""

    median: float | None
    p90: float | None
    count: int


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


class Epoch(Func):
    """The seconds of an interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


def submitted(period: Period) -> QuerySet[Complaint]:
    return Complaint.objects.filter(created_at__gte=period.start, created_at__lt=period.end)


# --- Volume -----------------------------------------------------------------------------------


def volume_by_category(period: Period) -> dict[str, int]:
    """Complaints submitted in the period, per category (categories with none left out)."""
    rows = submitted(period).values("category").annotate(n=Count("id")).order_by("-n", "category")
    return {row["category"]: row["n"] for row in rows}


def volume_by_language(period: Period) -> dict[str, int]:
    rows = submitted(period).values("language").annotate(n=Count("id")).order_by("-n", "language")
    return {row["language"]: row["n"] for row in rows}


# --- Times ------------------------------------------------------------------------------------


def time_to_acknowledge(period: Period) -> Spread:
    """Hours of wall time from submission to acknowledgement, over the acknowledged ones."""
    hours = Epoch(F("acknowledged_at") - F("created_at")) / HOUR
    row = (
        submitted(period)
        .filter(acknowledged_at__isnull=False)
        .aggregate(count=Count("id"), median=Percentile(hours, 0.5), p90=Percentile(hours, 0.9))
    )
    return Spread(row["median"], row["p90"], row["count"])


@dataclass(frozen=True)
class BusinessDays:
    """Per calendar day from `days[0]` on: when it begins and ends (UTC), whether it is a
    business day, and the business seconds before it begins."""

    zone: str
    days: list[date]
    begins: list[datetime]
    ends: list[datetime]
    open: list[bool]
    totals: list[float]

    @classmethod
    def build(cls, calendar: sla.Calendar, first: date, last: date) -> "BusinessDays":
        zone = ZoneInfo(calendar.timezone)
        table = cls(calendar.timezone, [], [], [], [], [])
        total, day = 0.0, first
        while day <= last:
            begin = datetime.combine(day, time(0), zone).astimezone(UTC)
            end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
            is_open = deadlines.is_business_day(calendar, day)
            for column, value in zip(
                (table.days, table.begins, table.ends, table.open, table.totals),
                (day, begin, end, is_open, total),
                strict=True,
            ):
                column.append(value)
            total += (end - begin).total_seconds() if is_open else 0.0
            day += timedelta(days=1)
        return table

    def seconds_before(self, moment: datetime) -> float:
        """Business seconds from the table's first day to `moment`."""
        n = (moment.astimezone(ZoneInfo(self.zone)).date() - self.days[0]).days
        if not self.open[n]:
            return self.totals[n]
        inside = (moment - self.begins[n]).total_seconds()
        return self.totals[n] + min(
            max(inside, 0.0), (self.ends[n] - self.begins[n]).total_seconds()
        )

    def between(self, start: datetime, end: datetime) -> timedelta:
        seconds = self.seconds_before(end) - self.seconds_before(start)
        return timedelta(seconds=max(seconds, 0.0))


def decide_calendar() -> sla.Calendar:
    return timers.target_rule(Target.DECIDE)[3]


def business_days_for(calendar: sla.Calendar, first: datetime, last: datetime) -> BusinessDays:
    """The table covering both instants' days on the calendar (a day's margin each side)."""
    zone = ZoneInfo(calendar.timezone)
    start = first.astimezone(zone).date() - timedelta(days=1)
    end = last.astimezone(zone).date() + timedelta(days=1)
    return BusinessDays.build(calendar, start, end)


TIME_TO_DECIDE = """
WITH days AS (
    SELECT * FROM unnest(%(days)s::date[], %(begins)s::timestamptz[], %(ends)s::timestamptz[],
                         %(open)s::boolean[], %(totals)s::float8[])
        AS d(day, begins, ends, open, total)
), spans AS (
    SELECT (dd.total + CASE WHEN dd.open THEN LEAST(GREATEST(
                EXTRACT(EPOCH FROM c.decided_at - dd.begins)::float8, 0),
                EXTRACT(EPOCH FROM dd.ends - dd.begins)::float8) ELSE 0 END)
         - (ds.total + CASE WHEN ds.open THEN LEAST(GREATEST(
                EXTRACT(EPOCH FROM c.created_at - ds.begins)::float8, 0),
                EXTRACT(EPOCH FROM ds.ends - ds.begins)::float8) ELSE 0 END) AS seconds
    FROM complaints_complaint c
    JOIN days ds ON ds.day = (c.created_at AT TIME ZONE %(zone)s)::date
    JOIN days dd ON dd.day = (c.decided_at AT TIME ZONE %(zone)s)::date
    WHERE c.decided_at IS NOT NULL AND c.created_at >= %(start)s AND c.created_at < %(end)s
)
SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
FROM spans
"""


def time_to_decide(period: Period) -> Spread:
    """Business days (decide target's calendar) from submission to the first decision, over
    the decided ones; time waiting on the customer is included."""
    decided = submitted(period).filter(decided_at__isnull=False)
    bounds = decided.aggregate(first=Min("created_at"), last=Max("decided_at"))
    if bounds["first"] is None:
        return Spread(None, None, 0)
    table = business_days_for(decide_calendar(), bounds["first"], bounds["last"])
    params = {
        "days": table.days,
        "begins": table.begins,
        "ends": table.ends,
        "open": table.open,
        "totals": table.totals,
        "zone": table.zone,
        "start": period.start,
        "end": period.end,
    }
    with connection.cursor() as cursor:
        cursor.execute(TIME_TO_DECIDE, params)
        count, median, p90 = cursor.fetchone()
    return Spread(_in_days(median), _in_days(p90), count)


def _in_days(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / DAY_SECONDS


# --- Decisions and appeals --------------------------------------------------------------------


def uphold_rate(period: Period) -> Rate:
    """Upheld or partly upheld, out of the complaints decided."""
    row = submitted(period).aggregate(
        decided=Count("id", filter=Q(decided_at__isnull=False)),
        upheld=Count(
            "id",
            filter=Q(decided_at__isnull=False, outcome__in=(Outcome.UPHELD, Outcome.PARTLY_UPHELD)),
        ),
    )
    return Rate(row["upheld"], row["decided"])


def appeal_rate(period: Period) -> Rate:
    """Appealed, out of the complaints decided."""
    row = submitted(period).aggregate(
        decided=Count("id", filter=Q(decided_at__isnull=False)),
        appealed=Count("id", filter=Q(decided_at__isnull=False, appeal__isnull=False)),
    )
    return Rate(row["appealed"], row["decided"])


def overturn_rate(period: Period) -> Rate:
    """Overturned or modified, out of the appeals decided."""
    changed = (AppealOutcome.OVERTURNED, AppealOutcome.MODIFIED)
    row = submitted(period).aggregate(
        decided=Count("id", filter=Q(appeal__decided_at__isnull=False)),
        changed=Count(
            "id", filter=Q(appeal__decided_at__isnull=False, appeal__outcome__in=changed)
        ),
    )
    return Rate(row["changed"], row["decided"])


# --- Now --------------------------------------------------------------------------------------


def past_deadline(now: datetime | None = None) -> int:
    """Open complaints with a deadline of the team's that has passed and is not met: to
    acknowledge, to decide or to decide the appeal (a paused clock has not passed)."""
    now = now or timezone.now()
    late = (
        ComplaintDeadline.objects.running()
        .filter(due_at__lt=now, paused_at__isnull=True)
        .exclude(target=Target.APPEAL_WINDOW)
        .exclude(complaint__stage=Stage.CLOSED)
    )
    return late.aggregate(n=Count("complaint", distinct=True))["n"]


# --- Together ---------------------------------------------------------------------------------


def all_figures(period: Period) -> dict:
    """Every figure, for the API (`FiguresOut`)."""
    by_category = volume_by_category(period)
    return {
        "start": period.start,
        "end": period.end,
        "submitted": sum(by_category.values()),
        "by_category": by_category,
        "by_language": volume_by_language(period),
        "time_to_acknowledge_hours": time_to_acknowledge(period),
        "time_to_decide_business_days": time_to_decide(period),
        "uphold_rate": uphold_rate(period),
        "appeal_rate": appeal_rate(period),
        "overturn_rate": overturn_rate(period),
        "past_deadline": past_deadline(),
    }


def _number(value: float | None) -> str:
    return "—" if value is None else formats.number_format(round(value, 1), decimal_pos=1)


def _percent(rate: Rate) -> str:
    if rate.value is None:
        return "—"
    return _("%(percent)s%%") % {"percent": formats.number_format(round(rate.value * 100))}


def _spread(spread: Spread, unit: str) -> str:
    return _("%(median)s / %(p90)s %(unit)s") % {
        "median": _number(spread.median),
        "p90": _number(spread.p90),
        "unit": unit,
    }


def _most(counts: dict[str, int], labels: dict[str, str]) -> str:
    """The three largest, "label (count)", largest first."""
    top = list(counts.items())[:3]
    return ", ".join(f"{labels.get(key, key)} ({n})" for key, n in top) or "—"


def _title(period: Period) -> str:
    """The panel's title with the period's first and last days (its end is excluded)."""
    last = period.end - timedelta(microseconds=1)
    return _("Complaints submitted from %(start)s to %(end)s") % {
        "start": formats.date_format(timezone.localdate(period.start)),
        "end": formats.date_format(timezone.localdate(last)),
    }


def complaint_figures(*, start: datetime, end: datetime) -> dict:
    """The supervisors' dashboard panel over the complaints submitted in the dashboard's
    period [start, end); "Open past a deadline" is now, whatever the period."""
    period = Period(start, end)
    by_category = volume_by_category(period)
    languages = dict(Complaint._meta.get_field("language").choices)
    return {
        "title": _title(period),
        "figures": [
            figure(_("Submitted"), sum(by_category.values())),
            figure(_("Open past a deadline"), past_deadline(), alert="breached"),
            figure(_("Most about"), _most(by_category, dict(Category.choices))),
            figure(_("Languages"), _most(volume_by_language(period), languages)),
            figure(
                _("Time to acknowledge, median / 90%"),
                _spread(time_to_acknowledge(period), _("hours")),
            ),
            figure(
                _("Time to decide, median / 90%"),
                _spread(time_to_decide(period), _("business days")),
            ),
            figure(_("Upheld or partly upheld"), _percent(uphold_rate(period))),
            figure(_("Appealed"), _percent(appeal_rate(period))),
            figure(_("Overturned or modified on appeal"), _percent(overturn_rate(period))),
        ],
    }
