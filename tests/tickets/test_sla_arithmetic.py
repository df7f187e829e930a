"""Business-minute arithmetic over calendars: hours, weekends, holidays, timezones, DST."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tickets.sla import (
    ALWAYS_OPEN,
    Calendar,
    add_business_minutes,
    business_minutes_between,
    clock,
    parse_weekly_hours,
)

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_9_TO_18 = {str(day): [["09:00", "18:00"]] for day in range(5)}


def korea(holidays: bool = True) -> Calendar:
    return Calendar(
        timezone="Asia/Seoul",
        always_open=False,
        weekly_hours=parse_weekly_hours(WEEKDAYS_9_TO_18),
        holiday_country="KR" if holidays else "",
    )


def seoul(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


def test_always_open_adds_wall_clock_minutes():
    start = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # a Saturday night
    assert add_business_minutes(start, 90, ALWAYS_OPEN) == datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def test_within_the_same_business_day():
    assert add_business_minutes(seoul(2026, 11, 24, 10, 0), 120, korea()) == seoul(
        2026, 11, 24, 12, 0
    )


def test_friday_evening_rolls_over_the_weekend():
    due = add_business_minutes(seoul(2026, 11, 27, 17, 0), 120, korea())
    assert due == seoul(2026, 11, 30, 10, 0)


def test_started_outside_hours_counts_from_the_next_opening():
    assert add_business_minutes(seoul(2026, 11, 24, 22, 15), 30, korea()) == seoul(
        2026, 11, 25, 9, 30
    )


def test_public_holidays_are_skipped():
    # Fri 2 Oct 2026, then Sat 3 (National Foundation Day), Mon 5 (its alternative holiday)
    due = add_business_minutes(seoul(2026, 10, 2, 17, 0), 120, korea())
    assert due == seoul(2026, 10, 6, 10, 0)


def test_without_a_holiday_country_holidays_are_business_days():
    due = add_business_minutes(seoul(2026, 10, 2, 17, 0), 120, korea(holidays=False))
    assert due == seoul(2026, 10, 5, 10, 0)


def test_result_is_the_same_instant_whatever_timezone_the_start_is_given_in():
    start_utc = seoul(2026, 11, 27, 17, 0).astimezone(UTC)
    assert add_business_minutes(start_utc, 120, korea()) == seoul(2026, 11, 30, 10, 0)


def test_split_shifts_within_a_day():
    calendar = Calendar(
        timezone="Asia/Tokyo",
        always_open=False,
        weekly_hours=parse_weekly_hours({"0": [["09:00", "12:00"], ["13:00", "18:00"]]}),
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    start = datetime(2026, 11, 23, 11, 30, tzinfo=tokyo)  # a Monday (JP holiday not configured)
    assert add_business_minutes(start, 60, calendar) == datetime(2026, 11, 23, 13, 30, tzinfo=tokyo)


def test_dst_spring_forward_day_is_23_hours_long():
    calendar = Calendar(
        timezone="America/New_York",
        always_open=False,
        weekly_hours=parse_weekly_hours({str(day): [["00:00", "24:00"]] for day in range(7)}),
    )
    start = datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK)  # the day before clocks go forward
    due = add_business_minutes(start, 24 * 60, calendar)
    assert due == datetime(2026, 3, 8, 13, 0, tzinfo=NEW_YORK)


def test_dst_keeps_local_opening_hours():
    calendar = Calendar(
        timezone="America/New_York",
        always_open=False,
        weekly_hours=parse_weekly_hours(WEEKDAYS_9_TO_18),
        holiday_country="US",
    )
    # Fri 30 Oct 2026 17:00 EDT; clocks go back on Sun 1 Nov; Monday opens 09:00 EST
    start = datetime(2026, 10, 30, 17, 0, tzinfo=NEW_YORK)
    due = add_business_minutes(start, 120, calendar)
    assert due == datetime(2026, 11, 2, 10, 0, tzinfo=NEW_YORK)
    assert due.astimezone(UTC) == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (seoul(2026, 11, 24, 10, 0), seoul(2026, 11, 24, 12, 30), 150),
        (seoul(2026, 11, 27, 17, 0), seoul(2026, 11, 30, 10, 0), 120),
        (seoul(2026, 10, 2, 17, 0), seoul(2026, 10, 6, 10, 0), 120),
        (seoul(2026, 11, 28, 10, 0), seoul(2026, 11, 29, 10, 0), 0),
        (seoul(2026, 11, 24, 12, 0), seoul(2026, 11, 24, 10, 0), 0),
    ],
)
def test_business_minutes_between(start, end, minutes):
    assert business_minutes_between(start, end, korea()) == minutes


def test_clock_warns_at_the_share_of_the_target_in_business_time():
    warn_at, due = clock(
        start=seoul(2026, 11, 27, 17, 0), minutes=120, warn_share=0.75, paused=0, calendar=korea()
    )
    assert warn_at == seoul(2026, 11, 30, 9, 30)
    assert due == seoul(2026, 11, 30, 10, 0)


def test_clock_adds_paused_business_minutes():
    _, due = clock(
        start=seoul(2026, 11, 24, 10, 0), minutes=60, warn_share=0.75, paused=45, calendar=korea()
    )
    assert due == seoul(2026, 11, 24, 11, 45)


def test_a_calendar_without_hours_is_refused():
    calendar = Calendar(timezone="UTC", always_open=False, weekly_hours={})
    with pytest.raises(ValueError):
        add_business_minutes(datetime(2026, 1, 1, tzinfo=UTC), 10, calendar)
