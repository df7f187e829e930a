"""Bounces: a delivery status notification is attached to the ticket whose email bounced,
marks the customer's address as bouncing (console ticket page and customer page), and never
becomes a ticket. Samples: Postfix's DSN from Zammad's test suite (mail033, a 5.1.1 for
not_existing@znuny.com) with the returned email's Message-ID or subject set to ours, and
Google's delay notice (mail078)."""

import pytest

from support.models import OutboxEmail
from tests.conftest import PASSWORD
from tests.tickets.email_corpus import CORPUS
from tickets.bounce_models import BouncedAddress
from tickets.channels.email import BOUNCE_WITHOUT_TICKET, email_receive
from tickets.channels.email_threads import email_message_id
from tickets.models import Event, Message, RawInbound, Ticket
from tickets.services import ticket_reply

CUSTOMER = "not_existing@znuny.com"
RETURNED_ID = b"<20150830145601.30.608881@edenhofer.zammad.com>"
RETURNED_SUBJECT = b"Subject: test [Ticket#10010]"


def postfix_bounce(*, message_id: str | None = None, subject: str | None = None) -> bytes:
    raw = (CORPUS / "mail033-undelivered-mail-returned-to-sender.box").read_bytes()
    if message_id is not None:
        raw = raw.replace(RETURNED_ID, message_id.encode())
    if subject is not None:
        raw = raw.replace(RETURNED_SUBJECT, b"Subject: " + subject.encode())
    return raw


def customer_mail(sender: str = CUSTOMER) -> bytes:
    return (
        f"From: {sender}\r\nTo: support@example.com\r\nSubject: KYC documents\r\n"
        "Message-ID: <c1@znuny.com>\r\n\r\nHere are my documents."
    ).encode()


@pytest.fixture
def replied(db, policy, agent, django_capture_on_commit_callbacks) -> tuple[Ticket, Message]:
    """A customer's ticket and our emailed reply to it."""
    ticket = email_receive(raw=customer_mail())
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply(ticket=ticket, author=agent, body="Please send a clearer photo.")
    return ticket, reply


def test_a_bounce_of_our_reply_is_attached_and_marks_the_address(replied, agent, client):
    ticket, reply = replied
    ours = email_message_id(reference=ticket.reference, nonce=f"m{reply.pk}")

    assert email_receive(raw=postfix_bounce(message_id=ours)) == ticket

    assert Ticket.objects.count() == 1
    note = ticket.messages.get(kind=Message.Kind.NOTE)
    assert note.author is None
    assert "User unknown" in note.body  # the mail server's own explanation
    assert note.metadata["bounce"]["recipients"][0]["status"] == "5.1.1"
    bounce = BouncedAddress.objects.get()
    assert (bounce.address, bounce.status, bounce.ticket) == (CUSTOMER, "5.1.1", ticket)
    assert Event.objects.get(field="email_bounced").after == CUSTOMER
    email = OutboxEmail.objects.get(dedupe_key=f"reply:{reply.pk}")
    assert email.bounced_at is not None  # the reply shows as bounced

    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/console/tickets/{ticket.reference}/").content.decode()
    assert 'data-testid="bouncing"' in page and "Email bounces" in page
    person = client.get(f"/console/customers/{ticket.customer_id}/").content.decode()
    assert 'data-testid="bouncing"' in person


def test_a_bounce_found_by_the_reference_in_the_returned_subject(replied):
    ticket, _reply = replied
    email_receive(raw=postfix_bounce(subject=f"Re: [{ticket.reference}] KYC documents"))
    assert ticket.messages.filter(kind=Message.Kind.NOTE).count() == 1
    assert BouncedAddress.objects.filter(address=CUSTOMER).exists()


def test_a_bounce_naming_another_customers_ticket_changes_nothing(db, policy):
    """A forged notification: the reference is real, the address is not its customer's."""
    other = email_receive(raw=customer_mail(sender="lee@example.com"))
    assert email_receive(raw=postfix_bounce(subject=f"[{other.reference}]")) is None
    assert other.messages.count() == 1
    assert not BouncedAddress.objects.exists()
    assert RawInbound.objects.get(key__contains="mx1.zammad.com").error == BOUNCE_WITHOUT_TICKET


def test_a_bounce_never_becomes_a_ticket_even_unattached(db, policy):
    assert email_receive(raw=postfix_bounce()) is None
    delay = (CORPUS / "mail078.box").read_bytes()  # Google: "Delivery Status Notification (Delay)"
    assert email_receive(raw=delay) is None
    assert Ticket.objects.count() == 0
    assert RawInbound.objects.filter(processed_at__isnull=False).count() == 2


def test_the_same_bounce_twice_adds_one_note(replied):
    ticket, reply = replied
    raw = postfix_bounce(
        message_id=email_message_id(reference=ticket.reference, nonce=f"m{reply.pk}")
    )
    email_receive(raw=raw)
    email_receive(raw=raw)
    assert ticket.messages.filter(kind=Message.Kind.NOTE).count() == 1
    assert BouncedAddress.objects.get().bounces == 1
