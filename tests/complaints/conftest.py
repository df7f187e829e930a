"""Complaint fixtures: the people of the workflow, the customer's exchange account, a filer."""

import pytest

from complaints.services import complaint_submit
from support.models import DemoExchangeAccount
from support.roles import Role
from tests.conftest import make_person

ACCOUNT = {
    "email": "owner@example.com",
    "kyc_status": "verified",
    "tier": "standard",
    "frozen": True,
    "two_factor_enabled": True,
    "created_at": "2025-01-01T00:00:00+00:00",
    "balances": [{"asset": "USDT", "available": "10", "locked": "0"}],
    "transfers": [
        {
            "id": "W-9",
            "kind": "withdrawal",
            "asset": "USDT",
            "amount": "500",
            "status": "held",
            "created_at": "2026-11-24T00:00:00+00:00",
        }
    ],
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def account(customer):
    """The customer's (EX-1) account at the demo exchange: frozen, one withdrawal held."""
    return DemoExchangeAccount.objects.create(account_id="EX-1", data=ACCOUNT)


@pytest.fixture
def officer(db):
    return make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])


@pytest.fixture
def second_officer(db):
    return make_person("officer2@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])


@pytest.fixture
def reviewer(db):
    return make_person("reviewer@example.com", Role.APPEAL_REVIEWER, languages=["en"])


@pytest.fixture
def file_complaint(customer):
    """File a complaint as the customer (fields overridable)."""

    def file(**fields):
        fields.setdefault("customer", customer)
        fields.setdefault("category", "transfer_delay")
        fields.setdefault("description", "My withdrawal W-9 has been held for five days.")
        fields.setdefault("desired_outcome", "Release the withdrawal.")
        return complaint_submit(**fields)

    return file
