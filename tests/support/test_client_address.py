"""The real client behind our proxies: X-Forwarded-For believed only through TRUSTED_PROXIES."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.utils.module_loading import import_string
from rest_framework.authentication import RemoteUserAuthentication

from config.env import env, ip_networks, rate
from support.client import client_address, scope_client_address

NGINX = "172.28.0.10"
INTERNAL = "10.0.0.0/8"


def address(remote: str, forwarded: str | None = None, **headers: str) -> str:
    meta = {"REMOTE_ADDR": remote, **headers}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [NGINX, INTERNAL, "fd00::/8"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # The direct peer is not a proxy of ours: whatever it claims is ignored.
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
        ("198.51.100.7", None, "198.51.100.7"),
        # nginx passes the client on.
        (NGINX, "203.0.113.9", "203.0.113.9"),
        (NGINX, None, NGINX),
        (NGINX, "", NGINX),
        # What the client put in the header before nginx appended its address is ignored.
        (NGINX, "1.1.1.1, 203.0.113.9", "203.0.113.9"),
        (NGINX, "1.1.1.1,203.0.113.9", "203.0.113.9"),
        (NGINX, "10.9.9.9, 203.0.113.9", "203.0.113.9"),
        # A chain of our own proxies is walked from the right.
        (NGINX, "6.6.6.6, 203.0.113.9, 10.1.2.3", "203.0.113.9"),
        (NGINX, "6.6.6.6, 203.0.113.9, 10.1.2.3, 10.4.5.6", "203.0.113.9"),
        # Every hop is ours: the request began inside our network.
        (NGINX, "10.0.0.5", "10.0.0.5"),
        (NGINX, "10.0.0.7, 10.0.0.5", "10.0.0.7"),
        # Garbage to the left of the client is the client's own business.
        (NGINX, "not-an-ip, 203.0.113.9", "203.0.113.9"),
        (NGINX, "<script>, 999.1.1.1, 203.0.113.9", "203.0.113.9"),
        # Garbage where a proxy of ours should have written: nothing further left is believed.
        (NGINX, "203.0.113.9, garbage", NGINX),
        (NGINX, "203.0.113.9, ", NGINX),
        (NGINX, "unknown", NGINX),
        (NGINX, "203.0.113.9, 999.0.0.1, 10.1.2.3", "10.1.2.3"),
        # Ports and brackets, as some proxies write them.
        (NGINX, "203.0.113.9:5555", "203.0.113.9"),
        (NGINX, "[2001:db8::1]:443", "2001:db8::1"),
        # IPv6 clients and proxies; mapped IPv4 and zones normalised.
        (NGINX, "2001:DB8::1", "2001:db8::1"),
        (NGINX, "fe80::1%eth0", "fe80::1"),
        ("fd00::5", "2001:db8::7", "2001:db8::7"),
        (f"::ffff:{NGINX}", "203.0.113.9", "203.0.113.9"),
        (NGINX, "::ffff:203.0.113.9", "203.0.113.9"),
        ("2001:db8::99", "203.0.113.9", "2001:db8::99"),
        # No address at all (a unix socket): the empty string, never a crash.
        ("", "203.0.113.9", ""),
        ("garbage", "203.0.113.9", ""),
    ],
)
def test_the_client_address_follows_the_rule(behind_nginx, remote, forwarded, client):
    assert address(remote, forwarded) == client


def test_nobody_is_trusted_by_default():
    assert django_settings.TRUSTED_PROXIES == []
    assert address(NGINX, "203.0.113.9") == NGINX


def test_a_very_long_forwarded_chain_is_cut_short(behind_nginx):
    chain = ", ".join(["10.0.0.1"] * 100_000 + ["203.0.113.9"])
    assert address(NGINX, chain) == "203.0.113.9"
    only_ours = ", ".join(["10.0.0.1"] * 100_000)
    assert address(NGINX, only_ours) == "10.0.0.1"


def test_x_real_ip_and_forwarded_are_never_read(behind_nginx):
    """F9: headers a client can send decide nothing about who the client is."""
    spoofed = {"HTTP_X_REAL_IP": "6.6.6.6", "HTTP_FORWARDED": "for=6.6.6.6"}
    assert address("198.51.100.7", None, **spoofed) == "198.51.100.7"
    assert address(NGINX, "203.0.113.9", **spoofed) == "203.0.113.9"


def scope(client: tuple[str, int] | None, *forwarded: bytes) -> dict:
    headers = [(b"host", b"support.example.com")]
    headers += [(b"x-forwarded-for", value) for value in forwarded]
    return {"type": "websocket", "client": client, "headers": headers}


def test_a_websocket_client_follows_the_same_rule(behind_nginx):
    assert scope_client_address(scope((NGINX, 40000), b"1.1.1.1, 203.0.113.9")) == "203.0.113.9"
    assert scope_client_address(scope(("198.51.100.7", 40000), b"203.0.113.9")) == "198.51.100.7"
    assert scope_client_address(scope((NGINX, 40000))) == NGINX
    # Two headers read as one list, in order.
    assert scope_client_address(scope((NGINX, 1), b"203.0.113.9", b"10.1.2.3")) == "203.0.113.9"
    assert scope_client_address(scope((NGINX, 1), b"\xff\xfe, 203.0.113.9")) == "203.0.113.9"
    assert scope_client_address(scope(None, b"203.0.113.9")) == ""
    assert scope_client_address({"type": "websocket"}) == ""


@pytest.mark.parametrize("value", ["10.0.0.300", "10.0.0.0/33", "nginx", "10.0.0.1;10.0.0.2"])
def test_a_bad_trusted_proxy_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env("TRUSTED_PROXIES", [], cast=ip_networks)


def test_trusted_proxies_take_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", " 172.28.0.10, 10.0.0.0/8 ,fd00::/8,")
    assert env("TRUSTED_PROXIES", [], cast=ip_networks) == [
        "172.28.0.10/32",
        "10.0.0.0/8",
        "fd00::/8",
    ]


@pytest.mark.parametrize("value", ["10", "ten/hour", "10/week", "10/0min", "-1/hour"])
def test_a_bad_throttle_rate_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("THROTTLE_SEARCH", value)
    with pytest.raises(ImproperlyConfigured, match="THROTTLE_SEARCH"):
        env("THROTTLE_SEARCH", "300/min", cast=rate)


def test_no_authentication_trusts_a_user_header():
    """F9: nothing that logs people in reads X-Remote-User, X-Forwarded-User or REMOTE_USER."""
    for name in django_settings.MIDDLEWARE:
        assert not issubclass(import_string(name), RemoteUserMiddleware), name
    for name in django_settings.AUTHENTICATION_BACKENDS:
        assert "RemoteUser" not in name, name
    for name in django_settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]:
        assert not issubclass(import_string(name), RemoteUserAuthentication), name


USER_HEADERS = {
    "HTTP_X_REMOTE_USER": "admin@example.com",
    "HTTP_X_FORWARDED_USER": "admin@example.com",
    "HTTP_REMOTE_USER": "admin@example.com",
    "HTTP_X_REAL_IP": "127.0.0.1",
}


@pytest.mark.django_db
def test_user_headers_from_the_internet_log_nobody_in(client, admin_user, agent):
    """F9: a request claiming to be the admin or an agent through headers stays anonymous."""
    for who in (admin_user.username, agent.username):
        headers = {name: who for name in USER_HEADERS}
        console = client.get("/console/", **headers)
        assert console.status_code == 302
        assert console["Location"].startswith("/en/accounts/log-in/")
        assert client.get("/admin/", **headers).status_code == 302
        api = client.get("/api/v1/support/me/", **headers)
        assert api.status_code in (401, 403)
        assert "_auth_user_id" not in client.session
