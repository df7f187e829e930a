"""Production refuses to start on the demo back office unless it is chosen by name."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import run_checks

from support.checks import TAG, check_exchange_backend
from support.exchange import get_exchange
from support.exchange.demo import DemoExchange
from support.exchange.http import HttpExchange

ROOT = Path(__file__).resolve().parents[2]


def production(settings, **values) -> None:
    settings.DEBUG = False
    settings.EXCHANGE_API_URL = ""
    settings.EXCHANGE_BACKEND = ""
    for name, value in values.items():
        setattr(settings, name, value)


def test_production_without_a_back_office_is_an_error(settings):
    production(settings)

    (error,) = check_exchange_backend()

    assert error.is_serious()
    assert error.id == "support.E002"
    assert error.msg == (
        "No exchange back office: set EXCHANGE_API_URL (and EXCHANGE_API_TOKEN), or "
        "EXCHANGE_BACKEND=demo to run on the demo back office on purpose."
    )
    assert [message.id for message in run_checks(tags=[TAG])] == ["support.E002"]


def test_the_demo_back_office_chosen_by_name_passes(settings):
    production(settings, EXCHANGE_BACKEND="demo")

    assert check_exchange_backend() == []
    assert isinstance(get_exchange(), DemoExchange)


def test_production_with_a_back_office_url_passes(settings):
    production(settings, EXCHANGE_API_URL="https://backoffice.example.com/api")

    assert check_exchange_backend() == []
    assert isinstance(get_exchange(), HttpExchange)


def test_development_runs_on_the_demo_back_office(settings):
    production(settings, DEBUG=True)

    assert check_exchange_backend() == []
    assert isinstance(get_exchange(), DemoExchange)


def test_an_unknown_backend_name_is_an_error_even_in_development(settings):
    production(settings, DEBUG=True, EXCHANGE_BACKEND="dmeo")

    (error,) = check_exchange_backend()

    assert error.is_serious()
    assert error.id == "support.E001"
    assert "EXCHANGE_BACKEND='dmeo' is not known" in error.msg


def test_demo_next_to_a_back_office_url_warns_that_the_url_wins(settings):
    production(settings, EXCHANGE_BACKEND="demo", EXCHANGE_API_URL="https://bo.example.com")

    (warning,) = check_exchange_backend()

    assert not warning.is_serious()
    assert warning.id == "support.W001"
    assert isinstance(get_exchange(), HttpExchange)


def manage_check(**environment: str) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "EXCHANGE_API_URL", "EXCHANGE_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env["SECRET_KEY"] = "x" * 64 + "-a-long-random-production-secret-key"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, **environment},
    )


def test_manage_check_refuses_production_without_a_back_office():
    """Every `manage.py` command (migrate, which the servers wait for, too) stops the same way."""
    result = manage_check()

    assert result.returncode == 1
    assert "?: (support.E002) No exchange back office: set EXCHANGE_API_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_manage_check_passes_with_the_demo_back_office_chosen():
    result = manage_check(EXCHANGE_BACKEND="demo")

    assert result.returncode == 0, result.stderr
