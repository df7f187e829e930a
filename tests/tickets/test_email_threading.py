"""Threading: an email continues a ticket only when it names it in a way we can trust and its
sender takes part in it; otherwise it opens its own ticket (docs/email.md, "Threading")."""

from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tickets.channels.email import email_receive
from tickets.channels.email_threads import (
    email_message_id,
    email_message_id_verified,
    subject_normalised,
)
from tickets.models import EmailParticipant, Message, Ticket

pytestmark = pytest.mark.django_db


def raw(
    *,
    sender="owner@example.com",
    subject="Withdrawal stuck",
    body="My USDT withdrawal has been pending for six hours.",
    message_id="<first@mail.example>",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def first(customer, policy) -> Ticket:
    return email_receive(raw=raw())


def our_id(ticket: Ticket, nonce: str = "m1") -> str:
    return email_message_id(reference=ticket.reference, nonce=nonce)


def test_our_message_id_verifies_and_a_changed_one_does_not(first):
    message_id = our_id(first)
    assert email_message_id_verified(message_id) == (first.reference, "m1")
    other_reference = message_id.replace(first.reference, "T-999999")
    assert email_message_id_verified(other_reference) is None
    signature = message_id.split(".")[2].split("@")[0]
    assert email_message_id_verified(message_id.replace(signature, "0" * 32)) is None


def test_a_message_id_signed_under_the_previous_secret_still_verifies(first, settings):
    message_id = our_id(first)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-after-rotation"
    assert email_message_id_verified(message_id) == (first.reference, "m1")


def test_a_reply_to_our_email_joins_its_ticket_whatever_its_subject(first):
    reply = email_receive(
        raw=raw(subject="hello?", message_id="<second@mail.example>", In_Reply_To=our_id(first))
    )
    assert reply == first
    assert first.messages.count() == 2


def test_the_reference_in_the_subject_joins_the_customer_s_ticket(first):
    reply = email_receive(
        raw=raw(subject=f"Re: [{first.reference}] news", message_id="<second@mail.example>")
    )
    assert reply == first


def test_another_customer_quoting_the_reference_gets_a_ticket_of_their_own(first, other_customer):
    """A12: B's mail naming A's ticket, in the subject and by our own signed Message-ID."""
    stranger = email_receive(
        raw=raw(
            sender=other_customer.email,
            subject=f"Re: [{first.reference}] Withdrawal stuck",
            message_id="<b@mail.example>",
            In_Reply_To=our_id(first),
        )
    )
    assert stranger != first
    assert stranger.customer == other_customer
    assert first.messages.count() == 1


def test_a_forged_message_id_reaches_nothing_and_is_flagged(first, other_customer, client, agent):
    forged = f"<{first.reference}.m1.{'a' * 32}@localhost>"
    ticket = email_receive(
        raw=raw(
            sender=other_customer.email,
            subject="Re: something",
            message_id="<b@mail.example>",
            References=forged,
        )
    )
    assert ticket != first
    message = ticket.messages.get()
    assert message.metadata["sender_warnings"] == ["forged_message_id"]
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(reverse("tickets_console:ticket", args=[ticket.reference])).content.decode()
    assert "a Message-ID we did not sign" in page


def test_a_copied_colleague_may_answer_into_the_ticket(customer, other_customer, policy):
    """The customer copies a colleague; the colleague's Reply all joins the ticket. A third
    person who was not copied, answering the same mail, gets a ticket of their own."""
    first = email_receive(raw=raw(Cc=f"Colleague <{other_customer.email}>"))
    assert list(first.email_participants.values_list("email", flat=True)) == [other_customer.email]
    colleague = email_receive(
        raw=raw(
            sender=other_customer.email,
            subject="Re: Withdrawal stuck",
            message_id="<colleague@mail.example>",
            In_Reply_To="<first@mail.example>",
        )
    )
    assert colleague == first
    assert first.messages.last().author == other_customer
    outsider = email_receive(
        raw=raw(
            sender="third@example.com",
            subject="Re: Withdrawal stuck",
            message_id="<third@mail.example>",
            In_Reply_To="<first@mail.example>",
        )
    )
    assert outsider != first


def test_a_copied_colleague_writing_anew_on_the_subject_joins_the_ticket(
    customer, other_customer, policy
):
    """Without In-Reply-To, the same subject from a copied colleague continues the ticket;
    the same subject from someone not copied does not."""
    first = email_receive(raw=raw(Cc=f"<{other_customer.email}>"))
    colleague = email_receive(
        raw=raw(
            sender=other_customer.email,
            subject="Re: Withdrawal stuck",
            message_id="<colleague-new@mail.example>",
        )
    )
    stranger = email_receive(
        raw=raw(
            sender="third@example.com",
            subject="Re: Withdrawal stuck",
            message_id="<third-new@mail.example>",
        )
    )
    assert colleague == first
    assert stranger != first
    assert first.messages.count() == 2


def test_only_the_customer_adds_participants(customer, other_customer, policy):
    first = email_receive(raw=raw(Cc=f"<{other_customer.email}>"))
    email_receive(
        raw=raw(
            sender=other_customer.email,
            message_id="<colleague@mail.example>",
            In_Reply_To="<first@mail.example>",
            Cc="friend@example.com",
        )
    )
    assert set(EmailParticipant.objects.values_list("email", flat=True)) == {other_customer.email}
    assert first.messages.count() == 2


def test_staff_addresses_copied_are_not_participants(customer, agent, policy):
    first = email_receive(raw=raw(Cc=f"{agent.email}, support@localhost"))
    assert not first.email_participants.exists()


def test_same_sender_and_subject_joins_within_the_window_only(first):
    follow = email_receive(
        raw=raw(subject="RE: 回复: Withdrawal  stuck", message_id="<again@mail.example>")
    )
    assert follow == first
    later = timezone.now() + timedelta(days=15)
    with time_machine.travel(later, tick=False):
        much_later = email_receive(
            raw=raw(subject="Re: Withdrawal stuck", message_id="<late@mail.example>")
        )
    assert much_later != first


@pytest.mark.parametrize(
    ("subject", "normalised"),
    [
        ("Re: Fwd: Withdrawal stuck", "withdrawal stuck"),
        ("回复：[T-001234] 充币未到账", "充币未到账"),
        ("回覆: 轉寄: 提幣問題", "提幣問題"),
        ("답장: RE: 출금 지연", "출금 지연"),
        ("RE[2]: 入金について", "入金について"),
        ("AW: WG: Auszahlung", "auszahlung"),
        ("Regarding my deposit", "regarding my deposit"),
    ],
)
def test_subjects_are_compared_without_reply_prefixes(subject, normalised):
    assert subject_normalised(subject) == normalised


def test_a_staff_address_in_from_is_a_customer_message_and_flagged(customer, agent, policy, client):
    """A10: From: an agent's address arriving from outside, naming a customer's ticket by a
    real reference: it does not join that ticket, it is a customer message, and it is flagged."""
    victim = email_receive(raw=raw())
    spoof = email_receive(
        raw=raw(
            sender=agent.email,
            subject=f"Re: [{victim.reference}] Withdrawal stuck",
            message_id="<spoof@mail.example>",
            In_Reply_To=our_id(victim),
            X_Ticket_Status="closed",
        )
    )
    assert spoof != victim
    message = spoof.messages.get()
    assert message.kind == Message.Kind.CUSTOMER
    assert message.metadata["sender_warnings"] == ["staff_from"]
    victim.refresh_from_db()
    assert victim.status == "new" and victim.messages.count() == 1
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(reverse("tickets_console:ticket", args=[spoof.reference])).content.decode()
    assert "claims to come from a staff address" in page


def test_a_staff_reply_to_is_flagged(customer, agent, policy):
    """A11: Reply-To a staff address, From the customer: joins nothing new, flagged."""
    ticket = email_receive(raw=raw(Reply_To=agent.email))
    assert ticket.customer == customer
    assert ticket.messages.get().metadata["sender_warnings"] == ["staff_reply_to"]
