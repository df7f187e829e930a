"""Pages of the second factor: verify at sign-in, enrol, re-authenticate, and the settings
where a customer turns TOTP on or off (staff cannot: theirs is required)."""

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from support import throttle
from support.audit import audit_record
from support.factor_forms import CodeForm, VerifyForm
from support.factor_gate import factor_exempt, next_url
from support.factors import (
    REQUIRED_SESSION_KEY,
    factor_check,
    factor_enrol,
    factor_passed,
    factor_pending,
    factor_remove,
    has_factor,
    qr_code_svg,
    staff_needs_factor,
    totp_device_for_enrolment,
)

WRONG_CODE = gettext_lazy("That code is not right, or it was already used. Please try again.")


def _landing(request: HttpRequest) -> str:
    default = reverse("console:home" if staff_needs_factor(request.user) else "home")
    return next_url(request, default)


def _checked(request: HttpRequest, form, template: str, context: dict):
    """(the device that accepted the form's code, or the page to answer with)."""
    device, wait = factor_check(request=request, token=form.code())
    if device is None:
        return None, _refused(request, form, template, context, wait)
    return device, None


def _refused(request, form, template: str, context: dict, wait: int) -> HttpResponse:
    """The form again with why: throttled (429, with Retry-After) or a wrong code (400)."""
    form.add_error(None, throttle.retry_message(wait) if wait else WRONG_CODE)
    page = render(request, template, {**context, "form": form}, status=429 if wait else 400)
    return throttle.too_many_requests(page, wait) if wait else page


@factor_exempt
@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if not factor_pending(request):
        return redirect(_landing(request))
    if not has_factor(request.user):
        return redirect(f"{reverse('two_factor_enrol')}?{request.GET.urlencode()}")
    form = VerifyForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.errors else 200
        return render(request, "support/factor_verify.html", {"form": form}, status=status)
    device, refusal = _checked(request, form, "support/factor_verify.html", {})
    if refusal:
        return refusal
    factor_passed(request, device)
    return redirect(_landing(request))


@factor_exempt
@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    if has_factor(request.user):
        return redirect("two_factor_verify" if factor_pending(request) else "two_factor_settings")
    device = totp_device_for_enrolment(request.user)
    form = CodeForm(request.POST or None)
    context = {
        "form": form,
        "qr_code": qr_code_svg(device),
        "secret": b32encode(device.bin_key).decode(),
        "next": next_url(request),
    }
    if request.method == "POST" and form.is_valid():
        codes, wait = factor_enrol(request=request, device=device, token=form.code())
        if not codes:
            return _refused(request, form, "support/factor_enrol.html", context, wait)
        context = {"codes": codes, "continue_url": _landing(request)}
        return render(request, "support/factor_recovery_codes.html", context)
    status = 400 if form.errors else 200
    return render(request, "support/factor_enrol.html", context, status=status)


@never_cache
@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    context = {"next": next_url(request)}
    if request.method == "POST" and form.is_valid():
        device, refusal = _checked(request, form, "support/factor_reauth.html", context)
        if refusal:
            return refusal
        factor_passed(request, device)
        audit_record("reauthenticated", request=request, target=request.user)
        return redirect(_landing(request))
    status = 400 if form.errors else 200
    return render(request, "support/factor_reauth.html", {**context, "form": form}, status=status)


@never_cache
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    context = {
        "enabled": has_factor(request.user),
        "required": staff_needs_factor(request.user),
        "form": CodeForm(),
    }
    return render(request, "support/factor_settings.html", context)


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """A customer turns TOTP off with a current code; staff cannot (an admin resets theirs)."""
    if staff_needs_factor(request.user) or not has_factor(request.user):
        return redirect("two_factor_settings")
    form = CodeForm(request.POST)
    context = {"enabled": True, "required": False}
    if not form.is_valid():
        return render(request, "support/factor_settings.html", {**context, "form": form}, 400)
    device, refusal = _checked(request, form, "support/factor_settings.html", context)
    if refusal:
        return refusal
    factor_remove(user=request.user, by=request.user, request=request)
    request.session.pop(REQUIRED_SESSION_KEY, None)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor_settings")
