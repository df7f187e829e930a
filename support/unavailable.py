"""PostgreSQL unreachable (stopped, restarting, failing over): a request answers a fast 503 with
Retry-After, in the API's JSON error shape under /api/ and as a short page elsewhere, instead of
a 500 with a traceback in the log as its only explanation.

Nothing needs restarting when the database is back: with CONN_HEALTH_CHECKS each request first
checks the connection it inherits and opens a new one if the old one died.
"""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 15


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot be used right now (connection refused or lost,
    a server shutting down; also its transient refusals such as a deadlock victim)."""
    return isinstance(error, OperationalError | InterfaceError)


def unavailable_message() -> str:
    return _("The service is briefly unavailable. Please try again in a moment.")
