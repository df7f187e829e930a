"""DRF throttles keyed on the real client (support.client) or the signed-in person.

DRF's own throttles identify a client by the raw `X-Forwarded-For` (a new value per request
is a new client) and keep a list of timestamps per client; these count in the fixed windows
of support.throttle, fail open without Redis, and answer 429 in the reader's language in the
API's error shape, with `Retry-After`.
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from support import throttle
from support.client import client_address
from support.roles import is_staff_member


class TooManyRequests(exceptions.Throttled):
    """429 with our own message: DRF's "Expected available in …" is never translated."""

    def __init__(self, wait: int):
        super().__init__(detail=throttle.retry_message(wait), code="throttled")
        self.wait = wait


class ClientThrottle(BaseThrottle):
    """Counts a signed-in person by id and anyone else by client address (IPv6: the /64)."""

    scope = ""
    rate_setting = ""

    def applies(self, request: Request, view: object) -> bool:
        return True

    def get_ident(self, request: Request) -> str:
        return throttle.client_key(client_address(request))

    def key(self, request: Request) -> str:
        if request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return self.get_ident(request)

    def allow_request(self, request: Request, view: object) -> bool:
        """True, or raises TooManyRequests (so the answer carries our message and wait)."""
        if not self.applies(request, view):
            return True
        limit = throttle.Limit.of(self.scope, getattr(settings, self.rate_setting))
        wait = throttle.limit_hit(limit, self.key(request))
        if wait:
            raise TooManyRequests(wait)
        return True


class AnonThrottle(ClientThrottle):
    """Anyone not signed in, per client address (THROTTLE_API_ANON)."""

    scope = "api-anon"
    rate_setting = "THROTTLE_API_ANON"

    def applies(self, request: Request, view: object) -> bool:
        return not request.user.is_authenticated


class UserThrottle(ClientThrottle):
    """A signed-in person, per account (THROTTLE_API_USER)."""

    scope = "api-user"
    rate_setting = "THROTTLE_API_USER"

    def applies(self, request: Request, view: object) -> bool:
        return request.user.is_authenticated


class TicketCreateThrottle(ClientThrottle):
    """Tickets opened through the API by customers (THROTTLE_TICKET_CREATE); staff opening
    tickets for callers are held by UserThrottle only."""

    scope = "ticket-create"
    rate_setting = "THROTTLE_TICKET_CREATE"

    def applies(self, request: Request, view: object) -> bool:
        return request.method == "POST" and not is_staff_member(request.user)


class SearchThrottle(ClientThrottle):
    """Help-center search (THROTTLE_SEARCH), one count with the search page."""

    scope = throttle.SEARCH_SCOPE
    rate_setting = "THROTTLE_SEARCH"


class SearchEventThrottle(AnonThrottle):
    """Search clicks and deflections, anonymous beacons (THROTTLE_SEARCH_EVENTS)."""

    scope = "search-events"
    rate_setting = "THROTTLE_SEARCH_EVENTS"

    def applies(self, request: Request, view: object) -> bool:
        return True


class OfficialCheckThrottle(ClientThrottle):
    """Checks on the public verification API (THROTTLE_OFFICIAL_CHECK), per client, counted
    with the verification page's."""

    scope = "official-check"
    rate_setting = "THROTTLE_OFFICIAL_CHECK"

    def key(self, request: Request) -> str:
        return self.get_ident(request)
