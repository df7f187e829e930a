"""I10: the attachment storage is unreachable (MEDIA_ROOT on a mount that is gone: a path the
disk cannot create). A request carrying files is refused as a whole with a 503 that says what to
do, nothing of it is half saved, and the same request succeeds once the storage is back; text
without files is still taken meanwhile.

Why refuse rather than keep the text and drop the files: a screenshot of a transfer or an ID is
often the point of the request, a person keeps their text in the form, an API client retries with
its Idempotency-Key, and a mail gateway redelivers (the raw email is stored first)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from support.storage import UploadStorage
from tests.conftest import PASSWORD
from tests.tickets.test_channel_email import raw_email
from tickets.models import Attachment, Message, RawInbound, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def storage(settings, tmp_path) -> "Storage":
    return Storage(settings, tmp_path)


class Storage:
    def __init__(self, settings, tmp_path: Path):
        self.settings = settings
        self.gone = tmp_path / "unmounted"
        self.gone.write_text("not a directory")  # so nothing can be created below it
        self.back = tmp_path / "media"

    def fail(self) -> None:
        self.settings.MEDIA_ROOT = self.gone

    def recover(self) -> None:
        self.settings.MEDIA_ROOT = self.back


def token_client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)  # what the server answers, as a client sees
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def screenshot() -> SimpleUploadedFile:
    return SimpleUploadedFile("transfer.png", PNG, content_type="image/png")


def test_an_api_ticket_with_a_file_is_refused_whole_then_retried(customer, storage):
    """I10: 503 in the API's error shape, no ticket, message or file row; the client's retry
    with the same Idempotency-Key after the storage is back makes exactly one ticket."""
    api = token_client(customer)
    body = {"subject": "Deposit missing", "text": "See the screenshot.", "attachments": []}
    headers = {"HTTP_IDEMPOTENCY_KEY": "d1f0c6d2-3d1e-4c4e-9a47-3c1f1e1b2a10"}

    storage.fail()
    response = api.post(
        "/api/v1/tickets/", {**body, "attachments": [screenshot()]}, format="multipart", **headers
    )
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert error["message"].startswith("Files cannot be stored right now")
    assert (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count()) == (
        0,
        0,
        0,
    )

    storage.recover()
    response = api.post(
        "/api/v1/tickets/", {**body, "attachments": [screenshot()]}, format="multipart", **headers
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.attachments.get().file.read() == PNG


def test_the_contact_form_with_a_file_says_so_in_the_visitors_language(customer, storage):
    """I10: the form comes back with a 503, the message at the files and the visitor's text
    still in it, and nothing is saved; the same text without the file is taken at once."""
    client = Client(raise_request_exception=False)
    assert client.login(username=customer.username, password=PASSWORD)
    form = {
        "category": "deposit_withdrawal",
        "subject": "입금 누락",
        "description": "스크린샷을 첨부합니다.",
    }
    storage.fail()
    response = client.post("/ko/contact/", {**form, "attachments": [screenshot()]})
    assert response.status_code == 503
    page = response.content.decode()
    assert "스크린샷을 첨부합니다." in page  # the text is kept in the form
    assert str(UploadStorage.refusal) in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()

    response = client.post("/ko/contact/", form)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.messages.get().body == "스크린샷을 첨부합니다."

    reply = {"body": "여기 있습니다.", "attachments": [screenshot()]}
    response = client.post(f"/ko/tickets/{ticket.reference}/reply/", reply)
    assert response.status_code == 503
    assert "여기 있습니다." in response.content.decode()
    assert ticket.messages.count() == 1 and not Attachment.objects.exists()


def test_an_email_with_a_file_is_kept_raw_and_taken_on_redelivery(customer, agent, storage):
    """I10: the mail gateway gets a 503 (it redelivers later); the raw email is stored and
    unprocessed, no ticket exists; the redelivery once the storage is back makes one ticket
    with its file."""
    gateway = token_client(agent)
    email = raw_email(attachment=("transfer.png", "image/png", PNG))

    storage.fail()
    response = gateway.post("/api/v1/tickets/inbound/email/", email, content_type="message/rfc822")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert not Ticket.objects.exists()
    assert RawInbound.objects.get().processed_at is None

    storage.recover()
    response = gateway.post("/api/v1/tickets/inbound/email/", email, content_type="message/rfc822")
    assert response.status_code == 202
    ticket = Ticket.objects.get()
    assert ticket.attachments.get().filename == "transfer.png"
    assert RawInbound.objects.get().processed_at is not None
