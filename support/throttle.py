"""Login throttling per account and per client address, kept in Redis."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    return f"login-fail:{kind}:" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


def login_blocked(*, username: str, address: str) -> bool:
    account_failures = cache.get(_key("account", username), 0)
    address_failures = cache.get(_key("address", address), 0)
    return (
        account_failures >= settings.LOGIN_THROTTLE_LIMIT
        or address_failures >= settings.LOGIN_THROTTLE_ADDRESS_LIMIT
    )


def login_failed(*, username: str, address: str) -> None:
    for key in (_key("account", username), _key("address", address)):
        cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW)
        cache.incr(key)


def login_succeeded(*, username: str) -> None:
    cache.delete(_key("account", username))
