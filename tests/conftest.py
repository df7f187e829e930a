"""Shared fixtures: the people of the support system, and a clean Redis for each test."""

import os
from collections.abc import Iterator
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpRequest
from django.test import override_settings
from django.test.client import ClientMixin
from django.utils import translation
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from support.factors import factor_passed, staff_needs_factor
from support.models import AgentProfile, CustomerProfile, Team
from support.roles import Role
from tests.faults.smtp import SmtpServer

User = get_user_model()
PASSWORD = "correct-horse-battery-9"


def pytest_configure(config: pytest.Config) -> None:
    from config.celery import app

    app.conf.task_always_eager = True  # tasks run for real, in the test's process
    ClientMixin._login = _login_with_second_factor


# --- Signing in with the second factor ----------------------------------------------------------
# Staff must give a second factor (support.factors). The test client's `login` and `force_login`
# of anyone who owes one also pass it, through django-otp's own login with the person's TOTP
# device (made by `make_person`, or here for staff made otherwise), as the verify page does.
# Tests of the factor itself sign in with `sign_in_password_only`.
_password_only_login = ClientMixin._login


def _login_with_second_factor(client, user, backend=None) -> None:
    _password_only_login(client, user, backend)
    if staff_needs_factor(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        request = HttpRequest()
        request.session, request.user = client.session, user
        factor_passed(request, totp_device(user))
        request.session.save()


def sign_in_password_only(client, user) -> None:
    """Signed in with the password alone: a session that still owes its second factor."""
    user.backend = "django.contrib.auth.backends.ModelBackend"
    _password_only_login(client, user, user.backend)


def totp_device(user) -> TOTPDevice:
    """The person's confirmed TOTP device, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def totp_code(device: TOTPDevice) -> str | None:
    """A code the device accepts now: a step within its tolerance not used yet (None if all
    are used; a person then types a recovery code, see `recovery_code`). The latest such step
    first: an earlier one can fall out of the tolerance before the code is checked, when a
    loaded machine takes a few seconds to post it across a step's boundary."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    for step in range(now + device.tolerance, now - device.tolerance - 1, -1):
        if step > device.last_t:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
    return None


def recovery_code(user) -> str:
    """One unused recovery code of the person (made, with its device, if they have none)."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    device = device or StaticDevice.objects.create(user=user, name="Recovery", confirmed=True)
    return StaticToken.objects.create(device=device, token=StaticToken.random_token()).token


def second_factor_code(user) -> str:
    return totp_code(totp_device(user)) or recovery_code(user)


@pytest.fixture(scope="session", autouse=True)
def _collected_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Pages name their static files by content hash, as in production, so the test run
    collects them once (without the gzip pass) into a directory of its own, which whitenoise
    serves; processes the tests start (gunicorn) find it through STATIC_ROOT."""
    root = tmp_path_factory.mktemp("static")
    storage = {"BACKEND": "support.staticfiles.StaticFilesStorage", "OPTIONS": {"compress": False}}
    override = override_settings(
        STATIC_ROOT=root, STORAGES={**django_settings.STORAGES, "staticfiles": storage}
    )
    override.enable()
    os.environ["STATIC_ROOT"] = str(root)
    call_command("collectstatic", interactive=False, verbosity=0)
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request made through Django's test client
    leaves its language active in the test's thread, where the next test builds its URLs."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def ensure_roles() -> None:
    """Transactional tests (the browser ones) flush the groups made by the data migration."""
    if not Group.objects.filter(name=Role.ADMIN).exists():
        from django.apps import apps

        roles_migration = import_module("support.migrations.0002_roles")
        roles_migration.create_roles(apps, None)
        import_module("complaints.migrations.0002_defaults").create_defaults(apps, None)
        import_module("tickets.migrations.0014_survey_defaults").create_defaults(apps, None)


def make_person(email: str, role: str, **profile) -> User:
    ensure_roles()
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    if role == Role.CUSTOMER:
        CustomerProfile.objects.create(user=user, **profile)
    else:
        AgentProfile.objects.create(user=user, **profile)
        totp_device(user)
    return user


@pytest.fixture
def customer(db) -> User:
    return make_person(
        "owner@example.com", Role.CUSTOMER, preferred_language="ko", exchange_account_id="EX-1"
    )


@pytest.fixture
def other_customer(db) -> User:
    return make_person("outsider@example.com", Role.CUSTOMER, preferred_language="en")


@pytest.fixture
def team(db) -> Team:
    return Team.objects.create(slug="frontline", name="Frontline")


@pytest.fixture
def agent(db, team) -> User:
    user = make_person(
        "agent@example.com",
        Role.AGENT,
        languages=["en", "ko"],
        skills=["deposit_withdrawal", "kyc"],
        presence="online",
    )
    user.agent_profile.teams.add(team)
    return user


@pytest.fixture
def teammate(db, team) -> User:
    user = make_person("teammate@example.com", Role.AGENT, languages=["en"], presence="online")
    user.agent_profile.teams.add(team)
    return user


@pytest.fixture
def supervisor(db) -> User:
    return make_person("supervisor@example.com", Role.SUPERVISOR, languages=["en"])


@pytest.fixture
def admin_user(db) -> User:
    user = make_person("admin@example.com", Role.ADMIN, languages=["en"])
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server) -> SmtpServer:
    """Django sends its email to our SMTP server, as it would to a real one."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def smtp(smtp_settings) -> SmtpServer:
    """The SMTP server Django sends to (`smtp_settings`), under its short name."""
    return smtp_settings
