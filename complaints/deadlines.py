"""Stage deadlines as pure arithmetic: a target's due time from its start, and a pause.

A target is counted in hours or calendar days (wall time), or in business days on a business
calendar (the calendars tickets use: timezone, opening days, public holidays). "15 business days"
is 15 whole business days of time: from Monday 10:00 it is due three weeks later, Monday 10:00;
a complaint sent on a Saturday starts counting on Monday at midnight. A pause (waiting on the
customer) moves the due time on by the business time it lasted. See docs/complaints.md.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from complaints.models import Unit
from tickets import sla

DAY = timedelta(days=1)
MAX_DAYS = 3 * 366  # a calendar with no business day at all must not loop forever
WEEKDAYS = sla.Calendar(
    timezone="UTC",
    always_open=False,
    weekly_hours={day: ((time(0), None),) for day in range(5)},
)


def is_business_day(calendar: sla.Calendar, day) -> bool:
    """A day the calendar opens at all, and not a public holiday of its country."""
    if sla.is_holiday(calendar, day):
        return False
    return calendar.always_open or bool(calendar.weekly_hours.get(day.weekday()))


def _business_days(calendar: sla.Calendar, start: datetime):
    """(begin, end) in UTC of each business day from the one holding `start` on, the first
    cut to begin at `start`."""
    zone = ZoneInfo(calendar.timezone)
    local = start.astimezone(zone)
    day = local.date()
    for _ in range(MAX_DAYS):
        if is_business_day(calendar, day):
            begin = datetime.combine(day, time(0), zone).astimezone(UTC)
            end = datetime.combine(day + DAY, time(0), zone).astimezone(UTC)
            if end > start:
                yield max(begin, start.astimezone(UTC)), end
        day += DAY
    raise ValueError("The business calendar has no business day within three years.")


def add_business_time(start: datetime, amount: timedelta, calendar: sla.Calendar) -> datetime:
    """The moment `amount` of business-day time after `start`."""
    remaining = amount
    for begin, end in _business_days(calendar, start):
        if end - begin >= remaining:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable")  # _business_days raises first


def business_time_between(start: datetime, end: datetime, calendar: sla.Calendar) -> timedelta:
    """Business-day time from `start` to `end` (zero if `end` is not after `start`)."""
    total = timedelta()
    if end <= start:
        return total
    for begin, close in _business_days(calendar, start):
        if begin >= end:
            break
        total += min(close, end) - begin
    return total


def due_time(*, start: datetime, amount: int, unit: str, calendar: sla.Calendar) -> datetime:
    """When a target of `amount` `unit`s started at `start` is due."""
    if unit == Unit.HOURS:
        return start + timedelta(hours=amount)
    if unit == Unit.CALENDAR_DAYS:
        return start + timedelta(days=amount)
    return add_business_time(start, amount * DAY, calendar)


def warn_time(*, due: datetime, warn_before_hours: int, now: datetime) -> datetime | None:
    """When to warn before `due`: None when no warning is set or its moment has passed."""
    if not warn_before_hours:
        return None
    moment = due - timedelta(hours=warn_before_hours)
    return moment if moment > now else None


def after_pause(
    *, due: datetime, paused_at: datetime, resumed_at: datetime, unit: str, calendar: sla.Calendar
) -> datetime:
    """`due` moved on by the pause from `paused_at` to `resumed_at`: wall time for hours and
    calendar days, business-day time for business days."""
    if unit != Unit.BUSINESS_DAYS:
        return due + max(resumed_at - paused_at, timedelta())
    paused = business_time_between(paused_at, resumed_at, calendar)
    return add_business_time(due, paused, calendar) if paused else due


def business_days_left(*, now: datetime, due: datetime, calendar: sla.Calendar) -> int:
    """Whole business days from `now` until `due`, rounded up (0 once due)."""
    left = business_time_between(now, due, calendar)
    return -(-left // DAY) if left > timedelta() else 0
