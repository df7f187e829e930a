"""Phone numbers: parsed into E.164 with Google's libphonenumber, and masked for display."""

import phonenumbers
from django.utils.translation import gettext as _

# Where a number written without its country code is read from: the customer's language.
REGION_OF_LANGUAGE = {"ko": "KR", "ja": "JP", "zh-hans": "CN", "zh-hant": "TW"}


class InvalidNumber(ValueError):
    def __init__(self) -> None:
        super().__init__(
            _("Enter a valid phone number with its country code, for example +82 10 1234 5678.")
        )


def parse_number(value: str, *, language: str = "en") -> str:
    """`value` as E.164 ("+821012345678"); InvalidNumber when it is not a possible, valid
    number. A number without "+" is read in the region of `language` (none for English)."""
    text = (value or "").strip()
    if not text or len(text) > 40:
        raise InvalidNumber()
    region = None if text.startswith("+") else REGION_OF_LANGUAGE.get(language)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidNumber() from error
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def number_or_blank(value: str) -> str:
    """A provider's number as E.164, or "" for one we cannot read (withheld, internal
    extension): the call is still recorded."""
    try:
        return parse_number(value if (value or "").startswith("+") else f"+{value}")
    except InvalidNumber:
        return ""


def mask_number(number: str) -> str:
    """ "+821012345678" as "+82 ••••• 5678": the country and the last four digits, enough to
    recognise a number without showing it."""
    if not number:
        return "—"
    try:
        country = phonenumbers.parse(number).country_code
    except phonenumbers.NumberParseException:
        return "••••"
    return f"+{country} ••••• {number[-4:]}"


def display_number(number: str) -> str:
    """The whole number, written the international way ("+82 10-1234-5678"), for the agent
    who is calling it."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
