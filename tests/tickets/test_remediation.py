"""Remediation actions: reason, permission, event, and a second approver above the amount."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from support.models import DemoExchangeAccount
from tests.conftest import make_person
from tickets.errors import RemediationRefused
from tickets.models import Remediation
from tickets.remediation import remediation_approve, remediation_request


@pytest.fixture
def ticket(customer, policy, receive):
    DemoExchangeAccount.objects.create(
        account_id="EX-1",
        data={
            "email": customer.email,
            "kyc_status": "verified",
            "tier": "standard",
            "frozen": False,
            "two_factor_enabled": True,
            "created_at": "2025-01-01T00:00:00+00:00",
            "balances": [{"asset": "USDT", "available": "10", "locked": "0"}],
        },
    )
    return receive()


@pytest.fixture
def second_supervisor(db):
    return make_person("boss2@example.com", "supervisor")


def account_data() -> dict:
    return DemoExchangeAccount.objects.get(account_id="EX-1").data


def test_agent_without_permission_is_refused(agent, ticket):
    with pytest.raises(PermissionDenied):
        remediation_request(ticket=ticket, action="freeze_account", reason="ATO", by=agent)
    assert Remediation.objects.count() == 0


def test_small_action_runs_at_once_with_an_event(
    supervisor, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remediation = remediation_request(
            ticket=ticket, action="freeze_account", reason="account takeover", by=supervisor
        )
    remediation.refresh_from_db()
    assert remediation.state == "executed"
    assert account_data()["frozen"] is True
    fields = set(ticket.events.values_list("field", flat=True))
    assert {"remediation_requested", "remediation_executed"} <= fields


def test_large_refund_waits_for_a_second_approver(
    supervisor, second_supervisor, ticket, settings, django_capture_on_commit_callbacks
):
    settings.TICKETS_REMEDIATION_APPROVAL_AMOUNT = 100
    with django_capture_on_commit_callbacks(execute=True):
        remediation = remediation_request(
            ticket=ticket,
            action="refund_fee",
            reason="double fee",
            by=supervisor,
            asset="USDT",
            amount=Decimal("250"),
        )
    remediation.refresh_from_db()
    assert remediation.state == "awaiting"
    assert account_data()["balances"][0]["available"] == "10"
    with pytest.raises(RemediationRefused):
        remediation_approve(remediation=remediation, by=supervisor)  # not their own
    with django_capture_on_commit_callbacks(execute=True):
        remediation_approve(remediation=remediation, by=second_supervisor)
    remediation.refresh_from_db()
    assert remediation.state == "executed"
    assert remediation.approved_by == second_supervisor
    assert Decimal(account_data()["balances"][0]["available"]) == Decimal("260")


def test_agent_cannot_approve(supervisor, agent, ticket, settings):
    settings.TICKETS_REMEDIATION_APPROVAL_AMOUNT = 1
    remediation = remediation_request(
        ticket=ticket, action="refund_fee", reason="x", by=supervisor, asset="USDT", amount=5
    )
    with pytest.raises(PermissionDenied):
        remediation_approve(remediation=remediation, by=agent)


def test_exchange_refusal_is_recorded_as_failed(
    supervisor, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remediation = remediation_request(
            ticket=ticket,
            action="release_withdrawal",
            reason="stuck",
            by=supervisor,
            withdrawal_id="W-404",
        )
    remediation.refresh_from_db()
    assert remediation.state == "failed"
    assert "W-404" in remediation.result
