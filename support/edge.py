"""The edge of every request, pages and API alike: what no view should have to handle.

PostgreSQL cannot store a NUL character in text, and UTF-8 cannot encode an unpaired
surrogate; a value carrying either used to reach a query and fail there with a 500. Bodies
over the limit are refused from their declared length, before anything is read.
"""

import re
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from support import error_views
from support.client import is_trusted_proxy, parse_address
from support.error_views import too_large_message, unstorable_message

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def contains_unstorable(value: object) -> bool:
    """True when a parsed value holds a character PostgreSQL cannot store. Parsers limit the
    nesting before this runs, so the recursion is shallow."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(contains_unstorable(k) or contains_unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_unstorable(item) for item in value)
    return False


class RequestEdgeMiddleware:
    """Gives each request an id (quoted in server-error answers and logs) and refuses bodies
    over the limit and URLs, headers or page form values that cannot be stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = proxy_request_id(request) or uuid.uuid4().hex
        response = _refusal(request) or self.get_response(request)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        """Form values of pages. The API's parsers check their own (support.parsers), and views
        exempt from CSRF (webhooks) may read the raw body, which parsing it here would spend."""
        if (
            request.method != "POST"
            or error_views.is_api(request)
            or getattr(view, "csrf_exempt", False)
            or not request.content_type.startswith(FORM_TYPES)
        ):
            return None
        names = [upload.name for upload in request.FILES.values()]
        if contains_unstorable(list(request.POST.lists())) or contains_unstorable(names):
            return error_views.error_response(
                request, 400, "invalid_characters", unstorable_message()
            )
        return None


def proxy_request_id(request: HttpRequest) -> str:
    """The `X-Request-ID` our own proxy gave the request (so its logs and ours share the id),
    when the direct peer is a trusted proxy and the id is plain; "" otherwise."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if not incoming or not REQUEST_ID.fullmatch(incoming):
        return ""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    return incoming if peer is not None and is_trusted_proxy(peer) else ""


def _refusal(request: HttpRequest) -> HttpResponse | None:
    length = _declared_length(request)
    if length is None:
        message = _("The Content-Length header is not a number of bytes.")
        return error_views.error_response(request, 400, "bad_request", message)
    limit = body_limit(request.content_type)
    if limit is not None and length > limit:
        return error_views.error_response(request, 413, "too_large", too_large_message(limit))
    if (
        contains_unstorable(request.path)
        or contains_unstorable(list(request.GET.lists()))
        or contains_unstorable(list(_header_values(request)))
        or contains_unstorable(list(request.COOKIES.items()))  # "\000" decodes to a NUL
    ):
        return error_views.error_response(request, 400, "invalid_characters", unstorable_message())
    return None


def body_limit(content_type: str) -> int | None:
    """The most a body of this type may hold: a raw email (the mail gateway) EMAIL_MAX_BYTES;
    a multipart upload is limited by Django per field and per file."""
    if content_type.startswith("multipart/form-data"):
        return None
    if content_type == "message/rfc822":
        return settings.EMAIL_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request: HttpRequest) -> int | None:
    """None for a length that is not a number (Django's request.body would fail on it)."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    return int(declared) if declared.isdigit() else None


def _header_values(request: HttpRequest) -> Iterable[str]:
    """A NUL in a token or a session cookie used to reach a database lookup."""
    return (value for key, value in request.META.items() if key.startswith("HTTP_"))
