"""Security headers and limits that every page carries."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/en/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_cannot_be_framed_or_sniffed(client):
    response = client.get("/en/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_oversized_request_body_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/en/accounts/log-in/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413


def test_production_defaults_pass_the_deploy_check():
    """K1: every check, the API schema's included, passes with production settings."""
    import os
    import subprocess
    import sys

    # The browser tests set the async flag; the test command chooses the demo back office.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "EXCHANGE_BACKEND"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env["SECRET_KEY"] = "x" * 64 + "-a-long-random-production-secret-key"
    env["EXCHANGE_API_URL"] = "https://back-office.example/"
    env["RAW_INBOUND_KEY"] = "y" * 64 + "-a-long-random-raw-inbound-key"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
