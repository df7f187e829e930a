"""SLA arithmetic: pure functions over business calendars and a ticket's clock fields.

Times are aware datetimes, computed in UTC; opening hours are local to the calendar's timezone,
so each opening interval is converted to UTC on its own day (DST-safe). See docs/sla.md.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from tickets.models import PAUSED_STATUSES, SlaEvent, SlaTarget

MAX_DAYS_SCANNED = 3 * 366  # a calendar with no opening hours at all must not loop forever


@dataclass(frozen=True)
class Calendar:
    """A business calendar as a plain value. `weekly_hours`: weekday (0 = Monday) → intervals."""

    timezone: str = "UTC"
    always_open: bool = True
    weekly_hours: Mapping[int, tuple[tuple[time, time | None], ...]] = field(default_factory=dict)
    holiday_country: str = ""


ALWAYS_OPEN = Calendar()


@dataclass(frozen=True)
class Step:
    """One thing the sweep must do once: warn or breach `target` whose due time is `due`."""

    target: str
    kind: str
    at: datetime
    due: datetime

    @property
    def key(self) -> tuple[str, str, datetime]:
        return (self.target, self.kind, self.due)


def parse_weekly_hours(raw: Mapping[str, list]) -> dict[int, tuple[tuple[time, time | None], ...]]:
    """{"0": [["09:00", "18:00"]]} → {0: ((09:00, 18:00),)}; "24:00" closes at midnight."""
    weekly = {}
    for weekday, intervals in raw.items():
        weekly[int(weekday)] = tuple(
            (time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end))
            for start, end in intervals
        )
    return weekly


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_holiday(calendar: Calendar, day: date) -> bool:
    return bool(calendar.holiday_country) and day in _holidays(calendar.holiday_country, day.year)


def opening_intervals(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's opening intervals in UTC from `start` on, the first one clipped to `start`."""
    if calendar.always_open:
        yield start.astimezone(UTC), datetime.max.replace(tzinfo=UTC)
        return
    zone = ZoneInfo(calendar.timezone)
    day = start.astimezone(zone).date()
    for _ in range(MAX_DAYS_SCANNED):
        if not is_holiday(calendar, day):
            for opens, closes in calendar.weekly_hours.get(day.weekday(), ()):
                begin = datetime.combine(day, opens, tzinfo=zone).astimezone(UTC)
                end_day = day + timedelta(days=1) if closes is None else day
                end = datetime.combine(end_day, closes or time(0), tzinfo=zone).astimezone(UTC)
                if end > start:
                    yield max(begin, start.astimezone(UTC)), end
        day += timedelta(days=1)
    raise ValueError(f"calendar has no opening hours within {MAX_DAYS_SCANNED} days")


def calendar_is_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether `moment` falls inside one of the calendar's opening intervals."""
    begin, _end = next(opening_intervals(calendar, moment))
    return begin <= moment.astimezone(UTC)


def add_business_minutes(start: datetime, minutes: int, calendar: Calendar) -> datetime:
    """The moment `minutes` business minutes after `start`."""
    remaining = timedelta(minutes=minutes)
    for begin, end in opening_intervals(calendar, start):
        if end - begin >= remaining:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable")  # opening_intervals raises first


def business_minutes_between(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Whole business minutes from `start` to `end` (0 if `end` is not after `start`)."""
    if end <= start:
        return 0
    total = timedelta()
    for begin, close in opening_intervals(calendar, start):
        if begin >= end:
            break
        total += min(close, end) - begin
    return int(total.total_seconds() // 60)


def clock(
    *, start: datetime, minutes: int, warn_share: Decimal, paused: int, calendar: Calendar
) -> tuple[datetime, datetime]:
    """(warn_at, due) of a target of `minutes` started at `start`, after `paused` paused minutes."""
    warn_minutes = math.ceil(minutes * Decimal(warn_share))
    warn_at = add_business_minutes(start, warn_minutes + paused, calendar)
    due = add_business_minutes(start, minutes + paused, calendar)
    return warn_at, due


def active_clocks(ticket) -> list[tuple[str, datetime, datetime]]:
    """(target, warn_at, due) of each clock that is running on `ticket` now."""
    if ticket.status in PAUSED_STATUSES or not ticket.is_open:
        return []
    clocks = []
    if ticket.first_response_due and not ticket.first_responded_at:
        clocks.append(
            (SlaTarget.FIRST_RESPONSE, ticket.first_response_warn_at, ticket.first_response_due)
        )
    if ticket.next_response_due:
        clocks.append(
            (SlaTarget.NEXT_RESPONSE, ticket.next_response_warn_at, ticket.next_response_due)
        )
    if ticket.resolution_due:
        clocks.append((SlaTarget.RESOLUTION, ticket.resolution_warn_at, ticket.resolution_due))
    return clocks


def steps(ticket) -> list[Step]:
    """Every warning and breach step of the running clocks, earliest first."""
    found = []
    for target, warn_at, due in active_clocks(ticket):
        if warn_at and warn_at < due:
            found.append(Step(target, SlaEvent.Kind.WARNING, warn_at, due))
        found.append(Step(target, SlaEvent.Kind.BREACH, due, due))
    return sorted(found, key=lambda step: step.at)


def next_due(ticket, done: set[tuple[str, str, datetime]]) -> datetime | None:
    """The time of the earliest step not yet done: what the sweep's partial index is keyed on."""
    pending = [step.at for step in steps(ticket) if step.key not in done]
    return min(pending, default=None)
