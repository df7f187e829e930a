"""Customer pages: contact form, my tickets, the ticket page (reply, attach, mark solved)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PASSWORD
from tickets.models import Message, Ticket
from tickets.services import ticket_reply


@pytest.fixture
def signed_in(client, customer):
    client.login(username=customer.username, password=PASSWORD)
    return client


def test_contact_form_prefills_from_help_center_links(signed_in):
    response = signed_in.get("/en/contact/?q=withdrawal+pending&article=stuck-withdrawals")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="withdrawal pending"' in html
    assert 'value="stuck-withdrawals"' in html


def test_contact_form_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/en/contact/?q=help")
    assert response.status_code == 302
    assert "/log-in/" in response["Location"]


def test_contact_form_goes_through_intake(signed_in, customer, policy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = signed_in.post(
        "/ko/contact/",
        {
            "category": "deposit_withdrawal",
            "subject": "출금 지연",
            "description": "USDT 출금이 여섯 시간째 대기 중입니다.",
            "tx_hash": "0x" + "ab" * 32,
            "attachments": [
                SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
            ],
            "article": "stuck-withdrawals",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ko/tickets/{ticket.reference}/"
    assert ticket.category == "deposit_withdrawal"
    assert ticket.language == "ko"
    message = ticket.messages.get()
    assert "0x" + "ab" * 32 in message.body
    assert message.metadata == {"article": "stuck-withdrawals"}
    assert ticket.attachments.count() == 1


def test_contact_form_refuses_a_bad_tx_hash(signed_in, policy):
    response = signed_in.post(
        "/en/contact/",
        {"category": "deposit_withdrawal", "subject": "s", "description": "d", "tx_hash": "nope"},
    )
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_my_tickets_lists_only_mine(signed_in, other_customer, policy, receive):
    mine = receive()
    theirs = receive(customer_email=other_customer.email)
    html = signed_in.get("/en/tickets/").content.decode()
    assert mine.reference in html
    assert theirs.reference not in html


def test_ticket_page_shows_public_conversation_without_notes(signed_in, agent, policy, receive):
    ticket = receive()
    ticket_reply(ticket=ticket, author=agent, body="internal: check AML", internal=True)
    ticket_reply(ticket=ticket, author=agent, body="We released it")
    html = signed_in.get(f"/en/tickets/{ticket.reference}/").content.decode()
    assert "We released it" in html
    assert "check AML" not in html


def test_customer_replies_and_marks_solved(signed_in, policy, receive):
    ticket = receive()
    signed_in.post(f"/en/tickets/{ticket.reference}/reply/", {"body": "Here is more info"})
    assert ticket.messages.filter(kind="customer").count() == 2
    signed_in.post(f"/en/tickets/{ticket.reference}/solve/")
    ticket.refresh_from_db()
    assert ticket.status == "solved"


def test_outsider_gets_404_on_every_page_and_nothing_changes(
    client, other_customer, policy, receive
):
    ticket = receive()
    client.login(username=other_customer.username, password=PASSWORD)
    assert client.get(f"/en/tickets/{ticket.reference}/").status_code == 404
    assert client.post(f"/en/tickets/{ticket.reference}/reply/", {"body": "x"}).status_code == 404
    assert client.post(f"/en/tickets/{ticket.reference}/solve/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert Message.objects.count() == 1


def test_attachment_download_checks_permission(
    client, customer, other_customer, policy, receive, settings, tmp_path
):
    from tickets.intake import InboundAttachment

    settings.MEDIA_ROOT = tmp_path
    ticket = receive(attachments=(InboundAttachment("a.pdf", "application/pdf", b"%PDF-1.7"),))
    attachment = ticket.attachments.get()
    client.login(username=other_customer.username, password=PASSWORD)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    client.login(username=customer.username, password=PASSWORD)
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7"


def test_site_nav_has_contact_and_my_tickets(client, db):
    html = client.get("/en/").content.decode()
    assert "/en/contact/" in html
    assert "/en/tickets/" in html


def test_customer_rates_a_solved_ticket(signed_in, agent, policy, receive):
    ticket = receive()
    signed_in.post(f"/en/tickets/{ticket.reference}/rate/", {"score": "5"})
    ticket.refresh_from_db()
    assert ticket.satisfaction_score is None  # not solved yet
    signed_in.post(f"/en/tickets/{ticket.reference}/solve/")
    signed_in.post(f"/en/tickets/{ticket.reference}/rate/", {"score": "4"})
    ticket.refresh_from_db()
    assert ticket.satisfaction_score == 4
