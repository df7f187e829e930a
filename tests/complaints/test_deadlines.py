"""Stage deadlines as arithmetic: hours and calendar days are wall time, business days are
whole days the calendar opens (its timezone, its country's public holidays), and a pause moves
the due time on by the business time it lasted."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.deadlines import (
    WEEKDAYS,
    after_pause,
    business_days_left,
    business_time_between,
    due_time,
    warn_time,
)
from complaints.models import Unit
from tickets import sla
from tickets.models import BusinessCalendar
from tickets.selectors import calendar_value

SEOUL, TOKYO = ZoneInfo("Asia/Seoul"), ZoneInfo("Asia/Tokyo")
OFFICE_HOURS = {str(day): [["09:00", "18:00"]] for day in range(5)}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def seoul(db) -> sla.Calendar:
    """The Seoul office's calendar as an admin enters it: office hours, Korean holidays."""
    row = BusinessCalendar.objects.create(
        name="Seoul", timezone="Asia/Seoul", weekly_hours=OFFICE_HOURS, holiday_country="KR"
    )
    return calendar_value(row)


TOKYO_CALENDAR = sla.Calendar(
    timezone="Asia/Tokyo",
    always_open=False,
    weekly_hours={day: ((time(9), time(18)),) for day in range(5)},
    holiday_country="JP",
)


def test_hours_are_wall_time_even_over_a_weekend():
    friday_evening = utc(2026, 12, 4, 20)
    due = due_time(start=friday_evening, amount=24, unit=Unit.HOURS, calendar=WEEKDAYS)
    assert due == utc(2026, 12, 5, 20)


def test_calendar_days_are_wall_time():
    decided = utc(2026, 12, 7, 15, 30)
    due = due_time(start=decided, amount=14, unit=Unit.CALENDAR_DAYS, calendar=WEEKDAYS)
    assert due == utc(2026, 12, 21, 15, 30)


def test_fifteen_business_days_from_monday_morning_end_three_weeks_later_at_the_same_time():
    monday = utc(2026, 11, 30, 10)
    due = due_time(start=monday, amount=15, unit=Unit.BUSINESS_DAYS, calendar=WEEKDAYS)
    assert due == utc(2026, 12, 21, 10)


def test_a_complaint_filed_on_saturday_starts_counting_on_monday():
    saturday = utc(2026, 11, 28, 14, 45)
    due = due_time(start=saturday, amount=15, unit=Unit.BUSINESS_DAYS, calendar=WEEKDAYS)
    assert due == utc(2026, 12, 19)  # the end of Friday 18 December: 15 whole days from Monday
    one_day = due_time(start=saturday, amount=1, unit=Unit.BUSINESS_DAYS, calendar=WEEKDAYS)
    assert one_day == utc(2026, 12, 1)  # Monday counted whole


def test_business_days_skip_chuseok_on_the_seoul_calendar(seoul):
    """Chuseok 2026 is Thursday 24 to Saturday 26 September: a complaint filed on Wednesday
    morning in Seoul with three business days is due the next Wednesday morning."""
    wednesday = datetime(2026, 9, 23, 10, tzinfo=SEOUL)
    due = due_time(start=wednesday, amount=3, unit=Unit.BUSINESS_DAYS, calendar=seoul)
    assert due == datetime(2026, 9, 30, 10, tzinfo=SEOUL)
    assert due == utc(2026, 9, 30, 1)


def test_business_days_are_counted_in_the_calendar_timezone(seoul):
    """Friday 23:30 UTC is already Saturday in Seoul: nothing of it counts there."""
    late_friday = utc(2026, 12, 4, 23, 30)
    due = due_time(start=late_friday, amount=1, unit=Unit.BUSINESS_DAYS, calendar=seoul)
    assert due == datetime(2026, 12, 8, 0, tzinfo=SEOUL)  # Monday 7 December, whole


def test_business_days_skip_golden_week_on_a_tokyo_calendar():
    """Golden Week 2026: Sunday 3 to Wednesday 6 May are holidays (6 May a substitute)."""
    friday = datetime(2026, 5, 1, 15, tzinfo=TOKYO)
    due = due_time(start=friday, amount=2, unit=Unit.BUSINESS_DAYS, calendar=TOKYO_CALENDAR)
    assert due == datetime(2026, 5, 8, 15, tzinfo=TOKYO)


def test_a_pause_over_a_weekend_moves_the_due_time_by_its_business_time():
    due = utc(2026, 12, 16, 10)
    moved = after_pause(
        due=due,
        paused_at=utc(2026, 12, 4, 12),  # Friday noon
        resumed_at=utc(2026, 12, 7, 12),  # Monday noon: half of Friday and half of Monday
        unit=Unit.BUSINESS_DAYS,
        calendar=WEEKDAYS,
    )
    assert moved == utc(2026, 12, 17, 10)


def test_a_pause_that_lasted_only_a_weekend_moves_nothing():
    due = utc(2026, 12, 16, 10)
    moved = after_pause(
        due=due,
        paused_at=utc(2026, 12, 5, 9),
        resumed_at=utc(2026, 12, 6, 18),
        unit=Unit.BUSINESS_DAYS,
        calendar=WEEKDAYS,
    )
    assert moved == due


def test_a_pause_moving_the_due_time_past_a_holiday_skips_it(seoul):
    due = datetime(2026, 9, 23, 12, tzinfo=SEOUL)  # Wednesday before Chuseok, noon
    moved = after_pause(
        due=due,
        paused_at=datetime(2026, 9, 21, 0, tzinfo=SEOUL),
        resumed_at=datetime(2026, 9, 22, 0, tzinfo=SEOUL),  # all of Monday
        unit=Unit.BUSINESS_DAYS,
        calendar=seoul,
    )
    assert moved == datetime(2026, 9, 28, 12, tzinfo=SEOUL)  # the Monday after


def test_a_pause_of_an_hours_target_moves_it_by_wall_time():
    moved = after_pause(
        due=utc(2026, 12, 5, 10),
        paused_at=utc(2026, 12, 4, 12),
        resumed_at=utc(2026, 12, 4, 15),
        unit=Unit.HOURS,
        calendar=WEEKDAYS,
    )
    assert moved == utc(2026, 12, 5, 13)


def test_business_days_left_rounds_up_and_stops_at_zero():
    monday = utc(2026, 11, 30, 10)
    due = utc(2026, 12, 21, 10)
    assert business_days_left(now=monday, due=due, calendar=WEEKDAYS) == 15
    assert business_days_left(now=utc(2026, 12, 18, 12), due=due, calendar=WEEKDAYS) == 1
    assert business_days_left(now=utc(2026, 12, 21, 9), due=due, calendar=WEEKDAYS) == 1
    assert business_days_left(now=utc(2026, 12, 21, 11), due=due, calendar=WEEKDAYS) == 0


def test_business_days_left_ignore_the_weekend_and_holidays(seoul):
    friday_noon = datetime(2026, 9, 18, 12, tzinfo=SEOUL)
    due = datetime(2026, 9, 29, 0, tzinfo=SEOUL)  # end of Monday 28 September
    # Friday's half, Monday 21, Tuesday 22, Wednesday 23 (Chuseok from Thursday), Monday 28.
    assert business_time_between(friday_noon, due, seoul) == timedelta(days=4, hours=12)
    assert business_days_left(now=friday_noon, due=due, calendar=seoul) == 5


def test_the_warning_comes_before_the_due_time_unless_its_moment_has_passed():
    due = utc(2026, 12, 2, 10)
    assert warn_time(due=due, warn_before_hours=4, now=utc(2026, 12, 1, 10)) == utc(2026, 12, 2, 6)
    assert warn_time(due=due, warn_before_hours=4, now=utc(2026, 12, 2, 7)) is None
    assert warn_time(due=due, warn_before_hours=0, now=utc(2026, 12, 1, 10)) is None


def test_a_calendar_without_business_days_is_refused_not_looped_over():
    closed = sla.Calendar(timezone="UTC", always_open=False, weekly_hours={})
    with pytest.raises(ValueError, match="no business day"):
        due_time(start=utc(2026, 12, 1), amount=1, unit=Unit.BUSINESS_DAYS, calendar=closed)


def test_an_always_open_calendar_counts_every_day_but_holidays():
    open_every_day = sla.Calendar(timezone="UTC", always_open=True, holiday_country="US")
    start = utc(2026, 12, 24, 12)  # Thursday; Christmas is Friday
    due = due_time(start=start, amount=2, unit=Unit.BUSINESS_DAYS, calendar=open_every_day)
    assert due == utc(2026, 12, 27, 12)  # Thursday's half, Saturday, Sunday's half
