"""`sla.calendar_is_open`: weekly hours in the calendar's timezone, minus public holidays."""

from datetime import UTC, datetime, time

from tickets import sla

SEOUL_OFFICE = sla.Calendar(
    timezone="Asia/Seoul",
    always_open=False,
    weekly_hours={day: ((time(9), time(18)),) for day in range(5)},
    holiday_country="KR",
)


def test_a_weekday_inside_the_hours_is_open():
    wednesday_10_seoul = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)

    assert sla.calendar_is_open(SEOUL_OFFICE, wednesday_10_seoul) is True


def test_the_hours_are_local_to_the_calendars_timezone():
    wednesday_10_utc = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 19:00 in Seoul

    assert sla.calendar_is_open(SEOUL_OFFICE, wednesday_10_utc) is False


def test_opening_is_inclusive_and_closing_exclusive():
    opens = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
    closes = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 18:00 in Seoul

    assert sla.calendar_is_open(SEOUL_OFFICE, opens) is True
    assert sla.calendar_is_open(SEOUL_OFFICE, closes) is False


def test_a_weekend_is_closed():
    saturday_noon_seoul = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)

    assert sla.calendar_is_open(SEOUL_OFFICE, saturday_noon_seoul) is False


def test_a_public_holiday_is_closed_even_in_weekday_hours():
    christmas_friday_10_seoul = datetime(2026, 12, 25, 1, 0, tzinfo=UTC)

    assert sla.calendar_is_open(SEOUL_OFFICE, christmas_friday_10_seoul) is False


def test_an_interval_to_midnight_stays_open_late():
    late = sla.Calendar(timezone="UTC", always_open=False, weekly_hours={2: ((time(20), None),)})

    assert sla.calendar_is_open(late, datetime(2026, 11, 25, 23, 59, tzinfo=UTC)) is True
    assert sla.calendar_is_open(late, datetime(2026, 11, 26, 0, 0, tzinfo=UTC)) is False


def test_an_always_open_calendar_is_open_at_any_time():
    three_am_on_christmas = datetime(2026, 12, 25, 3, 0, tzinfo=UTC)

    assert sla.calendar_is_open(sla.ALWAYS_OPEN, three_am_on_christmas) is True
