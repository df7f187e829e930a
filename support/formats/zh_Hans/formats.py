"""Simplified Chinese: a 24-hour clock after the date; months without a leading zero
(Django writes "09月5日" for MONTH_DAY_FORMAT). Numbers are grouped by thousands with commas,
as CLDR writes them (Django's locale leaves them ungrouped)."""

DATE_FORMAT = "Y年n月j日"  # 2026年12月6日
TIME_FORMAT = "H:i"  # 18:05
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年12月6日 18:05
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年12月
MONTH_DAY_FORMAT = "n月j日"  # 12月6日
SHORT_DATE_FORMAT = "Y年n月j日"  # 2026年12月6日
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年12月6日 18:05
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
