"""Korean: 오전/오후 before the time ("오후 6:05"), as Koreans write it; Django puts it after the
time in its long format and writes short dates as "2026-12-6". Short dates are the dotted
numeric form ("2026. 12. 6."). `A` is 오전/오후 in Korean (Django's own translation)."""

DATE_FORMAT = "Y년 n월 j일"  # 2026년 12월 6일
TIME_FORMAT = "A g:i"  # 오후 6:05
DATETIME_FORMAT = "Y년 n월 j일 A g:i"  # 2026년 12월 6일 오후 6:05
YEAR_MONTH_FORMAT = "Y년 n월"  # 2026년 12월
MONTH_DAY_FORMAT = "n월 j일"  # 12월 6일
SHORT_DATE_FORMAT = "Y. n. j."  # 2026. 12. 6.
SHORT_DATETIME_FORMAT = "Y. n. j. A g:i"  # 2026. 12. 6. 오후 6:05
