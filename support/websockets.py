"""What every websocket consumer shares: the origin check and a per-connection rate limit."""

import json
import time
from collections import deque
from urllib.parse import urlparse

from django.conf import settings
from django.http.request import validate_host
from django.utils.translation import gettext as _


def origin_allowed(scope: dict) -> bool:
    """The page opening the socket is served by one of our hosts (browsers send Origin; a
    foreign page must not ride on the visitor's session cookie)."""
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin1")
    host = urlparse(origin).hostname if origin else None
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def parse_frame(
    text_data: str | None, bytes_data: bytes | None, *, max_bytes: int
) -> tuple[dict | None, tuple[str, str] | None]:
    """(frame, None) for a JSON object with a string `type`, else (None, (code, message)) to
    answer with an error frame; the message is in the active language."""
    if bytes_data is not None or len(text_data or "") > max_bytes:
        return None, ("too_large", _("This message is too large."))
    try:
        frame = json.loads(text_data)
    except ValueError:
        frame = None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return None, ("invalid", _("This message could not be understood."))
    return frame, None


class RateLimit:
    """At most `limit` events in any `window` seconds, for one connection."""

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True
