"""The second factor at sign-in: TOTP with recovery codes (django-otp's devices).

Who needs one: every staff member (any role but customer, superusers, anyone who may open the
admin), always; a customer once they have enabled it. What a session knows: django-otp's
`otp_device_id` once the factor was given (`factor_passed`), and when (`factor_verified_at`,
for the 15-minute re-authentication of sensitive actions). A session is "pending" while it
was signed in with the password only and the person needs a factor: it reaches nothing but
the verify, enrol and log-out pages (support.factor_gate).

Codes are checked against one device at a time through django-otp (a TOTP step is accepted
once: the device keeps the last step used), and every wrong code is counted by the sign-in
throttle of the account and the client, like a wrong password.
"""

import time

import segno
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from support import throttle
from support.audit import audit_record
from support.client import client_address
from support.roles import is_staff_member

VERIFIED_AT_SESSION_KEY = "factor_verified_at"
REQUIRED_SESSION_KEY = "factor_required"  # set at sign-in for customers who enabled TOTP
REAUTH_SECONDS = 15 * 60
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def staff_needs_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (is_staff_member(user) or bool(user.is_staff))


def has_factor(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_verified(request: HttpRequest) -> bool:
    return DEVICE_ID_SESSION_KEY in request.session


def factor_pending(request: HttpRequest) -> bool:
    """Signed in with the password, but the second factor is still owed."""
    user = request.user
    if not user.is_authenticated or session_verified(request):
        return False
    return bool(request.session.get(REQUIRED_SESSION_KEY)) or staff_needs_factor(user)


def recent_factor(request: HttpRequest) -> bool:
    """The factor was given in this session within the last 15 minutes."""
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY)
    if not session_verified(request) or not isinstance(verified_at, int | float):
        return False
    return time.time() - verified_at < REAUTH_SECONDS


def remember_requirement(request: HttpRequest, user: AbstractBaseUser) -> None:
    """At sign-in: a customer who enabled TOTP owes it in this session (staff always do)."""
    if not is_staff_member(user) and has_factor(user):
        request.session[REQUIRED_SESSION_KEY] = True


def factor_passed(request: HttpRequest, device) -> None:
    """The session has given the factor now (django-otp's own login, plus the time)."""
    otp_login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = int(time.time())


def factor_check(*, request: HttpRequest, token: str) -> tuple[object | None, int]:
    """(the device that accepted `token`, seconds to wait if throttled). A wrong or reused
    code counts as a failed sign-in of the account and of the client."""
    user, address = request.user, client_address(request)
    wait = throttle.login_wait(username=user.get_username(), address=address)
    if wait:
        return None, wait
    token = "".join(token.split())
    device = _matching_device(user, token) if token else None
    if device is None:
        throttle.login_failed(username=user.get_username(), address=address)
    return device, 0


def _matching_device(user: AbstractBaseUser, token: str):
    """TOTP first, then the recovery codes (a recovery code is used up)."""
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_is_allowed()[0] and device.verify_token(token):
                    return device
    return None


# --- Enrolment and removal --------------------------------------------------------------------
def totp_device_for_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (the same until used)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno: pure Python, no images)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def factor_enrol(
    *, request: HttpRequest, device: TOTPDevice, token: str
) -> tuple[list[str] | None, int]:
    """Confirm the device with a first code: (the new recovery codes, shown once; seconds to
    wait if throttled). A wrong code counts like a wrong password. The person's other
    sessions end: they were signed in without the factor."""
    user, address = request.user, client_address(request)
    wait = throttle.login_wait(username=user.get_username(), address=address)
    if wait:
        return None, wait
    token = "".join(token.split())
    if device.confirmed or not token or not device.verify_token(token):
        throttle.login_failed(username=user.get_username(), address=address)
        return None, 0
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_replace(user=user)
        audit_record("factor_enrolled", request=request, target=user)
    factor_passed(request, device)
    request.session.save()
    sessions_end(user=user, keep=request.session.session_key)
    return codes, 0


def recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def factor_remove(*, user: AbstractBaseUser, by: AbstractBaseUser, request=None) -> None:
    """Delete the person's factor and end their sessions: staff enrol again at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record("factor_removed", actor=by, request=request, target=user)
    sessions_end(user=user, keep=request.session.session_key if request and user == by else None)


def sessions_end(*, user: AbstractBaseUser, keep: str | None = None) -> int:
    """End the person's sessions (but `keep`). Sessions are signed blobs in PostgreSQL with
    no index by person, so this reads the unexpired ones: a rare action (enrolment, reset)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk) and session.session_key != keep:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def signed_in(sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs) -> None:
    """Django's user_logged_in (connected in SupportConfig.ready), for every way in."""
    if request is not None and hasattr(request, "session"):
        remember_requirement(request, user)
