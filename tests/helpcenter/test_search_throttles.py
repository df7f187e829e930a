"""Help-center search is limited per real client (generously: search as you type)."""

import itertools

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from support.throttle import retry_message

pytestmark = pytest.mark.django_db

API = "/api/v1/helpcenter/search/"
NGINX = "172.28.0.10"


def rotating_forwarded_for():
    for number in itertools.count(1):
        yield {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": f"203.0.113.{number}"}


def test_the_default_limit_is_generous_for_search_as_you_type(settings):
    count, per = settings.THROTTLE_SEARCH.split("/")
    assert int(count) >= 100 and per.startswith("min")


def test_search_api_answers_429_past_the_limit_in_the_readers_language(settings):
    settings.THROTTLE_SEARCH = "3/min"
    client = APIClient()
    answers = [
        client.get(API, {"q": "withdraw", "live": "true"}, HTTP_ACCEPT_LANGUAGE="ja").status_code
        for _ in range(3)
    ]

    refused = client.get(API, {"q": "withdraw", "live": "true"}, HTTP_ACCEPT_LANGUAGE="ja")

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    with translation.override("ja"):
        expected = retry_message(wait)
    assert refused.json() == {"error": {"code": "throttled", "message": expected, "fields": {}}}


def test_api_throttles_ignore_a_rotated_forwarded_for_from_an_untrusted_peer(settings):
    """F11: DRF keyed on the raw X-Forwarded-For; a new value per request was never limited."""
    settings.THROTTLE_SEARCH = "3/min"
    settings.THROTTLE_API_ANON = "3/min"
    client = APIClient()
    spoofs = rotating_forwarded_for()
    searches = [client.get(API, {"q": "fee"}, **next(spoofs)).status_code for _ in range(4)]
    banners = [
        client.get("/api/v1/helpcenter/announcements/", **next(spoofs)).status_code
        for _ in range(4)
    ]
    assert searches == [200, 200, 200, 429]
    assert banners == [200, 200, 200, 429]


def test_search_api_counts_clients_behind_the_proxy_apart(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    settings.THROTTLE_SEARCH = "2/min"
    client = APIClient()
    for _ in range(2):
        client.get(API, {"q": "fee"}, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9")

    busy = client.get(API, {"q": "fee"}, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9")
    other = client.get(API, {"q": "fee"}, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert (busy.status_code, other.status_code) == (429, 200)


def test_search_page_answers_429_with_the_message_on_the_page(client, settings):
    settings.THROTTLE_SEARCH = "2/min"
    for _ in range(2):
        assert client.get("/ko/help/search/", {"q": "출금"}).status_code == 200

    refused = client.get("/ko/help/search/", {"q": "출금"})

    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    with translation.override("ko"):
        expected = retry_message(wait)
    assert expected in refused.content.decode()
    assert refused["Content-Language"] == "ko"


def test_the_search_page_and_the_api_share_one_count(client, settings):
    settings.THROTTLE_SEARCH = "2/min"
    client.get("/en/help/search/", {"q": "fee"})
    APIClient().get(API, {"q": "fee"})

    assert client.get("/en/help/search/", {"q": "fee"}).status_code == 429


def test_an_empty_search_page_is_not_counted(client, settings):
    settings.THROTTLE_SEARCH = "1/min"
    for _ in range(3):
        assert client.get("/en/help/search/").status_code == 200
