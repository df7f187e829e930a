"""One error format for every API error: {"error": {"code", "message", "fields"}}.

DRF's errors pass through `exception_handler`; what fails before or outside a DRF view (an
unknown path, a body over the limit, a server error) is answered by `support.error_views`
with the same shape.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": _error_body(exc, response.data)}
    return response


def _error_body(exc: Exception, data: object) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(data) if isinstance(data, dict) else {"non_field_errors": _flatten(data)}
        first = next(iter(fields.values()), [""]) if fields else [""]
        message = first[0] if isinstance(first, list) and first else str(first)
        return {"code": "invalid", "message": message, "fields": fields}
    detail = getattr(exc, "detail", str(exc))
    code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
    return {"code": code, "message": str(detail), "fields": {}}


def _flatten(data: object) -> object:
    if isinstance(data, dict):
        return {key: _flatten(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_flatten(item) if isinstance(item, dict | list) else str(item) for item in data]
    return [str(data)]
