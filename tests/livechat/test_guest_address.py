"""Guest chats are counted per real client behind the proxy, not per proxy."""

import pytest
from rest_framework.test import APIClient

from livechat.models import Conversation

pytestmark = pytest.mark.django_db

START = "/api/v1/livechat/conversations/"
NGINX = "172.28.0.10"


def start_as_guest(email: str, client_ip: str, **meta):
    headers = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": client_ip, **meta}
    return APIClient().post(START, {"language": "en", "email": email}, format="json", **headers)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [NGINX]


def test_three_guest_chats_from_one_client_do_not_block_other_guests(behind_nginx):
    answers = [start_as_guest(f"g{n}@example.com", "203.0.113.9").status_code for n in range(3)]

    busy = start_as_guest("g4@example.com", "203.0.113.9")
    newcomer = start_as_guest("new@example.com", "198.51.100.20")

    assert answers == [201, 201, 201]
    assert busy.status_code == 429
    assert busy.json()["error"]["code"] == "too_many_chats"
    assert newcomer.status_code == 201
    assert Conversation.objects.count() == 4


def test_a_guest_chat_records_the_clients_address_not_the_proxys(behind_nginx):
    response = start_as_guest("guest@example.com", "203.0.113.9")

    assert Conversation.objects.get(pk=response.json()["id"]).guest_address == "203.0.113.9"


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(settings):
    settings.LIVECHAT_GUEST_OPEN_CHATS = 2
    spoofed = [
        APIClient().post(
            START,
            {"language": "en", "email": f"g{number}@example.com"},
            format="json",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
        for number in range(3)
    ]

    assert [response.status_code for response in spoofed] == [201, 201, 429]
    assert set(Conversation.objects.values_list("guest_address", flat=True)) == {"198.51.100.7"}


def test_the_open_chat_limit_per_guest_is_a_setting(behind_nginx, settings):
    settings.LIVECHAT_GUEST_OPEN_CHATS = 1
    start_as_guest("one@example.com", "203.0.113.9")

    assert start_as_guest("one@example.com", "198.51.100.20").status_code == 429
