"""Ticket fixtures: an SLA policy on the 24/7 calendar, a routing rule, and an intake helper."""

from importlib import import_module

import pytest

from tickets.intake import InboundMessage, intake_message
from tickets.models import RoutingRule, SlaPolicy


@pytest.fixture
def policy(db) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Default",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=480,
    )


@pytest.fixture
def remediation_rules(db) -> None:
    """The approval rules the migration ships (transactional tests flush them with the rest)."""
    from django.apps import apps

    import_module("tickets.migrations.0008_hardening").fill_keys_and_rules(apps, None)
    import_module("tickets.migrations.0015_compensation_rule").create_rule(apps, None)


@pytest.fixture
def routing(db, team) -> RoutingRule:
    return RoutingRule.objects.create(position=100, team=team)


def inbound(**fields) -> InboundMessage:
    fields.setdefault("channel", "web")
    fields.setdefault("customer_email", "owner@example.com")
    fields.setdefault("subject", "Withdrawal stuck")
    fields.setdefault("text", "My USDT withdrawal has been pending for six hours.")
    return InboundMessage(**fields)


@pytest.fixture
def receive(db):
    def receive(**fields):
        return intake_message(inbound(**fields))

    return receive


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
