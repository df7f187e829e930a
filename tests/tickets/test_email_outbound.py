"""Outgoing mail: an agent's reply leaves as an email that threads in the customer's mail
client, from the team's address with its signature, with the agent's files; the console shows
what became of it, through an SMTP outage and a bounce. A real SMTP server on a local port."""

from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from support.models import OutboxEmail
from support.tasks import outbox_retry_task
from tests.conftest import PASSWORD
from tickets.channels.email import email_receive
from tickets.channels.email_outbound import email_delivery_mark
from tickets.channels.email_threads import email_message_id
from tickets.models import Ticket
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def raw(*, message_id: str, subject: str = "Deposit missing", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Owner <owner@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("I sent 0.5 ETH two hours ago and it has not arrived.")
    return message.as_bytes()


@pytest.fixture
def ticket(customer, team, policy, settings, tmp_path) -> Ticket:
    settings.MEDIA_ROOT = tmp_path
    team.email_from = "frontline@exchange.example"
    team.email_signature = "Frontline team\nExample Exchange"
    team.save()
    found = email_receive(raw=raw(message_id="<first@mail.example>", Cc="boss@example.com"))
    Ticket.objects.filter(pk=found.pk).update(team=team)
    found.refresh_from_db()
    return found


def reply(ticket, agent, capture, body="We **found** your deposit.", **fields):
    with capture(execute=True):
        return ticket_reply(ticket=ticket, author=agent, body=body, **fields)


def console_page(client, agent, ticket) -> str:
    client.login(username=agent.username, password=PASSWORD)
    return client.get(reverse("tickets_console:ticket", args=[ticket.reference])).content.decode()


def test_a_reply_leaves_threaded_from_the_team_with_signature_and_files(
    smtp, ticket, agent, customer, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf")
    message = reply(ticket, agent, django_capture_on_commit_callbacks, attachments=[upload])
    [sent] = smtp.accepted
    assert sent["From"] == "frontline@exchange.example"
    assert sent["To"] == customer.email and sent["Cc"] is None  # copied people get nothing
    assert sent["Message-ID"] == email_message_id(
        reference=ticket.reference, nonce=f"m{message.pk}"
    )
    assert sent["In-Reply-To"] == "<first@mail.example>"
    assert sent["References"] == "<first@mail.example>"
    assert f"[{ticket.reference}]" in sent["Subject"]
    text = sent.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = sent.get_body(preferencelist=("html",)).get_content()
    assert "We **found** your deposit." in text and "-- \nFrontline team\nExample Exchange" in text
    assert "<strong>found</strong>" in html and "Frontline team<br>Example Exchange" in html
    [attachment] = sent.iter_attachments()
    assert attachment.get_filename() == "statement.pdf"
    assert attachment.get_content() == PDF


def test_the_customer_s_answer_joins_and_the_next_reply_names_the_whole_thread(
    smtp, ticket, agent, django_capture_on_commit_callbacks
):
    first_reply = reply(ticket, agent, django_capture_on_commit_callbacks)
    first_id = email_message_id(reference=ticket.reference, nonce=f"m{first_reply.pk}")
    answer = email_receive(
        raw=raw(message_id="<second@mail.example>", subject="Re: hi", In_Reply_To=first_id)
    )
    assert answer == ticket
    reply(ticket, agent, django_capture_on_commit_callbacks, body="Credited now.")
    second = smtp.accepted[1]
    assert second["In-Reply-To"] == "<second@mail.example>"
    assert second["References"].split() == [
        "<first@mail.example>",
        first_id,
        "<second@mail.example>",
    ]


def test_a_web_ticket_s_reply_still_carries_our_message_id(
    smtp, customer, agent, policy, receive, django_capture_on_commit_callbacks
):
    ticket = receive(customer_email=customer.email)
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    [sent] = smtp.accepted
    assert sent["Message-ID"] == email_message_id(
        reference=ticket.reference, nonce=f"m{message.pk}"
    )
    assert sent["In-Reply-To"] is None
    assert sent["From"] == "support@localhost"


def test_smtp_down_for_an_hour_the_agent_sees_pending_then_sent_once(
    smtp, ticket, agent, client, django_capture_on_commit_callbacks
):
    """I7: queued with backoff while the server refuses every connection; nothing lost, no
    duplicate, the console says where the email is."""
    smtp.refuse = 10**6
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert "Pending: will retry" in console_page(client, agent, ticket)
    for minute in range(1, 61):  # beat runs the sweep every minute
        with time_machine.travel(start + timedelta(minutes=minute, seconds=1), tick=False):
            outbox_retry_task()
    email = OutboxEmail.objects.get(dedupe_key=f"reply:{message.pk}")
    assert (email.sent_at, email.failed_at) == (None, None) and "421" in email.last_error
    assert 'data-testid="delivery">Pending: will retry' in console_page(client, agent, ticket)

    smtp.refuse = 0  # the server is back after an hour
    for minute in range(61, 70):
        with time_machine.travel(start + timedelta(minutes=minute, seconds=1), tick=False):
            outbox_retry_task()
    assert len(smtp.accepted) == 1
    assert smtp.accepted[0]["Message-ID"] == email_message_id(
        reference=ticket.reference, nonce=f"m{message.pk}"
    )
    assert 'data-testid="delivery">Sent' in console_page(client, agent, ticket)


def test_a_reply_given_up_shows_failed(
    smtp, ticket, agent, client, django_capture_on_commit_callbacks
):
    smtp.refuse = 10**6
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    OutboxEmail.objects.filter(dedupe_key=f"reply:{message.pk}").update(failed_at=timezone.now())
    assert 'data-testid="delivery">Failed' in console_page(client, agent, ticket)


def test_a_bounce_marks_the_reply_bounced(
    smtp, ticket, agent, client, django_capture_on_commit_callbacks
):
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    message_id = smtp.accepted[0]["Message-ID"]
    assert 'data-testid="delivery">Sent' in console_page(client, agent, ticket)
    marked = email_delivery_mark(
        message_id=message_id, state="bounced", reason="550 5.1.1 mailbox unavailable"
    )
    assert marked.dedupe_key == f"reply:{message.pk}"
    assert 'data-testid="delivery">Bounced' in console_page(client, agent, ticket)


def test_a_bounce_naming_an_id_we_did_not_sign_changes_nothing(
    smtp, ticket, agent, django_capture_on_commit_callbacks
):
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    forged = f"<{ticket.reference}.m{message.pk}.{'0' * 32}@localhost>"
    assert email_delivery_mark(message_id=forged, state="bounced") is None
    assert email_delivery_mark(message_id="<someone@else>", state="bounced") is None
    assert not OutboxEmail.objects.filter(bounced_at__isnull=False).exists()
