"""Where a session without its second factor is stopped, on every entry point.

- Pages (the site, the console, the admin, file downloads): `SecondFactorMiddleware` sends a
  pending session to the verify page (or the enrolment page, for staff with no factor yet),
  except for the views marked `factor_exempt` (verify, enrol, log out, language).
- The API: `support.authentication.SessionAuthentication` answers 403 with a translated
  message; API tokens are only made for people who have a factor (drf_create_token).
- Websockets: `SecondFactorScope` turns a pending session's user into an anonymous one, which
  every consumer refuses where it wants a signed-in person.
- Sensitive actions (exports, role changes, approving remediation): `recent_factor_required`
  for views, `RecentFactor` for API views, with a re-authentication page and back.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from channels.db import database_sync_to_async
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from support.factors import factor_pending, has_factor, recent_factor


def factor_exempt(view: Callable) -> Callable:
    """A view a pending session may use (the ones that finish or abandon signing in)."""
    view.factor_exempt = True
    return view


def next_url(request: HttpRequest, default: str = "") -> str:
    """The page to go back to: `next` if it is ours, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


class SecondFactorMiddleware:
    """After AuthenticationMiddleware: pages refuse a pending session (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(view_func, "factor_exempt", False) or _is_api_view(view_func):
            return None  # the API answers for itself (support.authentication)
        if not factor_pending(request):
            return None
        return second_factor_redirect(request, request.get_full_path())


def second_factor_redirect(request: HttpRequest, back: str) -> HttpResponse:
    """To the verify page, or the enrolment page for someone with no factor yet, and back."""
    page = "two_factor_verify" if has_factor(request.user) else "two_factor_enrol"
    return redirect(_with_next(reverse(page), back))


def _is_api_view(view_func) -> bool:
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class SecondFactorScope:
    """ASGI, inside Channels' AuthMiddlewareStack: a pending session's socket is anonymous."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is not None and await database_sync_to_async(_socket_pending)(scope):
            scope = dict(scope, user=AnonymousUser())
        return await self.inner(scope, receive, send)


class _SocketRequest:
    def __init__(self, scope):
        self.user, self.session = scope["user"], scope.get("session") or {}


def _socket_pending(scope) -> bool:
    return factor_pending(_SocketRequest(scope))


# --- Re-authentication for sensitive actions --------------------------------------------------
def reauth_redirect(request: HttpRequest, back: str) -> HttpResponse:
    messages.info(request, _("Please confirm it is you with your authenticator code."))
    return redirect(_with_next(reverse("two_factor_reauth"), back))


def recent_factor_required(view: Callable) -> Callable:
    """The view runs only if the factor was given in the last 15 minutes; else the person is
    sent to the re-authentication page and back (to the page itself for a GET, to the page
    the form was on for a POST, which they submit again)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not recent_factor(request):
            back = request.get_full_path()
            if request.method != "GET":
                referer = request.headers.get("referer", "")
                safe = url_has_allowed_host_and_scheme(
                    referer, {request.get_host()}, request.is_secure()
                )
                back = referer if safe else ""
            return reauth_redirect(request, back)
        return view(request, *args, **kwargs)

    return wrapper


class RecentFactor(BasePermission):
    """API: a session must have given its factor within 15 minutes; an API token (made only
    for people with a factor) is its own proof."""

    message = gettext_lazy(
        "Confirm it is you with your authenticator code first (at most 15 minutes ago)."
    )
    code = "reauthentication_required"

    def has_permission(self, request, view) -> bool:
        if request.auth is not None:
            return True  # token authentication: the token was made after enrolment
        return recent_factor(request._request)
