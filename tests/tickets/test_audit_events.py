"""The audit rows of the console: customer 360 views, remediation requests and decisions,
dashboard exports and raw email downloads."""

import pytest
from django.contrib.auth.models import Permission

from support.audit_models import AuditAction, AuditEntry
from support.models import DemoExchangeAccount
from tests.audit_helpers import assert_from, browser, only_row
from tests.conftest import make_person
from tickets.channels.email import email_receive
from tickets.models import Remediation


@pytest.fixture
def ticket(customer, policy, receive):
    account = {
        "email": customer.email,
        "kyc_status": "verified",
        "tier": "standard",
        "frozen": True,
        "two_factor_enabled": True,
        "created_at": "2025-01-01T00:00:00+00:00",
        "balances": [],
        "transfers": [],
    }
    DemoExchangeAccount.objects.create(account_id="EX-1", data=account)
    return receive()


@pytest.fixture
def second_supervisor(db):
    return make_person("boss2@example.com", "supervisor")


def signed_in(person):
    client = browser()
    client.force_login(person)
    return client


def test_the_ticket_page_records_who_looked_at_whose_account(agent, ticket, customer):
    answer = signed_in(agent).get(f"/console/tickets/{ticket.reference}/")

    assert answer.status_code == 200
    entry = only_row(AuditAction.CUSTOMER_VIEWED)
    assert_from(entry, answer, agent)
    assert (entry.customer, entry.object_id) == (customer, str(customer.pk))
    assert entry.detail == {"exchange_account": "EX-1"}


def test_the_customer_page_records_the_view(agent, ticket, customer):
    answer = signed_in(agent).get(f"/console/customers/{customer.pk}/")

    assert answer.status_code == 200
    assert_from(only_row(AuditAction.CUSTOMER_VIEWED), answer, agent)


def test_someone_who_may_not_read_accounts_is_recorded_without_one(agent, ticket, customer):
    agent.groups.first().permissions.remove(
        Permission.objects.get(codename="view_customer_account")
    )
    signed_in(agent).get(f"/console/tickets/{ticket.reference}/")

    assert only_row(AuditAction.CUSTOMER_VIEWED).detail == {"exchange_account": None}


@pytest.mark.usefixtures("remediation_rules")
def test_a_remediation_request_approval_and_rejection(
    supervisor, second_supervisor, ticket, customer
):
    page = f"/console/tickets/{ticket.reference}/remediations/"
    reason = "the customer recovered the account"
    asked = signed_in(supervisor).post(page, {"action": "unfreeze_account", "reason": reason})
    first = Remediation.objects.get()
    signed_in(supervisor).post(page, {"action": "unfreeze_account", "reason": reason})
    second = Remediation.objects.exclude(pk=first.pk).get()
    deciding = signed_in(second_supervisor)
    approved = deciding.post(f"/console/tickets/remediations/{first.pk}/approve/")
    rejected = deciding.post(
        f"/console/tickets/remediations/{second.pk}/reject/", {"reason": "asked twice"}
    )

    requests = AuditEntry.objects.filter(action=AuditAction.REMEDIATION_REQUESTED)
    assert sorted(requests.values_list("object_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )
    assert_from(requests.get(object_id=first.pk), asked, supervisor)
    for action, answer, remediation in [
        (AuditAction.REMEDIATION_APPROVED, approved, first),
        (AuditAction.REMEDIATION_REJECTED, rejected, second),
    ]:
        entry = only_row(action)
        assert_from(entry, answer, second_supervisor)
        assert (entry.object_type, entry.object_id) == ("tickets.remediation", str(remediation.pk))
        assert entry.customer == customer
        assert entry.detail == {"action": "unfreeze_account", "ticket": ticket.pk}


@pytest.mark.usefixtures("remediation_rules")
def test_a_refused_approval_writes_no_row(supervisor, ticket):
    signed_in(supervisor).post(
        f"/console/tickets/{ticket.reference}/remediations/",
        {"action": "unfreeze_account", "reason": "recovered"},
    )
    remediation = Remediation.objects.get()

    signed_in(supervisor).post(f"/console/tickets/remediations/{remediation.pk}/approve/")

    assert not AuditEntry.objects.filter(action=AuditAction.REMEDIATION_APPROVED).exists()


def test_a_dashboard_export_is_recorded(supervisor):
    answer = signed_in(supervisor).get(
        "/console/dashboards/", {"preset": "today", "format": "csv", "figure": "volume"}
    )

    assert answer.status_code == 200
    entry = only_row(AuditAction.REPORT_EXPORTED)
    assert_from(entry, answer, supervisor)
    assert (entry.object_type, entry.object_id) == ("report", "dashboard:volume")
    assert set(entry.detail) == {"start", "end", "teams"}


def test_a_raw_email_download_is_recorded(db, policy, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    raw = b"From: Kim <kim@example.com>\r\nTo: support@example.com\r\nSubject: Deposit\r\n"
    raw += b"Message-ID: <p1@mail.example>\r\n\r\nMy deposit is missing"
    message = email_receive(raw=raw).messages.get()
    agent.user_permissions.add(Permission.objects.get(codename="view_rawinbound"))
    url = f"/console/tickets/{message.ticket.reference}/emails/{message.pk}/original/"

    answer = signed_in(agent).get(url)

    assert answer.status_code == 200
    entry = only_row(AuditAction.RAW_EMAIL_DOWNLOADED)
    assert_from(entry, answer, agent)
    assert (entry.object_id, entry.customer) == (str(message.pk), message.ticket.customer)
