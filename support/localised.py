"""Names and numbers in the reader's language from CLDR (through Babel), where Django has none:
a time zone is shown as "대한민국 시간", never as its identifier "Asia/Seoul".

Django's own formats (support/formats/) cover dates and times; this module covers what they
cannot. Everything here reads the active language unless given one.
"""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_gmt, get_timezone_location
from django.conf import settings
from django.utils import translation


@cache
def babel_locale(language: str) -> Locale:
    """Babel's locale for one of our language codes (`zh-hant` → `zh_Hant`)."""
    return Locale.parse(translation.to_locale(language))


def active_locale(language: str | None = None) -> Locale:
    return babel_locale(language or translation.get_language() or settings.LANGUAGE_CODE)


def timezone_name(zone: str, *, language: str | None = None) -> str:
    """A time zone as a reader names it: by its country or city ("대한민국 시간", "日本時間",
    "南韓時間", "United States (New York) Time"), which stays right in summer and winter.

    Zones of no country (UTC, Etc/GMT+5) are written as their offset, "UTC" or "GMT-05:00";
    an identifier that is no time zone is shown as it is rather than hidden.
    """
    try:
        tzinfo = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return zone
    locale = active_locale(language)
    key = get_global("zone_aliases").get(zone, zone)
    if get_global("zone_territories").get(key, "ZZ") != "ZZ":
        return get_timezone_location(tzinfo, locale=locale)
    now = datetime.now(UTC).astimezone(tzinfo)
    if not now.utcoffset():
        return "UTC"
    return get_timezone_gmt(now, width="long", locale=locale)
