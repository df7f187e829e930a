"""Duplicates (ATTACKS.md A8, A9): the same email delivered again — an IMAP re-fetch, an SMTP
retry, a webhook retry, two deliveries at the same moment — changes nothing. The key is the
Message-ID, else the hash of the raw message."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.conftest import ensure_roles
from tests.tickets.email_corpus import CORPUS
from tickets.channels.email import email_receive
from tickets.models import Message, RawInbound, SlaPolicy, Ticket


def mail(*, message_id: str | None = "<d1@mail.example>", received: str = "mx1") -> bytes:
    lines = [
        f"Received: from {received}.mail.example by mx.example.com",
        "From: Kim <kim@example.com>",
        "To: support@example.com",
        "Subject: Deposit missing",
        *([f"Message-ID: {message_id}"] if message_id else []),
        "",
        "I sent 0.5 ETH two hours ago and it has not arrived.",
    ]
    return "\r\n".join(lines).encode()


def test_a_refetched_email_changes_nothing(db, policy):
    """A8: the same Message-ID again, even through another relay (other Received lines)."""
    first = email_receive(raw=mail())
    again = email_receive(raw=mail(received="mx2"))
    assert again == first
    assert Message.objects.count() == 1 and RawInbound.objects.count() == 1


def test_an_email_without_message_id_twice_is_one_message(db, policy):
    """A9: no Message-ID: the hash of the raw message is the key."""
    first = email_receive(raw=mail(message_id=None))
    assert email_receive(raw=mail(message_id=None)) == first
    assert Message.objects.count() == 1
    assert RawInbound.objects.get().key.startswith("sha256:")


def test_a_real_mail_without_message_id_twice(db, policy):
    """mail025 (an Oracle job's report, no Message-ID) delivered twice."""
    raw = (CORPUS / "mail025.box").read_bytes()
    assert email_receive(raw=raw) == email_receive(raw=raw)
    assert Message.objects.count() == 1


def test_a_webhook_retry_answers_the_same_reference(agent, policy):
    client = APIClient()
    client.force_authenticate(agent)
    answers = [
        client.post("/api/v1/tickets/inbound/email/", mail(), content_type="message/rfc822")
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("message_id", ["<d1@mail.example>", None])
def test_concurrent_deliveries_store_one_message(message_id):
    """Two gateways deliver the same email at the same moment: one message, one ticket."""
    ensure_roles()
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    barrier = threading.Barrier(3)
    tickets, errors = [], []

    def deliver() -> None:
        barrier.wait()
        try:
            tickets.append(email_receive(raw=mail(message_id=message_id)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({ticket.pk for ticket in tickets}) == 1
    assert Message.objects.count() == 1 and RawInbound.objects.count() == 1
