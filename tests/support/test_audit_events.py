"""The audit rows of signing in and out, API tokens, and every change made in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from support.audit_models import AuditAction, AuditEntry
from support.models import RetentionPeriod, Team
from support.roles import Role
from tests.audit_helpers import assert_from, browser, only_row
from tests.conftest import PASSWORD

User = get_user_model()
LOG_IN = "/en/accounts/log-in/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_signing_in_and_out(customer):
    client = browser()
    signed_in = client.post(LOG_IN, {"username": customer.username, "password": PASSWORD})
    signed_out = client.post("/en/accounts/log-out/")

    entry = only_row(AuditAction.SIGN_IN)
    assert_from(entry, signed_in, customer)
    assert (entry.object_type, entry.object_id) == ("auth.user", str(customer.pk))
    assert entry.customer == customer
    assert_from(only_row(AuditAction.SIGN_OUT), signed_out, customer)


def test_staff_sign_ins_name_no_customer(agent):
    browser().post(LOG_IN, {"username": agent.username, "password": PASSWORD})

    entry = only_row(AuditAction.SIGN_IN)
    assert (entry.actor, entry.customer) == (agent, None)


def test_a_failed_sign_in_names_the_account_never_the_password(customer):
    answer = browser().post(LOG_IN, {"username": customer.username, "password": "wrong-guess-77"})

    entry = only_row(AuditAction.SIGN_IN_FAILED)
    assert_from(entry, answer, None)
    assert (entry.object_id, entry.customer) == (str(customer.pk), customer)
    assert entry.detail == {"username": "owner@example.com"}
    assert "wrong-guess-77" not in str(AuditEntry.objects.values_list())


def test_a_failed_sign_in_for_no_account_keeps_the_name_tried(db):
    browser().post(LOG_IN, {"username": "ghost@example.com", "password": "nope"})

    entry = only_row(AuditAction.SIGN_IN_FAILED)
    assert (entry.object_id, entry.object_label, entry.customer) == ("", "ghost@example.com", None)


def test_a_password_typed_as_the_name_is_not_kept(db):
    browser().post(LOG_IN, {"username": "my password is Hunter2!xyz", "password": "x"})

    entry = only_row(AuditAction.SIGN_IN_FAILED)
    assert "Hunter2!xyz" not in entry.object_label
    assert "Hunter2!xyz" not in str(entry.detail)


def test_a_token_made_by_command_is_named_by_its_owner_not_its_key(agent):
    call_command("drf_create_token", agent.username, verbosity=0)

    entry = only_row(AuditAction.API_TOKEN_CREATED)
    key = Token.objects.get(user=agent).key
    assert (entry.object_id, entry.object_label) == (str(agent.pk), "agent@example.com")
    assert key not in str(AuditEntry.objects.values_list())


def test_a_token_made_in_the_admin(admin_user, agent):
    client = browser()
    client.force_login(admin_user)

    answer = client.post("/admin/authtoken/tokenproxy/add/", {"user": agent.pk})

    assert answer.status_code == 302
    assert_from(only_row(AuditAction.API_TOKEN_CREATED), answer, admin_user)
    added = only_row(AuditAction.ADMIN_ADDED)
    assert Token.objects.get(user=agent).key not in str(AuditEntry.objects.values_list())
    assert added.object_label == "agent@example.com"


def test_admin_add_change_and_delete_each_write_a_row(admin_user):
    client = browser()
    client.force_login(admin_user)
    form = {"slug": "vip", "name": "VIP", "email_from": "", "email_signature": ""}

    added = client.post("/admin/support/team/add/", form)
    team = Team.objects.get(slug="vip")
    changed = client.post(f"/admin/support/team/{team.pk}/change/", {**form, "name": "VIP desk"})
    deleted = client.post(f"/admin/support/team/{team.pk}/delete/", {"post": "yes"})

    assert [answer.status_code for answer in (added, changed, deleted)] == [302, 302, 302]
    for action, answer in [
        (AuditAction.ADMIN_ADDED, added),
        (AuditAction.ADMIN_CHANGED, changed),
        (AuditAction.ADMIN_DELETED, deleted),
    ]:
        entry = only_row(action)
        assert_from(entry, answer, admin_user)
        assert (entry.object_type, entry.object_id) == ("support.team", str(team.pk))
    assert only_row(AuditAction.ADMIN_CHANGED).detail == {
        "change": [{"changed": {"fields": ["Name"]}}]
    }
    assert only_row(AuditAction.ADMIN_DELETED).object_label == "VIP desk"


def test_deleting_several_in_the_admin_writes_a_row_each(admin_user):
    teams = [Team.objects.create(slug=f"t{n}", name=f"T{n}") for n in range(3)]
    client = browser()
    client.force_login(admin_user)

    client.post(
        "/admin/support/team/",
        {"action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"},
    )

    assert not Team.objects.exists()
    deleted = AuditEntry.objects.filter(action=AuditAction.ADMIN_DELETED)
    assert sorted(deleted.values_list("object_label", flat=True)) == ["T0", "T1", "T2"]


def test_a_role_change_in_the_admin_names_roles_added_and_removed(admin_user, agent):
    client = browser()
    client.force_login(admin_user)
    supervisor_group = Group.objects.get(name=Role.SUPERVISOR)
    form = {
        "username": agent.username,
        "email": agent.email,
        "is_active": "on",
        "groups": [supervisor_group.pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }

    answer = client.post(f"/admin/auth/user/{agent.pk}/change/", form)

    assert answer.status_code == 302
    entry = only_row(AuditAction.ROLE_CHANGED)
    assert_from(entry, answer, admin_user)
    assert entry.object_id == str(agent.pk)
    assert entry.detail == {"added": ["supervisor"], "removed": ["agent"]}


def test_a_team_change_in_the_admin_names_teams_added_and_removed(admin_user, agent, team):
    vip = Team.objects.create(slug="vip", name="VIP")
    client = browser()
    client.force_login(admin_user)
    profile = agent.agent_profile
    form = {
        "user": agent.pk,
        "preferred_language": "en",
        "languages": "en",
        "skills": "",
        "teams": [vip.pk],
        "max_open_chats": 3,
        "max_open_tickets": 25,
        "presence": "online",
    }

    answer = client.post(f"/admin/support/agentprofile/{profile.pk}/change/", form)

    assert answer.status_code == 302, answer.content.decode()[:2000]
    entry = only_row(AuditAction.TEAM_CHANGED)
    assert_from(entry, answer, admin_user)
    assert entry.object_label == "agent@example.com"
    assert entry.detail == {"added": ["VIP"], "removed": ["Frontline"]}


def test_a_save_that_changes_no_membership_writes_no_membership_row(admin_user, agent, team):
    client = browser()
    client.force_login(admin_user)
    period = RetentionPeriod.objects.get(kind=RetentionPeriod.Kind.AUDIT_LOG)

    client.post(
        f"/admin/support/retentionperiod/{period.pk}/change/", {"kind": "audit_log", "days": 3000}
    )

    assert only_row(AuditAction.ADMIN_CHANGED).object_type == "support.retentionperiod"
    assert not AuditEntry.objects.filter(
        action__in=[AuditAction.ROLE_CHANGED, AuditAction.TEAM_CHANGED]
    ).exists()
