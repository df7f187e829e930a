"""Raw inbound copies: sealed before parsing, readable only to parse or replay, purged after the
retention period an admin sets."""

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app
from support.models import RetentionPeriod
from tests.conftest import ensure_roles
from tests.tickets.leaks import phrase, phrase_leaks
from tickets.channels.email import email_process, email_receive
from tickets.models import RawInbound, Ticket
from tickets.raw_inbound import (
    RawPayloadPurged,
    RawPayloadUndecryptable,
    check_raw_inbound_key,
    raw_inbound_insert,
    raw_inbound_purge,
    raw_inbound_store,
    raw_payload,
    raw_seal,
)
from tickets.tasks import raw_inbound_purge_task


@pytest.fixture(autouse=True)
def retention(db) -> None:
    """The shipped rows (a flushing transactional test elsewhere may have removed them)."""
    ensure_roles()
    for kind in RetentionPeriod.Kind.values:
        RetentionPeriod.objects.update_or_create(kind=kind, defaults={"days": 30})


def _eml(*, body: str, sender: str = "owner@example.com", message_id: str = "<r1@x>") -> bytes:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["Subject"] = "Access"
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes()


def _stored(raw: bytes) -> RawInbound:
    """A raw email stored and not processed yet (the process stopped right after storing)."""
    return raw_inbound_store(channel="email", key="<r1@x>", payload=raw)


def _age(raw: RawInbound, days: int) -> None:
    RawInbound.objects.filter(pk=raw.pk).update(received_at=timezone.now() - timedelta(days=days))


def _payload_length(raw: RawInbound) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(payload) FROM tickets_rawinbound WHERE id = %s", [raw.pk])
        return cursor.fetchone()[0]


def test_a_raw_email_is_stored_encrypted_and_still_replays(db, policy):
    """G5: the raw copy of an email not processed yet holds a seed phrase; it is sealed, so the
    phrase is nowhere in the database, and the replay (after a parser fix) still works."""
    secret = phrase()
    _stored(_eml(body=f"seed: {secret}", sender=""))
    raw = RawInbound.objects.get()
    assert raw.encrypted is True and raw.processed_at is None
    assert phrase_leaks(secret) == {}
    RawInbound.objects.filter(pk=raw.pk).update(
        payload=raw_seal(_eml(body=f"seed: {secret}", sender="fixed@example.com"))
    )
    ticket = email_process(raw_id=raw.pk)
    assert ticket.customer.email == "fixed@example.com"
    assert "[seed phrase removed]" in ticket.messages.get().body
    assert phrase_leaks(secret) == {}


def test_a_large_raw_email_is_stored_as_sealed_without_a_compression_attempt(db, policy):
    """A sealed payload does not compress: PostgreSQL stores it out of line as it is, without
    trying (the attempt cost more of its CPU than the rest of the insert), and it reads back."""
    raw = _eml(body="Please check my withdrawal.\n" * 400)
    stored = raw_inbound_store(channel="email", key="<large@x>", payload=raw)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'tickets_rawinbound'::regclass AND attname = 'payload'"
        )
        assert cursor.fetchone() == ("e",)  # external: out of line, never compressed
        cursor.execute(
            "SELECT pg_column_compression(payload) FROM tickets_rawinbound WHERE id = %s",
            [stored.pk],
        )
        assert cursor.fetchone() == (None,)
    assert raw_payload(RawInbound.objects.get(pk=stored.pk)) == raw
    # The token travels as text; bytes that are not a token still travel as bytes, unchanged.
    odd = raw_inbound_insert(channel="email", key="<odd@x>", sealed=b"a\\'\x00\xffb")
    assert bytes(RawInbound.objects.get(pk=odd.pk).payload) == b"a\\'\x00\xffb"


def test_rows_stored_before_encryption_still_replay(db, policy):
    _stored(_eml(body="hello", sender=""))
    raw = RawInbound.objects.get()
    RawInbound.objects.filter(pk=raw.pk).update(
        payload=_eml(body="hello", sender="old@example.com"), encrypted=False
    )
    assert email_process(raw_id=raw.pk).customer.email == "old@example.com"


def test_purge_sweep_empties_old_payloads_once_by_retention_kind(db, policy):
    """The sweep empties email payloads older than the raw_email retention, keeps newer ones
    and those of another kind, and a second run changes nothing."""
    RetentionPeriod.objects.filter(kind=RetentionPeriod.Kind.RAW_EMAIL).update(days=30)
    RetentionPeriod.objects.filter(kind=RetentionPeriod.Kind.RAW_WEBHOOK).update(days=90)
    old = RawInbound.objects.create(channel="email", key="old", payload=raw_seal(b"a"))
    recent = RawInbound.objects.create(channel="email", key="new", payload=raw_seal(b"b"))
    hook = RawInbound.objects.create(channel="telegram", key="t1", payload=raw_seal(b"c"))
    _age(old, 31)
    _age(recent, 29)
    _age(hook, 31)

    assert raw_inbound_purge_task.delay().get() == 1
    old.refresh_from_db()
    purged_at = old.purged_at
    assert purged_at is not None and _payload_length(old) == 0
    assert raw_inbound_purge_task.delay().get() == 0
    old.refresh_from_db()
    assert old.purged_at == purged_at
    for kept in (recent, hook):
        kept.refresh_from_db()
        assert kept.purged_at is None and _payload_length(kept) > 0


def test_purge_works_in_batches_and_an_edited_retention_applies(db):
    RetentionPeriod.objects.filter(kind=RetentionPeriod.Kind.RAW_EMAIL).update(days=1)
    rows = [
        RawInbound.objects.create(channel="email", key=f"k{n}", payload=raw_seal(b"x"))
        for n in range(7)
    ]
    for row in rows:
        _age(row, 2)
    assert raw_inbound_purge(batch=3) == 7
    assert RawInbound.objects.filter(purged_at__isnull=True).count() == 0
    assert raw_inbound_purge(batch=3) == 0


def test_the_sweep_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "tickets.tasks.raw_inbound_purge_task" in tasks


def test_replay_after_purge_says_it_was_purged(admin_user, client, db, policy):
    _stored(_eml(body="hello", sender=""))
    raw = RawInbound.objects.get()
    _age(raw, 31)
    raw_inbound_purge()
    raw.refresh_from_db()
    with pytest.raises(RawPayloadPurged):
        email_process(raw_id=raw.pk)
    client.force_login(admin_user)
    response = client.post(
        "/admin/tickets/rawinbound/",
        {"action": "replay", "_selected_action": [raw.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "was purged on" in response.content.decode()
    raw.refresh_from_db()
    assert raw.processed_at is None and Ticket.objects.count() == 0


def test_a_repeat_of_a_purged_unparsed_email_is_stored_again(db, policy):
    _stored(_eml(body="hello", sender=""))
    raw = RawInbound.objects.get()
    _age(raw, 31)
    raw_inbound_purge()
    email_receive(raw=_eml(body="hello", sender="", message_id="<r1@x>"))
    raw.refresh_from_db()
    assert raw.purged_at is None and raw_payload(raw).startswith(b"Subject")


def test_admin_never_shows_the_payload(admin_user, client, db, policy):
    """G5: the admin page of a raw email tells its state, never its content."""
    secret = phrase()
    _stored(_eml(body=f"seed: {secret}", sender=""))
    raw = RawInbound.objects.get()
    client.force_login(admin_user)
    page = client.get(f"/admin/tickets/rawinbound/{raw.pk}/change/")
    listing = client.get("/admin/tickets/rawinbound/")
    assert page.status_code == 200 and listing.status_code == 200
    html = page.content.decode() + listing.content.decode()
    assert "stored encrypted" in html
    assert not set(secret.split()) & set(html.split())
    assert bytes(raw.payload)[:20].decode() not in html


def test_keys_rotate_without_losing_stored_payloads(db, settings):
    """A new RAW_INBOUND_KEY still reads what the SECRET_KEY-derived key sealed, and a new
    SECRET_KEY reads the old rows while the old one is in SECRET_KEY_FALLBACKS."""
    raw = RawInbound.objects.create(
        channel="email", key="k", payload=raw_seal(b"payload"), encrypted=True
    )
    settings.RAW_INBOUND_KEY = ["a-new-long-random-raw-inbound-key"]
    assert raw_payload(raw) == b"payload"
    settings.RAW_INBOUND_KEY = []
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "a-rotated-secret-key"
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert raw_payload(raw) == b"payload"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(RawPayloadUndecryptable):
        raw_payload(raw)


def test_deploy_check_warns_when_raw_copies_hang_on_secret_key(settings):
    settings.DEBUG = False
    settings.RAW_INBOUND_KEY = []
    assert [warning.id for warning in check_raw_inbound_key()] == ["tickets.W001"]
    settings.RAW_INBOUND_KEY = ["set"]
    assert check_raw_inbound_key() == []


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_an_email_s_raw_row_commits_without_waiting_and_the_setting_stays_its_own(policy):
    """email_receive stores the raw row in a commit that does not wait for the disk (its own
    durable commit follows before it returns); the setting ends with that one statement."""
    ensure_roles()
    ticket = email_receive(raw=_eml(body="My deposit has not arrived", message_id="<w1@x>"))

    stored = RawInbound.objects.get(key="<w1@x>")
    assert stored.processed_at is not None and stored.ticket == ticket
    assert _synchronous_commit() == "on"


def test_inside_a_caller_s_transaction_the_commit_setting_is_left_alone(db):
    """There the commit is the caller's: storing never makes it wait less."""
    raw_inbound_store(channel="email", key="<w2@x>", payload=b"x", wait_for_disk=False)
    assert _synchronous_commit() == "on"
