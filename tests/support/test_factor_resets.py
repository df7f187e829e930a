"""Resetting a colleague's second factor takes two administrators: one asks, another approves;
the factor and the person's sessions go only then, and both steps are in the audit log."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from support.audit_models import AuditEntry
from support.factor_models import FactorReset
from support.factor_resets import FactorResetRefused, factor_reset_approve, factor_reset_request
from support.roles import Role
from tests.conftest import make_person, recovery_code, totp_device


@pytest.fixture
def second_admin(db):
    person = make_person("admin2@example.com", Role.ADMIN)
    person.is_staff = person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    return person


def test_a_reset_needs_a_second_administrator(db, admin_user, second_admin, agent):
    recovery_code(agent)
    agent_session = Client()
    agent_session.force_login(agent)
    reset = factor_reset_request(person=agent, by=admin_user, reason="lost phone", request=None)

    with pytest.raises(FactorResetRefused):
        factor_reset_approve(reset=reset, by=admin_user, request=None)
    assert TOTPDevice.objects.filter(user=agent).exists()
    factor_reset_approve(reset=reset, by=second_admin, request=None)

    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticDevice.objects.filter(user=agent).exists()
    assert agent_session.get("/console/")["Location"].startswith("/en/accounts/log-in/")
    actions = AuditEntry.objects.filter(
        object_id=str(agent.pk), action__startswith="factor_"
    ).values_list("action", "actor")
    assert set(actions) == {
        ("factor_reset_requested", admin_user.pk),
        ("factor_reset_approved", second_admin.pk),
        ("factor_removed", second_admin.pk),
    }


def test_agents_cannot_ask_for_a_reset(db, agent, teammate):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        factor_reset_request(person=teammate, by=agent, reason="x", request=None)
    assert not FactorReset.objects.exists()


def test_nobody_resets_their_own_factor_and_one_reset_waits_at_a_time(
    db, admin_user, second_admin, agent
):
    with pytest.raises(FactorResetRefused):
        factor_reset_request(person=admin_user, by=admin_user, reason="x", request=None)
    factor_reset_request(person=agent, by=admin_user, reason="lost phone", request=None)
    with pytest.raises(FactorResetRefused):
        factor_reset_request(person=agent, by=second_admin, reason="again", request=None)
    assert FactorReset.objects.count() == 1


def test_the_admin_pages_ask_then_approve(db, admin_user, second_admin, agent):
    first, second = Client(), Client()
    first.force_login(admin_user)
    second.force_login(second_admin)

    answer = first.post(
        "/admin/support/factorreset/add/", {"person": agent.pk, "reason": "lost phone"}
    )
    assert answer.status_code == 302
    reset = FactorReset.objects.get()
    mine = first.post(
        "/admin/support/factorreset/",
        {"action": "approve", "_selected_action": [reset.pk]},
        follow=True,
    )
    assert "Someone else must decide on your own request." in mine.content.decode()
    second.post(
        "/admin/support/factorreset/", {"action": "approve", "_selected_action": [reset.pk]}
    )

    reset.refresh_from_db()
    assert reset.approved_by == second_admin
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_the_admin_refuses_a_reset_of_oneself_with_a_message(db, admin_user):
    client = Client()
    client.force_login(admin_user)

    answer = client.post(
        "/admin/support/factorreset/add/", {"person": admin_user.pk, "reason": "mine"}
    )

    assert answer.status_code == 200
    assert "recovery codes" in answer.content.decode()
    assert not FactorReset.objects.exists()
    assert totp_device(admin_user).confirmed


def test_the_device_admin_pages_are_gone(db, admin_user):
    client = Client()
    client.force_login(admin_user)

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
