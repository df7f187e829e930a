"""Retention sweeps per kind (attachments, chat transcripts, raw emails), periods set by admins,
and legal holds stopping them."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from livechat.models import ChatAttachment, ChatMessage, Conversation, Status
from support.data_models import LegalHold
from support.data_rights.retention import retention_sweep
from support.models import RetentionPeriod
from tickets.models import Attachment, Message, RawInbound, Ticket
from tickets.raw_inbound import raw_inbound_purge, raw_seal

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def keep(kind: str, days: int) -> None:
    RetentionPeriod.objects.update_or_create(kind=kind, defaults={"days": days})


def ticket_with_file(customer, *, age: timedelta) -> Attachment:
    ticket = Ticket.objects.create(customer=customer, channel="web", subject="Deposit")
    message = Message.objects.create(
        ticket=ticket, kind="customer", author=customer, channel="web", body="see file"
    )
    attachment = Attachment.objects.create(
        ticket=ticket,
        message=message,
        file=ContentFile(b"statement", name="statement.txt"),
        filename="statement.txt",
        content_type="text/plain",
        size=9,
    )
    Attachment.objects.filter(pk=attachment.pk).update(created_at=timezone.now() - age)
    return attachment


def ended_chat(customer, *, age: timedelta) -> Conversation:
    chat = Conversation.objects.create(
        customer=customer, status=Status.ENDED, ended_at=timezone.now() - age, language="en"
    )
    said = ChatMessage.objects.create(
        conversation=chat, sender="customer", author=customer, body="my wallet is empty"
    )
    ChatAttachment.objects.create(
        message=said,
        file=ContentFile(b"png", name="shot.png"),
        name="shot.png",
        content_type="image/png",
        size=3,
    )
    return chat


def hold(customer, by) -> None:
    LegalHold.objects.create(customer=customer, set_by=by, reason="Court order 12")


def test_attachments_older_than_the_period_are_deleted(
    customer, other_customer, django_capture_on_commit_callbacks
):
    keep(RetentionPeriod.Kind.ATTACHMENT, 90)
    old = ticket_with_file(customer, age=91 * DAY)
    recent = ticket_with_file(other_customer, age=89 * DAY)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows have gone
        deleted = retention_sweep()

    assert deleted[RetentionPeriod.Kind.ATTACHMENT] == 1
    assert not Attachment.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file.name)
    assert Attachment.objects.filter(pk=recent.pk).exists()
    assert Message.objects.filter(ticket=old.ticket).count() == 1  # the message stays


def test_chat_transcripts_older_than_the_period_are_emptied(customer):
    keep(RetentionPeriod.Kind.CHAT_TRANSCRIPT, 30)
    old = ended_chat(customer, age=31 * DAY)
    recent = ended_chat(customer, age=29 * DAY)

    retention_sweep()
    again = retention_sweep()

    assert list(old.messages.values_list("body", flat=True)) == ["[erased]"]
    assert not ChatAttachment.objects.filter(message__conversation=old).exists()
    assert list(recent.messages.values_list("body", flat=True)) == ["my wallet is empty"]
    assert again[RetentionPeriod.Kind.CHAT_TRANSCRIPT] == 0  # nothing twice
    assert Conversation.objects.filter(pk=old.pk, status=Status.ENDED).exists()


def test_a_kind_without_a_period_is_kept(customer):
    RetentionPeriod.objects.filter(
        kind__in=[RetentionPeriod.Kind.ATTACHMENT, RetentionPeriod.Kind.CHAT_TRANSCRIPT]
    ).delete()
    attachment = ticket_with_file(customer, age=4000 * DAY)
    chat = ended_chat(customer, age=4000 * DAY)

    assert retention_sweep() == {}

    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert chat.messages.get().body == "my wallet is empty"


def test_legal_hold_stops_every_sweep(customer, other_customer, admin_user):
    keep(RetentionPeriod.Kind.ATTACHMENT, 1)
    keep(RetentionPeriod.Kind.CHAT_TRANSCRIPT, 1)
    keep(RetentionPeriod.Kind.RAW_EMAIL, 1)
    held_file = ticket_with_file(customer, age=10 * DAY)
    free_file = ticket_with_file(other_customer, age=10 * DAY)
    held_chat = ended_chat(customer, age=10 * DAY)
    free_chat = ended_chat(other_customer, age=10 * DAY)
    held_raw = RawInbound.objects.create(
        channel="email", key="<a@x>", payload=raw_seal(b"raw"), ticket=held_file.ticket
    )
    free_raw = RawInbound.objects.create(
        channel="email", key="<b@x>", payload=raw_seal(b"raw"), ticket=free_file.ticket
    )
    RawInbound.objects.update(received_at=timezone.now() - 10 * DAY)
    hold(customer, admin_user)

    retention_sweep()
    raw_inbound_purge()

    assert Attachment.objects.filter(pk=held_file.pk).exists()
    assert not Attachment.objects.filter(pk=free_file.pk).exists()
    assert held_chat.messages.get().body == "my wallet is empty"
    assert free_chat.messages.get().body == "[erased]"
    held_raw.refresh_from_db()
    free_raw.refresh_from_db()
    assert held_raw.purged_at is None and bytes(held_raw.payload)
    assert free_raw.purged_at is not None and bytes(free_raw.payload) == b""


def test_released_hold_lets_the_sweep_run(customer, admin_user):
    keep(RetentionPeriod.Kind.ATTACHMENT, 1)
    attachment = ticket_with_file(customer, age=10 * DAY)
    hold(customer, admin_user)
    LegalHold.objects.update(released_at=timezone.now(), released_by=admin_user)

    retention_sweep()

    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_sweep_works_in_batches(customer):
    keep(RetentionPeriod.Kind.ATTACHMENT, 1)
    for _ in range(5):
        ticket_with_file(customer, age=2 * DAY)

    deleted = retention_sweep(batch=2)

    assert deleted[RetentionPeriod.Kind.ATTACHMENT] == 5
    assert not Attachment.objects.exists()
