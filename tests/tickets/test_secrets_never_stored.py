"""Secrets never stored: each entry point of a ticket, then the whole database read back.

Every test writes a real BIP39 phrase (or a password) where a customer controls the text, lets
intake and its follow-up run (acknowledgement, routing, agent notices, outbox delivery), and then
searches every column of every table for any word of it.
"""

import hashlib
import logging
import os
import re
from email import message_from_string, policy
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from support.models import OutboxEmail
from tests.conftest import PASSWORD
from tests.support.text.test_credentials import pem_key, wif_key, xprv_key
from tests.tickets.leaks import leaks, phrase, phrase_leaks
from tickets.channels.email import email_receive
from tickets.models import Attachment, Message, RawInbound, Ticket

SECRET_PASSWORD = "Vq7Zephyr9Lumen"  # noqa: S105 - the secret the tests disclose
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
ORDINARY = "I want to buy a little more bitcoin this month for my family"  # 13 BIP39 words


@pytest.fixture
def routed(routing, agent, policy):
    """An online agent on the team the routing rule picks: intake's follow-up notifies them."""
    return agent


def said(word: str, text: str) -> bool:
    """`word` as a word of `text` ("race" is not in "trace")."""
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


def _sent_text() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts).lower()


def test_api_ticket_with_a_seed_phrase_in_its_subject_stores_it_nowhere(
    customer, routed, django_capture_on_commit_callbacks, caplog
):
    """G1, G5: a phrase in an API ticket's subject and a password in its text are redacted
    before the database, the acknowledgement, the agent notice and the logs."""
    secret = phrase()
    client = APIClient()
    client.force_authenticate(customer)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/tickets/",
            {
                "subject": f"Help: {secret}",
                "text": f"Withdrawal stuck, my password is {SECRET_PASSWORD}",
                "category": "deposit_withdrawal",
            },
            format="json",
        )
    assert response.status_code == 201
    assert secret.split()[0] not in response.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.subject == "Help: [seed phrase removed]"
    assert ticket.security_followup is True
    assert OutboxEmail.objects.filter(to=customer.email).count() >= 2  # ack + security notice
    assert OutboxEmail.objects.filter(to=routed.email).exists()  # the agent's notice
    assert phrase_leaks(secret, SECRET_PASSWORD) == {}
    assert not set(secret.split()) & set(_sent_text().split())
    assert not said(secret.split()[-1], caplog.text)


def test_portal_contact_form_with_secrets_in_every_field_stores_them_nowhere(
    client, customer, routed, settings, tmp_path, django_capture_on_commit_callbacks
):
    """G1, G3, G5: subject, description, the article field and a file name from the contact
    form are all redacted before they are stored or emailed."""
    settings.MEDIA_ROOT = tmp_path
    secret, in_name = phrase(), phrase(strength=256)
    client.login(username=customer.username, password=PASSWORD)
    upload = SimpleUploadedFile(f"{in_name}.png".replace(" ", "_"), PNG, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/contact/",
            {
                "category": "deposit_withdrawal",
                "subject": f"my password is {SECRET_PASSWORD}",
                "description": f"Seed words:\n{secret}\nplease help",
                "attachments": [upload],
                "article": secret,
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get()
    assert SECRET_PASSWORD not in ticket.subject
    assert Attachment.objects.count() == 1
    assert phrase_leaks(secret, SECRET_PASSWORD) == {}
    assert phrase_leaks(in_name) == {}
    assert not set(secret.split()) & set(_sent_text().split())


def _eml(
    *, subject: str, body: str, attachment_name: str, message_id: str, attachment: bytes = b"log"
) -> bytes:
    message = EmailMessage()
    message["From"] = "Owner <owner@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    message.add_attachment(attachment, maintype="text", subtype="plain", filename=attachment_name)
    return message.as_bytes()


def test_email_with_secrets_in_subject_body_and_file_name_stores_them_nowhere(
    customer, routed, settings, tmp_path, django_capture_on_commit_callbacks, caplog
):
    """G1, G5, D1: an email's subject, body and attachment name are redacted before storage;
    the raw copy is encrypted; the acknowledgement, notices and mail files never hold them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    secret, in_subject, in_name = phrase(), phrase(), phrase()
    raw = _eml(
        subject=f"Lost access: {in_subject}",
        body=f"1. {secret.replace(' ', chr(10) + '1. ')}\nmy password is {SECRET_PASSWORD}",
        attachment_name=f"../../{in_name}.txt",
        message_id="<secret-1@mail.example>",
    )
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(raw=raw)
    assert ticket.subject == "Lost access: [seed phrase removed]"
    stored = RawInbound.objects.get()
    assert stored.encrypted is True
    assert in_subject.split()[0].encode() not in bytes(stored.payload)
    assert Attachment.objects.get().filename.startswith("[seed phrase removed]")
    assert phrase_leaks(secret, SECRET_PASSWORD) == {}
    assert phrase_leaks(in_subject) == {}
    assert phrase_leaks(in_name) == {}
    files = "\n".join(p.read_text() for p in (tmp_path / "mail").iterdir()).lower()
    subjects = [
        str(message_from_string(part, policy=policy.default)["subject"]).lower()
        for path in (tmp_path / "mail").iterdir()
        for part in path.read_text().split("\n" + "-" * 79 + "\n")
        if part.strip()
    ]  # read as a mail client would: a long subject is folded, where its words may part
    assert any("lost access" in subject for subject in subjects)  # the acknowledgement
    assert not set((secret + " " + in_subject).split()) & set(files.split())
    assert not any(said(word, caplog.text) for word in in_subject.split())


def test_email_attachment_file_names_are_sanitised_for_display(
    customer, policy, settings, tmp_path
):
    """D1, D5: path parts, NUL, bidi controls and 300-character names never reach the stored
    name, and the file itself is stored under a random key."""
    settings.MEDIA_ROOT = tmp_path
    names = ["..\\..\\x.txt", "invoice\u202etxt.exe.txt", "a\x00b.txt", "n" * 300 + ".txt"]
    message = EmailMessage()
    message["From"] = "owner@example.com"
    message["Subject"] = "files"
    message["Message-ID"] = "<files@x>"
    message.set_content("see attached")
    for name in names:
        message.add_attachment(b"x", maintype="text", subtype="plain", filename=name)
    email_receive(raw=message.as_bytes())
    stored = list(Attachment.objects.order_by("id"))
    shown = [attachment.filename for attachment in stored]
    assert shown[0] == "x.txt"
    assert shown[1] == "invoicetxt.exe.txt"
    assert "\x00" not in shown[2] and shown[2].endswith(".txt")
    assert len(shown[3]) <= 120 and shown[3].endswith(".txt")
    for attachment in stored:
        assert ".." not in attachment.file.name
        assert attachment.filename not in attachment.file.name  # a random key on disk


def test_ordinary_sentence_of_bip39_words_is_stored_as_written(customer, policy):
    """G7: a 12-word English sentence made of wordlist words is not a seed phrase."""
    client = APIClient()
    client.force_authenticate(customer)
    response = client.post(
        "/api/v1/tickets/", {"subject": ORDINARY, "text": ORDINARY}, format="json"
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.subject == ORDINARY
    assert Message.objects.get().body == ORDINARY
    assert ticket.security_followup is False


def test_an_email_cut_to_length_never_keeps_the_start_of_a_phrase(customer, policy):
    """G1, G5: the subject is cut to 200 characters and the body to 20,000; a phrase the cut
    splits is removed whole, not cut to a few words too few to be recognised."""
    in_subject, in_body = phrase(), phrase()
    subject = "x" * (200 - len(in_subject.split()[0]) - 12) + " " + in_subject
    body = "Please look. " * 1535 + in_body + " thanks"
    raw = _eml(subject=subject, body=body, attachment_name="a.txt", message_id="<cut@x>")
    ticket = email_receive(raw=raw)
    assert ticket is not None and len(ticket.subject) <= 200
    assert phrase_leaks(in_subject) == {}
    assert phrase_leaks(in_body) == {}


def test_api_reply_with_secrets_in_text_and_file_name_stores_them_nowhere(
    customer, policy, settings, tmp_path
):
    """G1, G5, D1: a customer's reply through the API passes the same gate as a new ticket."""
    settings.MEDIA_ROOT = tmp_path
    client = APIClient()
    client.force_authenticate(customer)
    created = client.post("/api/v1/tickets/", {"subject": "s", "text": "t"}, format="json")
    secret, in_name = phrase(), phrase()
    upload = SimpleUploadedFile(in_name.replace(" ", "_") + ".png", PNG, content_type="image/png")
    response = client.post(
        f"/api/v1/tickets/{created.json()['reference']}/messages/",
        {"body": f"words: {secret}", "attachments": [upload]},
        format="multipart",
    )
    assert response.status_code == 201
    assert Ticket.objects.get().security_followup is True
    assert phrase_leaks(secret) == {}
    assert phrase_leaks(in_name) == {}


def test_keys_api_secrets_and_two_factor_codes_in_a_ticket_are_stored_nowhere(
    customer, routed, django_capture_on_commit_callbacks
):
    """G2, G3: a PEM block, WIF, xprv and 64-hex keys, an exchange API key pair and a 2FA code
    in a ticket's subject and text are removed before the database and the emails."""
    pem, wif, xprv = pem_key(), wif_key(), xprv_key()
    hex_key = hashlib.sha256(os.urandom(8)).hexdigest()
    api_key = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    api_secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    client = APIClient()
    client.force_authenticate(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/tickets/",
            {
                "subject": f"WIF {wif}",
                "text": f"{pem}\nxpriv {xprv}\nprivate key 0x{hex_key}\n"
                f"API key: {api_key} secret: {api_secret}\nmy 2FA code is 83017256",
                "category": "deposit_withdrawal",
            },
            format="json",
        )
    assert response.status_code == 201
    pem_body = max(re.findall(r"[A-Za-z0-9]{20,}", pem), key=len)
    needles = [wif, xprv, hex_key, api_key, api_secret, "83017256", pem_body]
    assert leaks(*needles) == {}
    assert not any(needle.lower() in _sent_text() for needle in needles)


def test_a_secret_inside_a_text_attachment_is_removed_before_the_file_is_stored(
    customer, policy, settings, tmp_path
):
    """G5: a .txt attachment holding a seed phrase is stored with the phrase removed, and the
    ticket is flagged for a security follow-up like a secret in the text."""
    settings.MEDIA_ROOT = tmp_path
    secret = phrase()
    raw = _eml(
        subject="wallet log",
        body="see the attached log",
        attachment_name="wallet.txt",
        message_id="<txt@x>",
        attachment=f"restore failed\nmnemonic: {secret}\nend".encode(),
    )
    ticket = email_receive(raw=raw)
    stored = Attachment.objects.get()
    content = stored.file.open("rb").read().decode()
    assert "mnemonic: [seed phrase removed]" in content
    assert not set(secret.split()) & set(content.split())
    assert ticket.security_followup is True
    assert phrase_leaks(secret) == {}
