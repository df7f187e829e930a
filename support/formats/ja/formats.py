"""Japanese: a 24-hour clock after the date, with a space (Django writes "2026年12月6日18:05")."""

DATE_FORMAT = "Y年n月j日"  # 2026年12月6日
TIME_FORMAT = "G:i"  # 18:05
DATETIME_FORMAT = "Y年n月j日 G:i"  # 2026年12月6日 18:05
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年12月
MONTH_DAY_FORMAT = "n月j日"  # 12月6日
SHORT_DATE_FORMAT = "Y/m/d"  # 2026/12/06
SHORT_DATETIME_FORMAT = "Y/m/d G:i"  # 2026/12/06 18:05
