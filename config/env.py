"""One strict reader of the environment, used only by settings."""

import ipaddress
import os
import re
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: object = _MISSING, *, cast: type = str) -> object:
    """Return the variable `name` cast to `cast`; a bad or missing value raises."""
    raw = os.environ.get(name)
    if raw is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    try:
        return _cast(raw, cast)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid {cast.__name__}.") from error


def _cast(raw: str, cast: type) -> object:
    if cast is bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(raw)
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return cast(raw)


def ip_networks(raw: str) -> list[str]:
    """Comma-separated IP addresses or CIDR networks (`10.0.0.5, 172.28.0.0/24`)."""
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return [str(ipaddress.ip_network(item, strict=False)) for item in items]


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate(raw: str) -> str:
    """A throttle rate, `<count>/<period>`: `10/hour`, `300/min`, `5/15min`."""
    parse_rate(raw)
    return raw.strip()


def parse_rate(raw: str) -> tuple[int, int]:
    """(requests allowed, window in seconds) of a rate; ValueError for anything else."""
    match = _RATE.match(raw)
    if match is None:
        raise ValueError(raw)
    count, multiple, unit = match.groups()
    seconds = int(multiple or 1) * _UNIT_SECONDS[unit[0]]
    if seconds == 0:
        raise ValueError(raw)
    return int(count), seconds


def email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL (smtp, smtp+tls, smtps, console or file:///path) to settings."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        options = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_TIMEOUT": int(options.get("timeout", ["10"])[0]),
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")
