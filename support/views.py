from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from support import throttle
from support.client import client_address
from support.factor_gate import factor_exempt, second_factor_redirect
from support.factors import factor_pending
from support.forms import QueuedPasswordResetForm, SignUpForm, ThrottledLoginForm
from support.health import system_health
from support.roles import is_staff_member
from support.services import customer_sign_up, user_preferred_language, user_set_language
from support.taxonomy import LANGUAGE_CODES


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "support/home.html")


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = customer_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            language=translation.get_language(),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    return render(
        request, "support/sign_up.html", {"form": form}, status=400 if form.errors else 200
    )


class LogInView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "support/log_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if factor_pending(self.request):  # the second factor next, then where they were going
            response = second_factor_redirect(self.request, self.get_success_url())
        language = user_preferred_language(form.get_user())
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
        return response

    def form_invalid(self, form: ThrottledLoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            return throttle.too_many_requests(response, form.retry_after)
        return response

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if is_staff_member(user):
            return reverse("console:home")
        language = user_preferred_language(user) or translation.get_language()
        with translation.override(language):
            return reverse("home")


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for any address; requests counted per client and per mailbox (case and
    `+tag` variants are one mailbox), so nobody floods a customer's inbox."""

    form_class = QueuedPasswordResetForm
    template_name = "support/password_reset.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: QueuedPasswordResetForm) -> HttpResponse:
        wait = throttle.password_reset_hit(
            email=form.cleaned_data["email"], address=client_address(self.request)
        )
        if wait:
            form.add_error(None, throttle.retry_message(wait))
            return throttle.too_many_requests(self.form_invalid(form), wait)
        return super().form_valid(form)


@factor_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remember it on the profile, stay on the same page."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if language not in LANGUAGE_CODES:
        return redirect(next_url)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    response = HttpResponseRedirect(translate_url(next_url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@login_required
@permission_required("support.use_console", raise_exception=True)
def console_home(request: HttpRequest) -> HttpResponse:
    return render(request, "support/console_home.html")


def console_dashboard(request: HttpRequest) -> HttpResponse:
    """The old dashboard's address, kept for bookmarks: its panels are on the supervisors'
    dashboard now, which decides who may see it (a temporary redirect, so the address can
    be given back later)."""
    return redirect("dashboards:supervisor")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, files, the API)."""
    response = HttpResponseRedirect(static("support/favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = system_health()
    return JsonResponse(report, status=200 if report["ok"] else 503)
