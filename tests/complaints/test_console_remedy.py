"""A remedy from the console: asked for after a decision in the customer's favour, waiting for a
second person where the RemediationRule rows say so, approved (never by the person who asked)
or rejected, and carried out at the demo exchange."""

from importlib import import_module

import pytest
from django.apps import apps

from complaints import services
from complaints.models import ComplaintEvent
from support.models import DemoExchangeAccount
from tests.complaints.console_helpers import action_url, fresh, page_url, post, signed_in, text
from tests.conftest import make_person
from tickets.models import Remediation


@pytest.fixture
def remediation_rules(db) -> None:
    """The approval rules the tickets migration ships (as tests/tickets/conftest.py loads them):
    releasing a withdrawal always needs a second approver."""
    import_module("tickets.migrations.0008_hardening").fill_keys_and_rules(apps, None)


@pytest.fixture
def upheld(officer, account, remediation_rules, file_complaint):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(
        complaint=complaint, by=officer, outcome="upheld", reason="The hold was an error."
    )
    return fresh(complaint)


def release(**values) -> dict:
    values.setdefault("action", "release_withdrawal")
    values.setdefault("withdrawal_id", "W-9")
    values.setdefault("reason", "Held in error, decision upheld.")
    return values


def withdrawal_status() -> str:
    data = DemoExchangeAccount.objects.get(account_id="EX-1").data
    return next(t["status"] for t in data["transfers"] if t["id"] == "W-9")


def test_remedy_waits_for_a_supervisor_then_runs_at_the_exchange(
    officer, supervisor, upheld, django_capture_on_commit_callbacks
):
    response = post(signed_in(officer), "remedy", upheld, **release())
    assert response.status_code == 302
    remediation = fresh(upheld).remediations.get()
    assert remediation.state == Remediation.State.AWAITING_APPROVAL
    assert remediation.reason.startswith(upheld.reference)
    assert upheld.events.filter(kind=ComplaintEvent.Kind.REMEDY, actor=officer).exists()
    assert withdrawal_status() == "held"

    officer_page = text(signed_in(officer).get(page_url(upheld)))
    assert "needs a second approver" in officer_page and 'data-testid="approve"' not in officer_page
    boss = signed_in(supervisor)
    assert 'data-testid="approve"' in text(boss.get(page_url(upheld)))
    with django_capture_on_commit_callbacks(execute=True):
        response = boss.post(action_url("remedy_approve", upheld, remediation.pk))
    assert response.status_code == 302
    remediation.refresh_from_db()
    assert remediation.state == Remediation.State.EXECUTED and remediation.approved_by == supervisor
    assert withdrawal_status() == "pending"
    assert "Executed" in text(boss.get(page_url(upheld)))


def test_whoever_asked_cannot_approve_their_own_remedy(admin_user, upheld):
    client = signed_in(admin_user)
    assert post(client, "remedy", upheld, **release()).status_code == 302
    remediation = fresh(upheld).remediations.get()
    assert 'data-testid="approve"' not in text(client.get(page_url(upheld)))
    response = client.post(action_url("remedy_approve", upheld, remediation.pk))
    assert response.status_code == 409
    assert "Someone else must decide on your own request." in text(response)
    remediation.refresh_from_db()
    assert remediation.state == Remediation.State.AWAITING_APPROVAL
    assert withdrawal_status() == "held"


def test_supervisor_rejects_a_remedy_with_a_reason(officer, supervisor, upheld):
    post(signed_in(officer), "remedy", upheld, **release())
    remediation = fresh(upheld).remediations.get()
    url = action_url("remedy_reject", upheld, remediation.pk)
    response = signed_in(supervisor).post(url, {"reason": "Released already by treasury."})
    assert response.status_code == 302
    remediation.refresh_from_db()
    assert remediation.state == Remediation.State.REJECTED
    assert remediation.rejection_reason == "Released already by treasury."
    assert withdrawal_status() == "held"


def test_a_remedy_needs_a_decision_for_the_customer(officer, account, file_complaint):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="No.")
    assert "remedy" not in signed_in(officer).get(page_url(complaint)).context["forms"]
    response = post(signed_in(officer), "remedy", complaint, **release())
    assert response.status_code == 409
    assert not Remediation.objects.exists()


def test_another_complaints_remedy_is_not_found_here(
    officer, supervisor, upheld, customer, file_complaint
):
    post(signed_in(officer), "remedy", upheld, **release())
    remediation = fresh(upheld).remediations.get()
    other = file_complaint()
    response = signed_in(supervisor).post(action_url("remedy_approve", other, remediation.pk))
    assert response.status_code == 404
    remediation.refresh_from_db()
    assert remediation.approved_by is None


def test_someone_without_the_remediation_permission_is_refused(upheld):
    officer_without = make_person("plain@example.com", "complaints_officer")
    officer_without.groups.first().permissions.remove(
        *officer_without.groups.first().permissions.filter(codename="remediate_account")
    )
    officer_without = type(officer_without).objects.get(pk=officer_without.pk)
    response = post(signed_in(officer_without), "remedy", upheld, **release())
    assert response.status_code == 403
    assert not Remediation.objects.exists()
