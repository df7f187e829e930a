"""The audit log itself: what audit_record writes, the database refusing changes, retention."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from support.audit import AuditTarget, audit_purge, audit_record
from support.audit_models import AuditAction, AuditChangeRefused, AuditEntry
from support.models import RetentionPeriod, Team

User = get_user_model()


def _request(user, address="198.51.100.7", **meta):
    request = RequestFactory().get("/console/", REMOTE_ADDR=address, **meta)
    request.user = user
    request.request_id = "f" * 32
    return request


def _old_entry(days: int) -> AuditEntry:
    return AuditEntry.objects.create(
        action=AuditAction.SIGN_IN,
        actor_label="old@example.com",
        at=timezone.now() - timedelta(days=days),
    )


def test_a_record_names_actor_object_address_and_request(agent, customer, team):
    entry = audit_record(
        AuditAction.TEAM_CHANGED,
        request=_request(agent),
        target=team,
        customer=customer,
        detail={"added": ["frontline"]},
    )

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label) == (agent, "agent@example.com")
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "support.team",
        str(team.pk),
        "Frontline",
    )
    assert entry.customer == customer
    assert entry.client_address == "198.51.100.7"
    assert entry.request_id == "f" * 32
    assert entry.detail == {"added": ["frontline"]}
    assert abs(entry.at - timezone.now()) < timedelta(minutes=1)


def test_the_client_address_is_the_one_behind_a_trusted_proxy(settings, agent):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = _request(agent, "10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")

    entry = audit_record(AuditAction.SIGN_IN, request=request)

    assert entry.client_address == "203.0.113.5"


def test_an_explicit_actor_wins_over_the_request(agent, supervisor):
    entry = audit_record(AuditAction.SIGN_IN, actor=supervisor, request=_request(agent))

    assert entry.actor == supervisor


def test_a_target_that_is_no_row_and_no_request(db):
    entry = audit_record(AuditAction.REPORT_EXPORTED, target=AuditTarget("report", "sla", "SLA"))

    assert (entry.actor, entry.client_address, entry.request_id) == (None, None, "")
    assert (entry.object_type, entry.object_id, entry.object_label) == ("report", "sla", "SLA")


def test_a_seed_phrase_in_an_object_label_is_redacted(db):
    phrase = "abandon " * 11 + "about"
    entry = audit_record(AuditAction.FORUM_POST_HIDDEN, target=AuditTarget("post", "1", phrase))

    assert "abandon" not in entry.object_label


def test_an_unknown_action_and_a_large_detail_are_refused(db):
    with pytest.raises(ValueError):
        audit_record("made_up")
    with pytest.raises(ValueError):
        audit_record(AuditAction.SIGN_IN, detail={"x": "y" * 5000})
    assert not AuditEntry.objects.exists()


def test_a_rolled_back_change_leaves_no_row(agent, team):
    with pytest.raises(RuntimeError), transaction.atomic():
        Team.objects.filter(pk=team.pk).update(name="Renamed")
        audit_record(AuditAction.ADMIN_CHANGED, actor=agent, target=team)
        raise RuntimeError("the change failed")

    assert not AuditEntry.objects.exists()


def test_the_orm_refuses_changes_and_deletes(agent):
    entry = audit_record(AuditAction.SIGN_IN, actor=agent)

    entry.action = AuditAction.SIGN_OUT
    with pytest.raises(AuditChangeRefused, match="cannot be changed or deleted"):
        entry.save()
    with pytest.raises(AuditChangeRefused):
        entry.delete()
    with pytest.raises(AuditChangeRefused):
        AuditEntry.objects.filter(pk=entry.pk).update(action=AuditAction.SIGN_OUT)
    with pytest.raises(AuditChangeRefused):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == AuditAction.SIGN_IN


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE support_auditentry SET action = 'sign_out'",
        "UPDATE support_auditentry SET actor_label = 'someone else'",
        "UPDATE support_auditentry SET at = at - interval '10 years'",
        "DELETE FROM support_auditentry",
    ],
)
def test_the_database_refuses_changes_and_deletes(agent, statement):
    """Issue 18: an attempt to edit or delete an audit row -> refused by the database."""
    entry = audit_record(AuditAction.SIGN_IN, actor=agent)

    refused = pytest.raises(DatabaseError, match="cannot be changed or deleted")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    entry.refresh_from_db()
    assert (entry.action, entry.actor_label) == (AuditAction.SIGN_IN, "agent@example.com")


def test_the_purge_setting_alone_does_not_delete_recent_rows(agent):
    audit_record(AuditAction.SIGN_IN, actor=agent)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL support.audit_purge = 'on'")
        cursor.execute("DELETE FROM support_auditentry")

    assert AuditEntry.objects.count() == 1


def test_deleting_an_account_keeps_its_rows_and_label(agent, customer):
    entry = audit_record(AuditAction.CUSTOMER_VIEWED, actor=agent, customer=customer)

    User.objects.filter(pk=agent.pk).delete()
    customer.delete()

    entry.refresh_from_db()
    assert (entry.actor, entry.customer, entry.actor_label) == (None, None, "agent@example.com")


def test_the_sweep_deletes_only_rows_past_the_retention_period(db):
    assert RetentionPeriod.objects.get(kind=RetentionPeriod.Kind.AUDIT_LOG).days == 2557
    expired, kept = _old_entry(days=2600), _old_entry(days=2500)

    assert audit_purge() == 1

    assert AuditEntry.objects.filter(pk=expired.pk).exists() is False
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    purge = AuditEntry.objects.get(action=AuditAction.AUDIT_PURGED)
    assert purge.detail["deleted"] == 1


def test_the_sweep_keeps_a_year_whatever_the_admin_sets(db):
    RetentionPeriod.objects.filter(kind=RetentionPeriod.Kind.AUDIT_LOG).update(days=1)
    expired, kept = _old_entry(days=400), _old_entry(days=30)

    assert audit_purge() == 1

    assert not AuditEntry.objects.filter(pk=expired.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_without_a_retention_row_seven_years_are_kept(db):
    RetentionPeriod.objects.filter(kind=RetentionPeriod.Kind.AUDIT_LOG).delete()
    _old_entry(days=2000)

    assert audit_purge() == 0


def test_a_trusted_proxy_passes_its_request_id(client, settings, db):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    from_proxy = client.get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID="abc123def456")
    from_anyone = client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")

    assert from_proxy["X-Request-ID"] == "abc123def456"
    assert from_anyone["X-Request-ID"] != "abc123def456"
