"""No loops, no storms (ATTACKS.md A14): mail a program wrote is kept without an
acknowledgement, one address gets at most EMAIL_ACKS_PER_HOUR acknowledgements, and our own
mail coming back never opens a ticket."""

import uuid
from datetime import UTC, datetime

import pytest
import time_machine

from support.models import OutboxEmail
from tests.conftest import PASSWORD
from tests.tickets.email_corpus import CORPUS
from tickets.channels.email import OWN_MAIL, email_receive
from tickets.channels.email_threads import email_message_id
from tickets.models import Message, RawInbound, Ticket


def mail(
    *,
    subject: str = "Withdrawal stuck",
    sender: str = "kim@example.com",
    message_id: str = "<l1@mail.example>",
    headers: tuple[str, ...] = (),
    body: str = "My USDT withdrawal has been pending for six hours.",
) -> bytes:
    lines = [
        f"From: Kim <{sender}>",
        "To: support@example.com",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
        *headers,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
    ]
    return "\r\n".join(lines).encode()


def acknowledgements(address: str = "kim@example.com") -> int:
    return OutboxEmail.objects.filter(to=address, dedupe_key__startswith="ack:").count()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what intake does after its commit (the acknowledgement), as production does."""

    def receive(raw: bytes) -> Ticket | None:
        with django_capture_on_commit_callbacks(execute=True):
            return email_receive(raw=raw)

    return receive


def test_a_person_s_email_is_acknowledged(db, policy, after_commit):
    after_commit(mail())
    assert acknowledgements() == 1


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "List-Id: <announce.lists.example.com>",
    ],
)
def test_mail_marked_as_automatic_gets_no_acknowledgement(db, policy, after_commit, header):
    """A14: kept as a message (someone may need to read it), never answered."""
    ticket = after_commit(mail(headers=(header,)))
    assert ticket.messages.get().metadata["auto_reply"]
    assert acknowledgements() == 0


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Withdrawal stuck",
        "Automatic reply: Withdrawal stuck",
        "自动回复: 提币未到账",
        "自動回覆：提幣未到帳",
        "[자동 응답] 출금 지연",
        "부재중: 출금 지연",
        "自動応答: 出金が遅れています",
        "不在通知：出金",
    ],
)
def test_out_of_office_subjects_in_our_languages_get_no_acknowledgement(
    db, policy, after_commit, subject
):
    after_commit(mail(subject=subject))
    assert acknowledgements() == 0


def test_a_real_servicenow_notification_is_kept_without_acknowledgement(db, policy, after_commit):
    """mail089: ServiceNow's Auto-Submitted: auto-generated incident notice."""
    ticket = after_commit((CORPUS / "mail089.box").read_bytes())
    assert ticket.messages.get().metadata["auto_reply"] == "auto-submitted"
    assert OutboxEmail.objects.filter(dedupe_key__startswith="ack:").count() == 0


def test_an_out_of_office_ping_pong_stays_on_one_ticket_with_one_acknowledgement(
    db, policy, after_commit
):
    """A14: our acknowledgement reaches an autoresponder, which answers each time: its answers
    join the ticket, none is acknowledged, no ticket storm."""
    ticket = after_commit(mail())
    for number in range(10):
        after_commit(
            mail(
                subject=f"Out of Office: Re: [{ticket.reference}] Withdrawal stuck",
                message_id=f"<ooo{number}@mail.example>",
                headers=("Auto-Submitted: auto-replied",),
                body="I am away until Monday.",
            )
        )
    assert Ticket.objects.count() == 1
    assert ticket.messages.count() == 11
    assert acknowledgements() == 1


@time_machine.travel(datetime(2026, 3, 2, 10, 5, tzinfo=UTC), tick=True)
def test_at_most_n_acknowledgements_per_address_per_hour(
    db, policy, settings, after_commit, agent, client
):
    """A storm of new tickets from one address: the first N are acknowledged, the rest are
    kept without one, and the agent sees why."""
    settings.EMAIL_ACKS_PER_HOUR = 2
    address = f"storm-{uuid.uuid4().hex[:12]}@example.com"  # a fresh counter each run
    tickets = [
        after_commit(mail(sender=address, subject=f"Problem {n}", message_id=f"<s{n}@x>"))
        for n in range(4)
    ]
    assert len({ticket.pk for ticket in tickets}) == 4
    assert acknowledgements(address) == 2
    capped = [ticket.messages.get().metadata.get("acknowledgements_capped") for ticket in tickets]
    assert capped == [None, None, True, True]
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/console/tickets/{tickets[3].reference}/").content.decode()
    assert 'data-testid="ack-capped"' in page


def test_our_own_mail_coming_back_never_opens_a_ticket(db, policy, after_commit):
    """A forward loop returns one of our replies, signed Message-ID and all: kept raw, no
    ticket, no message, no acknowledgement."""
    ticket = after_commit(mail())
    own = email_message_id(reference=ticket.reference, nonce="m1")
    assert after_commit(mail(sender="support@localhost", message_id=own)) is None
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1
    assert RawInbound.objects.get(key=own).error == OWN_MAIL
    assert acknowledgements("support@localhost") == 0


def test_a_message_id_shaped_like_ours_but_unsigned_is_a_customer_message(db, policy, after_commit):
    """Nobody outside can make their mail pass as ours (and have it dropped)."""
    ticket = after_commit(mail())
    forged = email_message_id(reference=ticket.reference, nonce="m1").replace(".m1.", ".m2.")
    assert after_commit(mail(sender="lee@example.com", message_id=forged)) is not None
    assert Message.objects.count() == 2
