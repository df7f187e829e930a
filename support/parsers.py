"""The API's request parsers: JSON with a nesting limit, and every parsed value refused when it
holds a character PostgreSQL cannot store (support.edge).

Python's json module recurses once per nesting level and fails deep inside with a
RecursionError (a 500); the depth is measured on the text before parsing. Our deepest payload
is two levels (a list of attachments in an object).
"""

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from support.edge import contains_unstorable
from support.error_views import unstorable_message

MAX_JSON_DEPTH = 32
# A JSON string (brackets inside it do not count) or a bracket.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
OPENING = {"[", "{"}
CLOSING = {"]", "}"}


class UnstorableCharacters(exceptions.ParseError):
    default_code = "invalid_characters"


class TooDeep(exceptions.ParseError):
    default_code = "too_deep"


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    if text.count("[") + text.count("{") <= limit:
        return False  # the common case, measured without a scan
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        piece = match.group()
        if piece in OPENING:
            depth += 1
            if depth > limit:
                return True
        elif piece in CLOSING:
            depth -= 1
    return False


def _refuse_unstorable(data: object) -> None:
    """Named per field where the body is an object, as the serializers name theirs."""
    if not contains_unstorable(data):
        return
    if isinstance(data, dict) and not contains_unstorable(list(data)):
        raise exceptions.ValidationError(
            {
                key: [_field_message(value)]
                for key, value in data.items()
                if contains_unstorable(value)
            }
        )
    raise UnstorableCharacters(unstorable_message())


def _field_message(value: object) -> str:
    if "\x00" in str(value):
        return _("Null characters are not allowed.")  # DRF's own words for its fields
    return unstorable_message()


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise exceptions.ParseError(
                _("The body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from error
        if json_too_deep(text):
            message = _("The JSON is nested deeper than %(limit)d levels.")
            raise TooDeep(message % {"limit": MAX_JSON_DEPTH})
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from error
        _refuse_unstorable(data)
        return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_unstorable(list(data.lists()))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        names = [upload.name for upload in parsed.files.values()]
        _refuse_unstorable([list(parsed.data.lists()), names])
        return parsed
