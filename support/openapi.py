"""The API's OpenAPI schema: drf-spectacular's, plus every error an operation can answer.

Each operation's own answers come from its view's `extend_schema`. The errors follow from how
the view is built, so they are added here in one place, all with the one error shape
(`support.api_errors`): 400 always (validation, a bad parameter, a character that cannot be
stored), 401 where the view authenticates, 403 where a permission or a CSRF check can refuse,
404 where the path names an object, 413 and 415 where a body is taken, 429 where a throttle
counts. Domain conflicts (409) are declared by the views that can raise them.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny

ERRORS = {
    400: "Invalid input: the fields name what is wrong. Also a body that is not valid JSON or "
    "is nested too deep, a bad cursor, too many form parts, or a character that cannot be "
    "stored (a NUL byte) in the path, query, headers or body.",
    401: "No credentials, or a token that is not valid.",
    403: "Not allowed for this caller (or, for a signed-in browser session, no CSRF token).",
    404: "Not found, or not yours (the same answer, so the two cannot be told apart).",
    409: "The object changed meanwhile (stale version) or the action does not apply to its "
    "current state.",
    413: "The body is over the size limit (or an attachment over its own).",
    415: "A content type this operation does not take (or a file type that is refused).",
    429: "Too many requests: wait the seconds in Retry-After.",
}


class SecondFactorSessionScheme(SessionScheme):
    """Our session authentication (it refuses a session still owing its second factor) is
    Django's session cookie, as DRF's."""

    target_class = "support.authentication.SessionAuthentication"


RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before retrying.",
    }
}


class ErrorBody(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, …")
    message = serializers.CharField(help_text="For people, in the caller's language.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="For `invalid`: the messages per input field (empty otherwise).",
    )
    request_id = serializers.CharField(
        required=False, help_text="Server errors only: quote it to support."
    )


class Error(serializers.Serializer):
    error = ErrorBody()


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = {"application/json": {"schema": self.resolve_serializer(Error, "response").ref}}
        responses = operation.setdefault("responses", {})
        for status in self._error_statuses(path, "requestBody" in operation):
            responses.setdefault(str(status), {"description": ERRORS[status]})
        for status, response in responses.items():
            if int(status) >= 400 and not response.get("content"):  # `409: None` in views
                response["content"] = error
                response["description"] = ERRORS.get(int(status), response.get("description"))
            if status == "429":
                response["headers"] = RETRY_AFTER
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_basic_serializer(self, serializer, direction):
        """Fields an output serializer leaves out for some callers (`optional_in_schema`, such
        as the staff-only fields of a ticket) are not required in its schema."""
        result = super()._map_basic_serializer(serializer, direction)
        optional = set(getattr(serializer, "optional_in_schema", ()))
        if optional and result.get("required"):
            result["required"] = [name for name in result["required"] if name not in optional]
            if not result["required"]:
                del result["required"]
        return result

    def _error_statuses(self, path: str, takes_body: bool) -> list[int]:
        authenticators = self.view.get_authenticators()
        statuses = [400]
        if authenticators:
            statuses.append(401)
        if self._may_refuse(authenticators):
            statuses.append(403)
        if "{" in path:
            statuses.append(404)
        if takes_body:
            statuses += [413, 415]
        if self.view.get_throttles():
            statuses.append(429)
        return statuses

    def _may_refuse(self, authenticators: list) -> bool:
        checks_permission = any(
            type(permission).has_permission is not AllowAny.has_permission
            for permission in self.view.get_permissions()
        )
        checks_csrf = self.method not in SAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        )
        return checks_permission or checks_csrf
