"""A part the system needs is down: the request answers a fast 503 with Retry-After, in the
API's JSON error shape under /api/ and as a short page elsewhere, instead of a 500 with a
traceback in the log as its only explanation (support.error_views.server_error asks here).

- PostgreSQL unreachable (stopped, restarting, failing over). Nothing needs restarting when it
  is back: with CONN_HEALTH_CHECKS each request first checks the connection it inherits and
  opens a new one if the old one died.
- Anything raising `Unavailable`, such as the file storage (support.storage): the request's
  transaction rolls back, so nothing it carried is half saved, and the sender may send again.
"""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

RETRY_AFTER_SECONDS = 15
CACHE_ERRORS = (RedisError, OSError)  # what the Redis cache raises when Redis is away


class Unavailable(Exception):
    """A part this request needs is down; the message (translated) tells the sender what to do."""


def unavailable_message(error: BaseException | None) -> str | None:
    """What to tell the sender when `error` means a part of the system is down, else None.

    Database errors include its transient refusals (a deadlock victim, a cancelled statement):
    trying again is the right advice for those too."""
    if isinstance(error, Unavailable):
        return str(error)
    if isinstance(error, OperationalError | InterfaceError):
        return _("The service is briefly unavailable. Please try again in a moment.")
    return None
