"""Links that stand for a person expire and work once (ATTACKS F12).

The product has two: the password-reset link and a guest's signed chat token. There are no
invitation or magic sign-in links, and the satisfaction rating is a form on the signed-in
ticket page, not a tokenised link.
"""

import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from livechat.models import ChatAttachment, ChatMessage
from livechat.selectors import GUEST_TOKEN_MAX_AGE, conversation_for_customer, guest_token
from tests.livechat.conftest import start_guest_chat

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-42"


def reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/en/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"


def set_password_through(client, link: str):
    """Open the emailed link, then choose a new password on the page it leads to."""
    opened = client.get(link)
    assert opened.status_code == 302, opened.status_code
    return client.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def test_a_password_reset_link_works_once(client, customer):
    """F12: the reset link sets a new password once; opened again it says it no longer works."""
    link = reset_link(customer)

    response = set_password_through(client, link)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
    assert again.context["validlink"] is False


def test_a_password_reset_link_expires(client, customer):
    """F12: after PASSWORD_RESET_TIMEOUT the link no longer opens the form; the password stays."""
    link = reset_link(customer)

    with time_machine.travel(time.time() + settings.PASSWORD_RESET_TIMEOUT + 60):
        page = client.get(link, follow=True)

    assert page.context["validlink"] is False
    customer.refresh_from_db()
    assert not customer.check_password(NEW_PASSWORD)


def test_a_reset_link_stops_working_once_the_password_changes_another_way(client, customer):
    """F12: a link sent before the password was changed (e.g. by the owner) is dead."""
    link = reset_link(customer)
    customer.set_password("changed-by-the-owner-77")
    customer.save()

    assert client.get(link, follow=True).context["validlink"] is False


def test_a_guest_chat_token_expires():
    """F12: a guest's signed chat token (in the chat and file URLs) opens the chat for
    GUEST_TOKEN_MAX_AGE only; after that the chat answers 404 like a wrong token."""
    chat = start_guest_chat()
    token = guest_token(chat)
    url = f"/api/v1/livechat/attachments/{attachment_of(chat).pk}/?token={token}"

    assert conversation_for_customer(pk=chat.pk, user=AnonymousUser(), token=token) == chat
    assert APIClient().get(url).status_code == 200
    with time_machine.travel(time.time() + GUEST_TOKEN_MAX_AGE + 60):
        assert conversation_for_customer(pk=chat.pk, user=AnonymousUser(), token=token) is None
        assert APIClient().get(url).status_code == 404


def attachment_of(chat) -> ChatAttachment:
    message = ChatMessage.objects.create(conversation=chat, sender="customer", body="shot.png")
    attachment = ChatAttachment(message=message, name="shot.png", content_type="image/png", size=8)
    attachment.file.save("shot.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    attachment.save()
    return attachment
