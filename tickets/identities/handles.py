"""Handles as we store and show them: emails lower-cased, phone numbers in E.164, Telegram
users by their numeric id (a @username is looked up), social handles without their "@"."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tickets.identities.models import IdentityKind
from tickets.phone.numbers import InvalidNumber, mask_number, parse_number

TELEGRAM_NAME_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
TELEGRAM_ID_RE = re.compile(r"^[0-9]{1,18}$")
SOCIAL_RE = re.compile(r"^@?([\w.]{1,64})$")
# The accounts intake makes for a channel's user are named `<prefix>:<their id there>`.
CHANNEL_ACCOUNT_KINDS = {
    "telegram": IdentityKind.TELEGRAM,
    "messenger": IdentityKind.FACEBOOK,
    "instagram": IdentityKind.INSTAGRAM,
    "x": IdentityKind.X,
    "line": IdentityKind.LINE,
    "kakao": IdentityKind.KAKAOTALK,
}


class InvalidHandle(ValueError):
    """The handle cannot be read; its message says how to write it, in the reader's language."""


def normalise(kind: str, raw: str, *, language: str = "en") -> str:
    """`raw` as stored for `kind`; InvalidHandle when it is not one."""
    text = (raw or "").strip()
    if kind == IdentityKind.EMAIL:
        return _email(text)
    if kind == IdentityKind.PHONE:
        try:
            return parse_number(text, language=language)
        except InvalidNumber as error:
            raise InvalidHandle(str(error)) from None
    if kind == IdentityKind.TELEGRAM:
        if TELEGRAM_ID_RE.match(text) or TELEGRAM_NAME_RE.match(text):
            return text.lstrip("@").lower()
        raise InvalidHandle(_("Enter your Telegram username, for example @alex_trader."))
    found = SOCIAL_RE.match(text)
    if kind in IdentityKind.values and found:
        return found.group(1).lower()
    raise InvalidHandle(_("Enter a handle."))


def _email(text: str) -> str:
    address = get_user_model().objects.normalize_email(text).lower()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidHandle(_("Enter a valid email address.")) from None
    return address


def channel_account_handle(username: str) -> tuple[str, str] | None:
    """(kind, value) of the handle an account made by intake for a channel's user stands for
    (`messenger:6789…` → facebook, `6789…`); None for any other account."""
    prefix, colon, value = username.partition(":")
    kind = CHANNEL_ACCOUNT_KINDS.get(prefix)
    return (kind, value) if colon and kind and value else None


def masked(kind: str, value: str) -> str:
    """Enough of a handle to recognise it, not to read it out: a•••@example.com,
    +82 ••••• 5678, @al•••."""
    if kind == IdentityKind.EMAIL and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}•••@{domain}"
    if kind == IdentityKind.PHONE:
        return mask_number(value)
    return f"{value[:2]}•••"
