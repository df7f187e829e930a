"""Inbound email: raw stored first, parsed, threaded, deduplicated by Message-ID."""

from email.message import EmailMessage

from rest_framework.test import APIClient

from tickets.channels.email import email_process, email_receive
from tickets.models import Message, RawInbound, Ticket


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


def test_unreadable_email_is_kept_for_replay(db, policy):
    stored = email_receive(raw=b"Message-ID: <bad@x>\r\nSubject: no sender\r\n\r\nhello")
    assert stored is None
    raw = RawInbound.objects.get()
    assert raw.error == "no sender address"
    assert Ticket.objects.count() == 0
    RawInbound.objects.filter(pk=raw.pk).update(
        payload=raw_email(message_id="<bad@x>", sender="fixed@example.com"), encrypted=False
    )
    assert email_process(raw_id=raw.pk).customer.email == "fixed@example.com"


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
    email_receive(raw=b"Message-ID: <bad@x>\r\nSubject: no sender\r\n\r\nhello")
    raw = RawInbound.objects.get()
    RawInbound.objects.filter(pk=raw.pk).update(
        payload=raw_email(message_id="<bad@x>", sender="fixed@example.com"), encrypted=False
    )
    client.force_login(admin_user)
    client.post("/admin/tickets/rawinbound/", {"action": "replay", "_selected_action": [raw.pk]})
    raw.refresh_from_db()
    assert raw.processed_at is not None
    assert raw.ticket.customer.email == "fixed@example.com"
