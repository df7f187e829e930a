from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language_from_path

from support.services import user_preferred_language


class ContentSecurityPolicyMiddleware:
    """No inline scripts or styles; websockets only to our own websocket server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        connect = " ".join(filter(None, ["'self'", settings.WEBSOCKET_URL or "ws: wss:"]))
        self.policy = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            f"connect-src {connect}; font-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/docs/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PreferredLanguageMiddleware:
    """On pages without a language prefix (the console, the API), a signed-in person who has
    not picked a language in this browser gets the one on their profile."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and not get_language_from_path(request.path_info)
        ):
            preferred = user_preferred_language(request.user)
            if preferred:
                translation.activate(preferred)
                request.LANGUAGE_CODE = preferred
        return self.get_response(request)
