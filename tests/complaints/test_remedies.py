"""Remedies of a complaint decided for the customer: executed on their account at the (demo)
exchange through the ticket remediation path — same permission, same second-approver rules,
once — and refused when the decision went against them."""

from decimal import Decimal
from importlib import import_module

import pytest

from complaints import services
from complaints.errors import ComplaintInvalid, InvalidStage, NotIndependent
from complaints.models import ComplaintEvent
from support.models import DemoExchangeAccount
from tickets.models import Remediation
from tickets.remediation import remediation_approve, remediation_execute


@pytest.fixture
def remediation_rules(db) -> None:
    """The approval rules the migration ships (transactional tests flush them with the rest)."""
    from django.apps import apps

    import_module("tickets.migrations.0008_hardening").fill_keys_and_rules(apps, None)


@pytest.fixture
def decided(file_complaint, officer, account, remediation_rules):
    """Decide a new complaint with `outcome` (by the officer)."""

    def decide(outcome: str):
        complaint = file_complaint()
        services.complaint_acknowledge(complaint=complaint, by=officer)
        services.complaint_decide(complaint=complaint, by=officer, outcome=outcome, reason="Ok.")
        complaint.refresh_from_db()
        return complaint

    return decide


def exchange_data() -> dict:
    return DemoExchangeAccount.objects.get(account_id="EX-1").data


def usdt() -> Decimal:
    [balance] = [b for b in exchange_data()["balances"] if b["asset"] == "USDT"]
    return Decimal(balance["available"])


def test_releasing_the_held_withdrawal_waits_for_a_second_approver_then_runs_once(
    decided, officer, supervisor, customer, django_capture_on_commit_callbacks
):
    complaint = decided("upheld")

    with django_capture_on_commit_callbacks(execute=True):
        remediation = services.complaint_remedy_request(
            complaint=complaint,
            by=officer,
            action="release_withdrawal",
            withdrawal_id="W-9",
            reason="The hold had no legal basis.",
        )
    assert (remediation.ticket, remediation.customer) == (None, customer)
    assert remediation.reason == f"{complaint.reference}: The hold had no legal basis."
    assert remediation.state == Remediation.State.AWAITING_APPROVAL
    assert exchange_data()["transfers"][0]["status"] == "held"
    assert exchange_data().get("actions", []) == []

    with django_capture_on_commit_callbacks(execute=True):
        remediation_approve(remediation=remediation, by=supervisor)
    remediation_execute(remediation_id=remediation.pk)  # a second run: nothing more

    remediation.refresh_from_db()
    assert remediation.state == Remediation.State.EXECUTED
    assert remediation.result.startswith("DEMO-")
    assert exchange_data()["transfers"][0]["status"] == "pending"
    assert [a["action"] for a in exchange_data()["actions"]] == ["release_withdrawal"]
    assert list(complaint.remediations.all()) == [remediation]
    [event] = ComplaintEvent.objects.filter(complaint=complaint, kind="remedy")
    assert (event.actor, event.public) == (officer, True)


def test_compensation_credits_the_customer_balance_once(
    decided, officer, django_capture_on_commit_callbacks
):
    complaint = decided("partly_upheld")

    with django_capture_on_commit_callbacks(execute=True):
        remediation = services.complaint_remedy_request(
            complaint=complaint,
            by=officer,
            action="compensate",
            asset="USDT",
            amount=Decimal("25.5"),
            reason="Five days without the funds.",
        )
    remediation_execute(remediation_id=remediation.pk)

    remediation.refresh_from_db()
    assert remediation.state == Remediation.State.EXECUTED
    assert usdt() == Decimal("35.5")  # 10 before
    assert [a["action"] for a in exchange_data()["actions"]] == ["compensate"]


def test_a_fee_refund_above_the_rule_amount_needs_a_second_approver(
    decided, officer, django_capture_on_commit_callbacks
):
    complaint = decided("upheld")

    with django_capture_on_commit_callbacks(execute=True):
        big = services.complaint_remedy_request(
            complaint=complaint, by=officer, action="refund_fee", asset="USDT",
            amount=Decimal("1500"), reason="Fee charged twice.",
        )  # fmt: skip
        small = services.complaint_remedy_request(
            complaint=complaint, by=officer, action="refund_fee", asset="USDT",
            amount=Decimal("5"), reason="Fee charged twice.",
        )  # fmt: skip

    big.refresh_from_db(), small.refresh_from_db()
    assert big.state == Remediation.State.AWAITING_APPROVAL
    assert small.state == Remediation.State.EXECUTED
    assert usdt() == Decimal("15")


def test_no_remedy_after_a_decision_against_the_customer(decided, officer):
    complaint = decided("rejected")

    with pytest.raises(InvalidStage):
        services.complaint_remedy_request(
            complaint=complaint, by=officer, action="compensate", asset="USDT",
            amount=Decimal("10"), reason="Goodwill.",
        )  # fmt: skip

    assert not Remediation.objects.exists()
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="remedy").exists()


def test_no_remedy_before_a_decision(file_complaint, officer, account):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)

    with pytest.raises(InvalidStage):
        services.complaint_remedy_request(
            complaint=complaint, by=officer, action="unfreeze_account", reason="Frozen wrongly."
        )
    assert not Remediation.objects.exists()


def test_after_an_appeal_overturns_a_rejection_its_reviewer_orders_the_remedy(
    decided, officer, reviewer, customer, django_capture_on_commit_callbacks
):
    complaint = decided("rejected")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    services.appeal_decide(
        complaint=complaint, by=reviewer, outcome="overturned", reason="No order on file."
    )

    with pytest.raises(NotIndependent):
        services.complaint_remedy_request(
            complaint=complaint, by=officer, action="unfreeze_account", reason="Overturned."
        )
    with django_capture_on_commit_callbacks(execute=True):
        remediation = services.complaint_remedy_request(
            complaint=complaint, by=reviewer, action="compensate", asset="USDT",
            amount=Decimal("3"), reason="Overturned on appeal.",
        )  # fmt: skip

    remediation.refresh_from_db()
    assert (remediation.requested_by, remediation.state) == (reviewer, "executed")
    assert usdt() == Decimal("13")


def test_no_remedy_when_the_appeal_upholds_a_rejection(decided, reviewer, customer):
    complaint = decided("rejected")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    services.appeal_decide(complaint=complaint, by=reviewer, outcome="upheld", reason="Lawful.")

    with pytest.raises(InvalidStage):
        services.complaint_remedy_request(
            complaint=complaint, by=reviewer, action="unfreeze_account", reason="Goodwill."
        )
    assert not Remediation.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "compensate", "asset": "USDT", "amount": Decimal("-25")},
        {"action": "compensate", "asset": "USDT", "amount": None},
        {"action": "refund_fee", "asset": "", "amount": Decimal("5")},
        {"action": "release_withdrawal", "withdrawal_id": " "},
        {"action": "send_everything"},
    ],
    ids=["negative", "no-amount", "no-asset", "no-withdrawal", "unknown"],
)
def test_a_remedy_missing_what_it_needs_is_refused(fields, decided, officer):
    """A negative compensation would take the money from the customer's balance."""
    complaint = decided("upheld")

    with pytest.raises(ComplaintInvalid):
        services.complaint_remedy_request(complaint=complaint, by=officer, reason="Ok.", **fields)

    assert not Remediation.objects.exists()
    assert usdt() == Decimal("10")
