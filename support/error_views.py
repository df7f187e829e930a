"""Error answers outside DRF's views (config/urls.py's handler400/403/404/500, CSRF failures,
support.edge's refusals): the API's JSON error shape under /api/, a translated page elsewhere.

Pages are rendered without the request's context processors: an error page must not need the
session, the database or Redis, which may be the very thing that failed.
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from support.unavailable import RETRY_AFTER_SECONDS, unavailable_message

_AS_DRF_RENDERS = {"ensure_ascii": False, "separators": (",", ":")}


def error_payload(code: str, message: str, fields: dict | None = None, **extra: str) -> dict:
    """The API's error shape (support.api_errors gives DRF's errors the same)."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}, **extra}}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(
    request: HttpRequest, status: int, code: str, message: str, **extra: str
) -> HttpResponse:
    if is_api(request):
        body = error_payload(code, message, **extra)
        return JsonResponse(body, status=status, json_dumps_params=_AS_DRF_RENDERS)
    context = {"status": status, "title": _title(status), "message": message, **extra}
    html = render_to_string("support/error.html", context)
    return HttpResponse(html, status=status)


def unstorable_message() -> str:
    return _("The request contains a character that cannot be stored (such as a NUL byte).")


def too_large_message(limit: int | None = None) -> str:
    limit = limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _("The request is too large: send at most %(size)s.") % {"size": f"{limit // 1024:,} KB"}


def _title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        403: _("Not allowed"),
        404: _("Page not found"),
        413: _("Too large"),
        500: _("Something went wrong"),
        503: _("Briefly unavailable"),
    }
    return titles.get(status, _("Error"))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django answers 400 for every SuspiciousOperation; a body over the limit is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, "too_large", too_large_message())
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = _("The request has too many fields or files.")
        return error_response(request, 400, "too_many_fields", message)
    return error_response(request, 400, "bad_request", _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("You do not have permission to perform this action.")
    return error_response(request, 403, "permission_denied", message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _("The form had expired or was sent from another site. Reload the page and retry.")
    return error_response(request, 403, "csrf_failed", message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    """No detail of the failure: only an id that finds the traceback in the logs (Django logs
    it with the request, support.logs adds the id). A part that is down is a 503 instead."""
    if message := unavailable_message(sys.exc_info()[1]):
        response = error_response(request, 503, "unavailable", message)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    request_id = getattr(request, "request_id", "")
    message = _("Something went wrong on our side. If it happens again, quote %(id)s.") % {
        "id": request_id
    }
    return error_response(request, 500, "server_error", message, request_id=request_id)
