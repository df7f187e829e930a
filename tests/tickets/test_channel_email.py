"""Inbound email: raw stored first, parsed, threaded, deduplicated by Message-ID."""

from email.message import EmailMessage

from rest_framework.test import APIClient

from support.models import OutboxEmail
from tickets.channels.email import email_process, email_receive
from tickets.models import Message, RawInbound, Ticket
from tickets.raw_inbound import raw_inbound_store


def raw_email(
    *,
    message_id="<m1@mail.example>",
    subject="Deposit missing",
    body=None,
    sender="owner@example.com",
    html=None,
    attachment=None,
    references=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Owner <{sender}>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if references:
        message["References"] = references
    message.set_content(
        "I sent 0.5 ETH two hours ago and it has not arrived." if body is None else body
    )
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        message.add_attachment(
            attachment[2],
            maintype=attachment[1].split("/")[0],
            subtype=attachment[1].split("/")[1],
            filename=attachment[0],
        )
    return message.as_bytes()


def test_email_becomes_a_ticket_with_message_id_as_external_id(customer, policy):
    ticket = email_receive(raw=raw_email())
    assert ticket.channel == "email"
    assert ticket.customer == customer
    message = ticket.messages.get()
    assert message.external_id == "<m1@mail.example>"
    assert "0.5 ETH" in message.body
    assert RawInbound.objects.get().processed_at is not None


def test_the_same_email_twice_is_one_message(customer, policy):
    email_receive(raw=raw_email())
    email_receive(raw=raw_email())
    assert Message.objects.count() == 1
    assert RawInbound.objects.count() == 1


def test_reply_threads_by_reference_in_subject_and_by_references(customer, policy):
    ticket = email_receive(raw=raw_email())
    by_subject = email_receive(
        raw=raw_email(message_id="<m2@x>", subject=f"Re: [{ticket.reference}] Deposit missing")
    )
    by_references = email_receive(
        raw=raw_email(message_id="<m3@x>", subject="Re: hi", references="<m1@mail.example>")
    )
    assert by_subject == ticket == by_references
    assert ticket.messages.count() == 3


def test_html_only_parts_are_reduced_to_text(customer, policy):
    raw = raw_email(body="", html="<p>Hello <b>team</b></p><script>alert(1)</script>")
    message = email_receive(raw=raw).messages.get()
    assert "Hello team" in message.body
    assert "<" not in message.body and "alert" not in message.body


def test_refused_attachments_are_dropped_not_the_email(customer, policy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    raw = raw_email(attachment=("x.exe", "application/x-msdownload", b"MZ"))
    ticket = email_receive(raw=raw)
    assert ticket.messages.count() == 1
    assert ticket.attachments.count() == 0
    raw = raw_email(message_id="<m9@x>", attachment=("s.png", "image/png", b"\x89PNG\r\n\x1a\n"))
    assert email_receive(raw=raw).attachments.count() == 1


def test_an_email_naming_no_sender_still_becomes_a_flagged_ticket(db, policy):
    """Never lose a message: no From, Reply-To or Sender at all is still a ticket, flagged
    "could not read fully", and nobody is acknowledged."""
    ticket = email_receive(raw=b"Message-ID: <bad@x>\r\nSubject: no sender\r\n\r\nhello")
    message = ticket.messages.get()
    assert message.body == "hello"
    assert message.metadata["read_problems"] == ["no_sender"]
    assert RawInbound.objects.get().processed_at is not None
    assert not OutboxEmail.objects.exists()


def test_a_stored_unprocessed_email_is_replayed(db, policy):
    """A message stored when the process stopped before reading it is read on replay."""
    raw = raw_inbound_store(
        channel="email", key="<bad@x>", payload=raw_email(message_id="<bad@x>", sender="x@y.z")
    )
    assert email_process(raw_id=raw.pk).customer.email == "x@y.z"
    assert Ticket.objects.count() == 1


def test_gateway_posts_raw_email_with_a_staff_token(agent, customer, policy):
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post(
        "/api/v1/tickets/inbound/email/", raw_email(), content_type="message/rfc822"
    )
    assert response.status_code == 202
    assert response.json()["reference"] == Ticket.objects.get().reference


def test_customers_cannot_post_inbound_email(customer, policy):
    client = APIClient()
    client.force_authenticate(customer)
    response = client.post(
        "/api/v1/tickets/inbound/email/", raw_email(), content_type="message/rfc822"
    )
    assert response.status_code == 403
    assert RawInbound.objects.count() == 0


def test_admin_replays_an_unprocessed_email(admin_user, client, db, policy):
    raw = raw_inbound_store(
        channel="email",
        key="<bad@x>",
        payload=raw_email(message_id="<bad@x>", sender="fixed@example.com"),
    )
    client.force_login(admin_user)
    client.post("/admin/tickets/rawinbound/", {"action": "replay", "_selected_action": [raw.pk]})
    raw.refresh_from_db()
    assert raw.processed_at is not None
    assert raw.ticket.customer.email == "fixed@example.com"


def test_a_new_customer_s_email_and_their_reply_take_few_statements(
    db, policy, django_assert_num_queries
):
    """What every email of a surge costs the database (docs/intake.md): the raw row, its lock,
    the customer read and made (account, role, profile in one), the threading read, the
    ticket, its events, the message and the raw row marked processed: nine; a reply by the
    reference in its subject finds the ticket, locks it and saves it instead of making one
    with its events: eight. Here two more each: the test's own transaction makes the email's
    a savepoint."""
    email_receive(raw=raw_email(message_id="<warm@x>", sender="warm@example.com"))  # copies

    with django_assert_num_queries(11):
        first = email_receive(raw=raw_email(message_id="<n1@x>", sender="new@example.com"))
    with django_assert_num_queries(10):
        reply = email_receive(
            raw=raw_email(
                message_id="<n2@x>",
                sender="new@example.com",
                subject=f"Re: [{first.reference}] Deposit missing",
            )
        )

    assert reply.pk == first.pk
