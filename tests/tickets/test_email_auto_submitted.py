"""Mail a program writes says so (RFC 3834), so that the customer's out-of-office reply does
not answer it; an agent's reply does not. Each test reads the message as the SMTP server
received it (a real server on a local port)."""

from email.message import EmailMessage

import pytest
from django.core import mail

from support.models import OutboxEmail
from support.services import outbox_deliver
from tests.faults.smtp import SmtpServer
from tests.tickets.leaks import phrase
from tickets.channels.email import email_receive
from tickets.models import Ticket
from tickets.services import agent_notice_enqueue, ticket_reply

pytestmark = pytest.mark.django_db
AUTOMATIC = ("Auto-Submitted", "X-Auto-Response-Suppress", "Precedence")


def customer_mail(body: str = "My USDT withdrawal has been pending for six hours.") -> bytes:
    message = EmailMessage()
    message["From"] = "Kim <kim@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Withdrawal stuck"
    message["Message-ID"] = "<auto1@mail.example>"
    message.set_content(body)
    return message.as_bytes()


def received(smtp: SmtpServer, dedupe_prefix: str):
    """The message the SMTP server received for the outbox email with this key."""
    email = OutboxEmail.objects.get(dedupe_key__startswith=dedupe_prefix)
    assert email.sent_at is not None
    [found] = [m for m in smtp.accepted if m["Subject"] == email.subject]
    return found


def automatic_headers_of(message) -> dict[str, str | None]:
    return {name: message[name] for name in AUTOMATIC}


def test_the_acknowledgement_says_it_answers_the_customer_s_message(
    smtp, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_receive(raw=customer_mail())

    assert automatic_headers_of(received(smtp, "ack:")) == {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
        "Precedence": "bulk",
    }


def test_the_secrets_warning_answers_the_customer_s_message_too(
    smtp, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_receive(raw=customer_mail(f"My seed phrase is {phrase()}, please help"))

    assert received(smtp, "secrets:")["Auto-Submitted"] == "auto-replied"


def test_an_agent_s_reply_is_written_by_a_person_and_says_nothing_of_the_kind(
    smtp, policy, agent, django_capture_on_commit_callbacks
):
    ticket = email_receive(raw=customer_mail())
    smtp.accepted.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=agent, body="We found your withdrawal.")

    [sent] = smtp.accepted
    assert "We found your withdrawal." in sent.get_body(("plain",)).get_content()
    assert automatic_headers_of(sent) == dict.fromkeys(AUTOMATIC)


def test_a_notice_answering_no_message_is_auto_generated(smtp, policy, agent):
    ticket = email_receive(raw=customer_mail())
    agent_notice_enqueue(
        ticket=Ticket.objects.get(pk=ticket.pk), user=agent, reason="assigned", dedupe_key="n:1"
    )

    outbox_deliver(email_id=OutboxEmail.objects.get(dedupe_key="n:1").pk)

    assert automatic_headers_of(received(smtp, "n:1")) == {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
        "Precedence": "bulk",
    }


def test_the_password_reset_email_is_auto_generated(client, customer):
    client.post("/en/accounts/password-reset/", {"email": customer.email})

    [sent] = mail.outbox
    rendered = sent.message()
    assert "/en/accounts/reset/" in sent.body
    assert rendered["Auto-Submitted"] == "auto-generated"
    assert rendered["X-Auto-Response-Suppress"] == "OOF, AutoReply"
