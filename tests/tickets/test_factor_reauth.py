"""Exports, approving remediation and role changes want the second factor given within the
last 15 minutes; otherwise the person confirms it again on the re-authentication page and
comes back."""

import time

import pytest
from django.test import Client

from support.audit_models import AuditEntry
from support.factors import VERIFIED_AT_SESSION_KEY
from tests.conftest import make_person, totp_code, totp_device
from tickets.models import Remediation
from tickets.remediation import remediation_request

REAUTH = "/en/accounts/two-factor/confirm/"
EXPORT = "/console/dashboards/?preset=today&format=csv&figure=volume"


def signed_in(user, *, minutes_ago: int) -> Client:
    """Signed in with the factor, given `minutes_ago` minutes ago."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = int(time.time()) - minutes_ago * 60
    session.save()
    return client


def test_an_export_with_a_fresh_factor_downloads(db, supervisor):
    response = signed_in(supervisor, minutes_ago=14).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_an_export_with_a_stale_factor_asks_for_it_and_comes_back(db, supervisor, settings):
    """F15: An export with a stale factor asks for it and comes back."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own pause after a failure: off here
    client = signed_in(supervisor, minutes_ago=16)

    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH)
    assert client.get(response["Location"]).status_code == 200
    wrong = client.post(response["Location"], {"otp_token": "000000"})
    assert wrong.status_code == 400
    back = client.post(response["Location"], {"otp_token": totp_code(totp_device(supervisor))})

    assert back["Location"] == EXPORT
    assert client.get(EXPORT).status_code == 200
    assert AuditEntry.objects.filter(action="reauthenticated", actor=supervisor).count() == 1


def test_the_complaints_register_api_wants_a_fresh_factor_from_a_session(db, admin_user):
    stale = signed_in(admin_user, minutes_ago=30)
    fresh = signed_in(admin_user, minutes_ago=1)

    refused = stale.get("/api/v1/complaints/register.csv")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "reauthentication_required"
    assert fresh.get("/api/v1/complaints/register.csv").status_code == 200


@pytest.fixture
def waiting_remediation(customer, policy, receive, supervisor, remediation_rules, team):
    requester = make_person("requester@example.com", "supervisor")
    ticket = receive()
    return remediation_request(
        ticket=ticket,
        action="reset_two_factor",
        reason="customer lost the phone, identity checked",
        by=requester,
    )


def test_approving_remediation_with_a_stale_factor_approves_nothing(db, waiting_remediation):
    """F15: Approving remediation with a stale factor approves nothing."""
    approver = make_person("approver@example.com", "supervisor")
    client = signed_in(approver, minutes_ago=20)
    url = f"/console/tickets/remediations/{waiting_remediation.pk}/approve/"

    response = client.post(url, headers={"referer": "http://testserver/console/tickets/"})

    assert response["Location"].startswith(REAUTH)
    waiting_remediation.refresh_from_db()
    assert waiting_remediation.approved_by is None
    assert waiting_remediation.state == Remediation.State.AWAITING_APPROVAL


def test_role_changes_in_the_admin_want_a_fresh_factor(db, admin_user, agent):
    stale = signed_in(admin_user, minutes_ago=20)

    response = stale.get(f"/admin/auth/user/{agent.pk}/change/")

    assert response["Location"].startswith(REAUTH)
    fresh = signed_in(admin_user, minutes_ago=2)
    assert fresh.get(f"/admin/auth/user/{agent.pk}/change/").status_code == 200
