"""Security tests: the ticket fixtures, uploads kept in a temporary folder, fast passwords."""

import pytest

from tests.tickets.conftest import inbound, policy, receive  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
