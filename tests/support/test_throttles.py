"""Throttles keyed on the real client: login, password reset, Redis away."""

import itertools
import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from config.celery import app as celery_app
from support import throttle

pytestmark = pytest.mark.django_db

NGINX = "172.28.0.10"
LOG_IN = "/en/accounts/log-in/"
RESET = "/en/accounts/password-reset/"
RIGHT = "correct-horse-battery-9"


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [NGINX]


def via_nginx(client_ip: str) -> dict:
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"6.6.6.6, {client_ip}"}


def rotating_forwarded_for():
    """A new X-Forwarded-For on every request, from a peer we do not trust."""
    for number in itertools.count(1):
        yield {
            "REMOTE_ADDR": "198.51.100.7",
            "HTTP_X_FORWARDED_FOR": f"203.0.{number // 250}.{number % 250 + 1}",
        }


def log_in(client, username: str, password: str, **meta):
    return client.post(LOG_IN, {"username": username, "password": password}, **meta)


# --- Login -------------------------------------------------------------------------------------
def test_failed_logins_behind_the_proxy_lock_out_that_client_only(
    client, customer, behind_nginx, settings
):
    """30 failures from one client behind nginx block that client, not its neighbours."""
    assert settings.LOGIN_THROTTLE_ADDRESS_LIMIT == 30
    for number in range(30):
        log_in(client, f"guess{number}@example.com", "wrong", **via_nginx("203.0.113.9"))

    blocked = log_in(client, customer.username, RIGHT, **via_nginx("203.0.113.9"))
    neighbour = log_in(client, customer.username, RIGHT, **via_nginx("198.51.100.20"))

    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.content.decode()
    assert neighbour.status_code == 302
    assert client.session["_auth_user_id"] == str(customer.pk)


def test_rotated_forwarded_for_from_an_untrusted_peer_is_still_limited(client, customer, settings):
    """F11: a new X-Forwarded-For per request from a peer we do not trust changes nothing."""
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 5
    spoofs = rotating_forwarded_for()
    for number in range(5):
        log_in(client, f"guess{number}@example.com", "wrong", **next(spoofs))

    response = log_in(client, customer.username, RIGHT, **next(spoofs))

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_rotating_within_an_ipv6_64_is_one_client(client, customer, behind_nginx, settings):
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 3
    for number in range(3):
        log_in(client, f"g{number}@example.com", "x", **via_nginx(f"2001:db8:1:2::{number + 1}"))

    same_64 = log_in(client, customer.username, RIGHT, **via_nginx("2001:db8:1:2:ffff::9"))
    other_64 = log_in(client, customer.username, RIGHT, **via_nginx("2001:db8:1:3::1"))

    assert same_64.status_code == 429
    assert other_64.status_code == 302


def test_the_account_limit_holds_whatever_the_client(client, customer, behind_nginx, settings):
    settings.LOGIN_THROTTLE_LIMIT = 3
    for number in range(3):
        log_in(client, "OWNER@example.com ", "wrong", **via_nginx(f"203.0.113.{number + 1}"))

    response = log_in(client, customer.username, RIGHT, **via_nginx("198.51.100.99"))

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_out_login_says_when_to_come_back(client, customer, settings):
    settings.LOGIN_THROTTLE_LIMIT = 2
    settings.LOGIN_THROTTLE_WINDOW = 900
    for _ in range(2):
        log_in(client, customer.username, "wrong")

    response = log_in(client, customer.username, RIGHT)

    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 900
    minutes = -(-wait // 60)
    assert f"Please wait {minutes} minute" in response.content.decode()


def test_a_locked_out_login_answers_in_the_pages_language(client, customer, settings):
    settings.LOGIN_THROTTLE_LIMIT = 1
    log_in(client, customer.username, "wrong")

    response = client.post(
        "/ko/accounts/log-in/", {"username": customer.username, "password": RIGHT}
    )

    assert response.status_code == 429
    assert response["Content-Language"] == "ko"
    [error] = response.context["form"].non_field_errors()
    with translation.override("ko"):
        minutes = -(-int(response["Retry-After"]) // 60)
        expected = translation.ngettext(
            "Too many failed attempts. Please wait %(count)d minute and try again.",
            "Too many failed attempts. Please wait %(count)d minutes and try again.",
            minutes,
        ) % {"count": minutes}
    assert error == expected


def test_a_right_password_clears_the_accounts_failures(client, customer, settings):
    settings.LOGIN_THROTTLE_LIMIT = 3
    for _ in range(2):
        log_in(client, customer.username, "wrong")
    assert log_in(client, customer.username, RIGHT).status_code == 302
    client.post("/en/accounts/log-out/")
    for _ in range(2):
        log_in(client, customer.username, "wrong")

    assert log_in(client, customer.username, RIGHT).status_code == 302


# --- Password reset (F10, F11) -------------------------------------------------------------------
def reset(client, email: str, **meta):
    return client.post(RESET, {"email": email}, **meta)


def test_reset_flood_with_case_and_tag_variants_is_limited(client, customer, settings):
    """F11: case and +tag variants of one mailbox share its limit."""
    settings.THROTTLE_PASSWORD_RESET_EMAIL = "3/hour"
    spoofs = rotating_forwarded_for()
    variants = ["owner@example.com", "OWNER@Example.com", "owner+a@example.com"]
    answers = [reset(client, email, **next(spoofs)).status_code for email in variants]
    sent = len(mail.outbox)

    refused = [reset(client, email, **next(spoofs)) for email in ("Owner+b@EXAMPLE.com",)]
    refused.append(reset(client, "owner@example.com", **next(spoofs)))

    assert answers == [302, 302, 302]
    assert [response.status_code for response in refused] == [429, 429]
    assert len(mail.outbox) == sent == 2  # the exact address in two spellings; +tag: no account
    assert 1 <= int(refused[0]["Retry-After"]) <= 3600


def test_reset_flood_with_rotated_forwarded_for_is_limited_per_client(client, settings):
    """F11: a new X-Forwarded-For per request, from a peer we do not trust, is one client."""
    settings.THROTTLE_PASSWORD_RESET_CLIENT = "4/hour"
    spoofs = rotating_forwarded_for()
    answers = [
        reset(client, f"someone{number}@example.com", **next(spoofs)).status_code
        for number in range(6)
    ]
    assert answers == [302, 302, 302, 302, 429, 429]


def test_reset_limit_per_client_behind_the_proxy(client, behind_nginx, settings):
    settings.THROTTLE_PASSWORD_RESET_CLIENT = "2/hour"
    for number in range(2):
        reset(client, f"someone{number}@example.com", **via_nginx("203.0.113.9"))

    assert reset(client, "x@example.com", **via_nginx("203.0.113.9")).status_code == 429
    assert reset(client, "y@example.com", **via_nginx("203.0.113.10")).status_code == 302


def test_reset_answer_is_identical_for_known_and_unknown_emails(client, customer):
    """F10: body, status and headers do not tell whether an account has the address."""
    known = reset(client, "owner@example.com")
    unknown = reset(client, "ghost@example.com")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/en/accounts/password-reset/sent/"
    assert known.content == unknown.content
    assert sorted(known.headers) == sorted(unknown.headers)
    assert len(mail.outbox) == 1


def test_reset_throttled_answer_is_identical_for_known_and_unknown(client, customer, settings):
    """F10: once limited, a known and an unknown address get the same refusal."""
    settings.THROTTLE_PASSWORD_RESET_EMAIL = "1/hour"
    reset(client, "owner@example.com")
    reset(client, "ghost@example.com")

    known = reset(client, "owner@example.com")
    unknown = reset(client, "ghost@example.com")

    assert known.status_code == unknown.status_code == 429
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_reset_looks_nothing_up_while_the_visitor_waits(client, customer):
    """F10 (timing): the request only queues the address; the worker finds the account and
    sends, so a known address costs the visitor no more than an unknown one."""
    celery_app.conf.task_always_eager = False
    try:
        known = reset(client, "owner@example.com")
        unknown = reset(client, "ghost@example.com")
    finally:
        celery_app.conf.task_always_eager = True
        with celery_app.connection_for_write() as connection:
            queued = connection.default_channel.queue_purge("celery")

    assert known.status_code == unknown.status_code == 302
    assert mail.outbox == []
    assert queued == 2


def test_reset_queued_by_the_worker_reaches_the_customer_in_their_language(client, customer):
    client.post("/ko/accounts/password-reset/", {"email": "Owner@Example.com"})

    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "비밀번호 재설정"
    assert re.search(r"http://testserver/ko/accounts/reset/\S+/", message.body)


def test_normalised_email_folds_case_width_and_tags():
    assert throttle.normalised_email(" Owner+Tag@Example.COM ") == "owner@example.com"
    assert throttle.normalised_email("ＯＷＮＥＲ@example.com") == "owner@example.com"
    assert throttle.normalised_email("not-an-email") == "not-an-email"


def test_throttle_keys_hold_no_email_or_address(client, settings):
    settings.THROTTLE_PASSWORD_RESET_EMAIL = "1/hour"
    reset(client, "private.person@example.com", REMOTE_ADDR="203.0.113.77")

    keys = [key.decode() for key in cache._cache.get_client().keys("*throttle*")]
    assert len(keys) == 2
    assert not [key for key in keys if "private" in key or "203.0.113" in key]


# --- Redis away --------------------------------------------------------------------------------
@pytest.fixture
def redis_down(settings):
    """The cache on a port nothing listens on: every Redis call is refused."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "KEY_PREFIX": "support",
        }
    }
    throttle._last_warning = float("-inf")  # each test sees its own first warning


def test_counting_fails_open_with_one_warning_when_redis_is_down(redis_down, caplog):
    limit = throttle.Limit("test", 1, 60)
    with caplog.at_level(logging.WARNING, logger="support.throttle"):
        answers = [throttle.limit_hit(limit, "someone") for _ in range(5)]
        waits = [throttle.limit_wait(limit, "someone") for _ in range(5)]

    assert answers == [0] * 5
    assert waits == [0] * 5
    warnings = [record for record in caplog.records if record.name == "support.throttle"]
    assert len(warnings) == 1
    assert "cache is unavailable" in warnings[0].getMessage()


def test_login_still_works_when_redis_is_down(client, customer, redis_down):
    wrong = log_in(client, customer.username, "wrong")
    right = log_in(client, customer.username, RIGHT)

    assert wrong.status_code == 200
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(customer.pk)


def test_password_reset_still_works_when_redis_is_down(client, customer, redis_down):
    response = reset(client, "owner@example.com")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
