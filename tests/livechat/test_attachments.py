"""Images and PDFs in a chat: type and size checks, delivery on the sockets, and downloads
only for the people of that chat."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from livechat.models import ChatAttachment, ChatMessage, Conversation
from livechat.selectors import guest_token
from tests.conftest import ensure_roles
from tests.livechat.conftest import customer_socket, of_type, receive_until, start_guest_chat

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client: APIClient, chat, content: bytes, name: str, **fields):
    data = {"file": SimpleUploadedFile(name, content), "client_id": "f-1", **fields}
    return client.post(f"/api/v1/livechat/conversations/{chat.pk}/attachments/", data)


def download(client: APIClient, attachment, token: str = ""):
    query = f"?token={token}" if token else ""
    return client.get(f"/api/v1/livechat/attachments/{attachment.pk}/{query}")


@pytest.mark.django_db
def test_a_guest_sends_an_image_that_only_the_chat_can_download(agent):
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    token = guest_token(chat)

    response = upload(APIClient(), chat, PNG, "screenshot.png", token=token)

    assert response.status_code == 201
    message = ChatMessage.objects.get(pk=response.json()["id"])
    attachment = message.attachments.get()
    assert (message.sender, attachment.content_type, attachment.size) == (
        "customer",
        "image/png",
        len(PNG),
    )
    assert b"".join(download(APIClient(), attachment, token).streaming_content) == PNG
    other = start_guest_chat(email="other@example.com")
    assert download(APIClient(), attachment, guest_token(other)).status_code == 404
    assert download(APIClient(), attachment).status_code == 404
    staff = APIClient()
    staff.force_authenticate(agent)
    assert download(staff, attachment).status_code == 200


@pytest.mark.django_db
def test_files_that_are_not_images_or_pdfs_are_refused():
    chat = start_guest_chat()

    response = upload(
        APIClient(), chat, b"MZ\x90\x00 not an image", "cat.png", token=guest_token(chat)
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_file"
    assert not ChatAttachment.objects.exists()


@pytest.mark.django_db
def test_files_over_the_limit_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 16
    chat = start_guest_chat()

    response = upload(APIClient(), chat, PDF, "statement.pdf", token=guest_token(chat))

    assert response.json()["error"]["code"] == "too_large"
    assert not ChatMessage.objects.filter(conversation=chat, sender="customer").exists()


@pytest.mark.django_db
def test_nobody_else_may_send_files_into_a_chat(customer, other_customer):
    chat = start_guest_chat()
    client = APIClient()
    client.force_authenticate(other_customer)

    assert upload(client, chat, PNG, "x.png").status_code == 404
    assert upload(APIClient(), chat, PNG, "x.png", token="forged").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_agents_pdf_reaches_the_customers_socket(agent):
    ensure_roles()
    chat = start_guest_chat()
    Conversation.objects.filter(pk=chat.pk).update(status="assigned", agent=agent)
    staff = APIClient()
    staff.force_authenticate(agent)

    async def scenario():
        socket = customer_socket(chat)
        await socket.connect()
        await socket.send_json_to({"type": "ping"})
        await receive_until(socket, of_type("pong"))  # subscribed before the upload
        response = await sync_to_async(upload)(staff, chat, PDF, "statement.pdf")
        frames = await receive_until(socket, of_type("message", sender="agent"))
        await socket.disconnect()
        return response, frames[-1]

    response, frame = async_to_sync(scenario)()

    assert response.status_code == 201
    assert frame["attachments"][0]["name"] == "statement.pdf"
    assert frame["attachments"][0]["content_type"] == "application/pdf"
