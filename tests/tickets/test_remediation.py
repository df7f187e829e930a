"""Remediation actions: reason, permission, event, and a second approver where the rules (rows
admins edit) want one; rejection with a reason; one action at the exchange per request."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from support.models import DemoExchangeAccount
from tests.conftest import PASSWORD, make_person
from tickets.errors import RemediationRefused
from tickets.models import Remediation, RemediationRule
from tickets.remediation import (
    remediation_approve,
    remediation_execute,
    remediation_reject,
    remediation_request,
)

pytestmark = pytest.mark.usefixtures("remediation_rules")


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
        },
    )
    return receive()


@pytest.fixture
def second_supervisor(db):
    return make_person("boss2@example.com", "supervisor")


def account_data() -> dict:
    return DemoExchangeAccount.objects.get(account_id="EX-1").data


def request(ticket, by, action: str, commit, **fields) -> Remediation:
    fields.setdefault("reason", "customer asked, identity checked")
    remediation = commit(lambda: remediation_request(ticket=ticket, action=action, by=by, **fields))
    remediation.refresh_from_db()
    return remediation


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


def test_the_default_rules_are_rows(db):
    rules = {
        rule.action: (rule.always, rule.above_amount) for rule in RemediationRule.objects.all()
    }

    assert rules == {
        "unfreeze_account": (True, None),
        "reset_two_factor": (True, None),
        "release_withdrawal": (True, None),
        "refund_fee": (False, Decimal("1000")),
        "compensate": (False, Decimal("1000")),
    }


def test_agent_without_permission_is_refused(agent, ticket):
    with pytest.raises(PermissionDenied):
        remediation_request(ticket=ticket, action="freeze_account", reason="ATO", by=agent)
    assert Remediation.objects.count() == 0


def test_freezing_has_no_rule_and_runs_at_once_with_an_event(supervisor, ticket, commit):
    remediation = request(ticket, supervisor, "freeze_account", commit)

    assert remediation.state == "executed"
    assert remediation.result.startswith("DEMO-")
    assert account_data()["frozen"] is True
    fields = set(ticket.events.values_list("field", flat=True))
    assert {"remediation_requested", "remediation_executed"} <= fields


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("unfreeze_account", {}),
        ("reset_two_factor", {}),
        ("release_withdrawal", {"withdrawal_id": "W-9"}),
        ("refund_fee", {"asset": "USDT", "amount": Decimal("1000.01")}),
    ],
)
def test_each_rule_row_holds_its_action_for_a_second_approver(
    supervisor, ticket, commit, action, fields
):
    before = account_data()

    remediation = request(ticket, supervisor, action, commit, **fields)

    assert (remediation.state, remediation.approved_by) == ("awaiting", None)
    assert account_data() == before  # the exchange was not called


def test_a_refund_up_to_the_rows_amount_runs_at_once(supervisor, ticket, commit):
    remediation = request(
        ticket, supervisor, "refund_fee", commit, asset="USDT", amount=Decimal("1000")
    )

    assert remediation.state == "executed"
    assert Decimal(account_data()["balances"][0]["available"]) == Decimal("1010")


def test_an_admin_edits_the_rules_in_the_django_admin(admin_user, supervisor, ticket, client):
    client.login(username=admin_user.username, password=PASSWORD)
    rule = RemediationRule.objects.get(action="refund_fee")
    page = client.get("/admin/tickets/remediationrule/")
    assert page.status_code == 200

    answer = client.post(
        f"/admin/tickets/remediationrule/{rule.pk}/change/",
        {"action": "refund_fee", "always": "", "above_amount": "100"},
    )

    assert answer.status_code == 302
    remediation = remediation_request(
        ticket=ticket,
        action="refund_fee",
        reason="double fee",
        by=supervisor,
        asset="USDT",
        amount=Decimal("250"),
    )
    assert remediation.state == "awaiting"


def test_without_its_row_an_action_needs_no_second_approver(supervisor, ticket, commit):
    RemediationRule.objects.filter(action="reset_two_factor").delete()

    remediation = request(ticket, supervisor, "reset_two_factor", commit)

    assert remediation.state == "executed"
    assert account_data()["two_factor_enabled"] is False


def test_a_large_refund_runs_after_a_second_approver(supervisor, second_supervisor, ticket, commit):
    remediation = request(
        ticket, supervisor, "refund_fee", commit, asset="USDT", amount=Decimal("2500")
    )
    assert account_data()["balances"][0]["available"] == "10"

    commit(lambda: remediation_approve(remediation=remediation, by=second_supervisor))

    remediation.refresh_from_db()
    assert remediation.state == "executed"
    assert remediation.approved_by == second_supervisor
    assert Decimal(account_data()["balances"][0]["available"]) == Decimal("2510")


def test_the_requester_can_neither_approve_nor_reject_their_own(supervisor, ticket, commit):
    remediation = request(ticket, supervisor, "reset_two_factor", commit)

    with pytest.raises(RemediationRefused):
        remediation_approve(remediation=remediation, by=supervisor)
    with pytest.raises(RemediationRefused):
        remediation_reject(remediation=remediation, by=supervisor, reason="changed my mind")

    remediation.refresh_from_db()
    assert (remediation.state, remediation.approved_by, remediation.rejected_by) == (
        "awaiting",
        None,
        None,
    )
    assert account_data()["two_factor_enabled"] is True


def test_an_agent_cannot_approve_or_reject(supervisor, agent, ticket, commit):
    remediation = request(ticket, supervisor, "reset_two_factor", commit)

    with pytest.raises(PermissionDenied):
        remediation_approve(remediation=remediation, by=agent)
    with pytest.raises(PermissionDenied):
        remediation_reject(remediation=remediation, by=agent, reason="no")

    remediation.refresh_from_db()
    assert remediation.state == "awaiting"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_without_a_reason_is_refused(
    supervisor, second_supervisor, ticket, commit, reason
):
    remediation = request(ticket, supervisor, "reset_two_factor", commit)

    with pytest.raises(RemediationRefused):
        remediation_reject(remediation=remediation, by=second_supervisor, reason=reason)

    remediation.refresh_from_db()
    assert (remediation.state, remediation.rejected_by) == ("awaiting", None)


def test_a_rejection_records_who_and_why_and_the_exchange_is_never_called(
    supervisor, second_supervisor, ticket, commit
):
    remediation = request(ticket, supervisor, "reset_two_factor", commit)

    commit(
        lambda: remediation_reject(
            remediation=remediation, by=second_supervisor, reason="caller failed the ID check"
        )
    )

    remediation.refresh_from_db()
    assert remediation.state == "rejected"
    assert remediation.rejected_by == second_supervisor
    assert remediation.rejection_reason == "caller failed the ID check"
    assert remediation.decided_at is not None
    event = ticket.events.get(field="remediation_rejected")
    assert (event.actor, event.after) == (second_supervisor, "caller failed the ID check")
    assert account_data()["two_factor_enabled"] is True
    with pytest.raises(RemediationRefused):
        remediation_approve(remediation=remediation, by=second_supervisor)
    remediation_execute(remediation_id=remediation.pk)
    assert account_data()["two_factor_enabled"] is True


def test_an_exchange_refusal_is_recorded_as_failed(supervisor, second_supervisor, ticket, commit):
    remediation = request(ticket, supervisor, "release_withdrawal", commit, withdrawal_id="W-404")

    commit(lambda: remediation_approve(remediation=remediation, by=second_supervisor))

    remediation.refresh_from_db()
    assert remediation.state == "failed"
    assert "W-404" in remediation.result
    assert ticket.events.filter(field="remediation_failed").exists()


def test_an_execution_run_twice_acts_once(supervisor, ticket, commit):
    remediation = request(
        ticket, supervisor, "refund_fee", commit, asset="USDT", amount=Decimal("5")
    )

    again = remediation_execute(remediation_id=remediation.pk)

    assert again.state == "executed"
    assert Decimal(account_data()["balances"][0]["available"]) == Decimal("15")
    assert len(account_data()["actions"]) == 1


# --- The console ----------------------------------------------------------------------------------


@pytest.fixture
def frozen(ticket):
    account = DemoExchangeAccount.objects.get(account_id="EX-1")
    account.data["frozen"] = True
    account.save()
    return ticket


def console(client, person):
    client.logout()
    client.login(username=person.username, password=PASSWORD)
    return client


def test_unfreezing_from_the_console_end_to_end(
    client, supervisor, second_supervisor, frozen, django_capture_on_commit_callbacks
):
    page = f"/console/tickets/{frozen.reference}/"
    assert 'value="unfreeze_account"' in console(client, supervisor).get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"{page}remediations/",
            {"action": "unfreeze_account", "reason": "the customer recovered the account"},
        )
    assert answer.status_code == 302
    remediation = Remediation.objects.get()
    assert remediation.state == "awaiting"
    assert account_data()["frozen"] is True
    html = console(client, second_supervisor).get(page).content.decode()
    assert f"/console/tickets/remediations/{remediation.pk}/approve/" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/console/tickets/remediations/{remediation.pk}/approve/")

    remediation.refresh_from_db()
    assert remediation.state == "executed"
    assert account_data()["frozen"] is False
    assert account_data()["actions"][-1]["key"] == str(remediation.idempotency_key)


def test_rejecting_from_the_console_needs_a_reason_and_is_shown(
    client, supervisor, second_supervisor, frozen, commit
):
    remediation = request(frozen, supervisor, "unfreeze_account", commit)
    console(client, second_supervisor)
    url = f"/console/tickets/remediations/{remediation.pk}/reject/"

    client.post(url, {"reason": ""})
    remediation.refresh_from_db()
    assert remediation.state == "awaiting"

    client.post(url, {"reason": "the caller could not prove who they are"})
    remediation.refresh_from_db()
    assert (remediation.state, remediation.rejected_by) == ("rejected", second_supervisor)
    html = client.get(f"/console/tickets/{frozen.reference}/").content.decode()
    assert "the caller could not prove who they are" in html
    assert second_supervisor.email in html
    assert account_data()["frozen"] is True
