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
from django.test import override_settings
from django.utils import translation

from support.models import AgentProfile, CustomerProfile, Team
from support.roles import Role
from tests.faults.smtp import SmtpServer

User = get_user_model()
PASSWORD = "correct-horse-battery-9"


def pytest_configure(config: pytest.Config) -> None:
    from config.celery import app

    app.conf.task_always_eager = True  # tasks run for real, in the test's process


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
