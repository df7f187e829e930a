"""Throttles: requests counted per account or per real client (support.client) in Redis.

Every limit is a count per window that opens with the first request counted (`Limit`), its
rate a setting (`THROTTLE_*`, `LOGIN_THROTTLE_*`; docs/deploy/client-address.md lists them).
A client is its IP address, an IPv6 client its /64: one subscriber gets a whole /64, so counting
single IPv6 addresses would let anyone rotate past every limit. Counting fails open: with Redis
unreachable the request proceeds and one warning is logged, because a throttle must never take
the product down with it.

Public pieces for other apps: `limit_hit` / `limit_wait` with a `Limit`, `request_key`,
`too_many_requests` and `retry_message` for pages; `tracking_code_lookup_hit` for the public
complaint-status lookup; `official_check_hit` for the verification page.
"""

import hashlib
import ipaddress
import logging
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from config.env import parse_rate
from support.client import client_address, parse_address

logger = logging.getLogger(__name__)

CACHE_UNAVAILABLE = (RedisError, OSError)  # what the Redis cache raises when Redis is away


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int

    @classmethod
    def of(cls, scope: str, rate: str) -> "Limit":
        """A limit from a rate setting such as `10/hour`."""
        count, seconds = parse_rate(rate)
        return cls(scope, count, seconds)


def limit_hit(limit: Limit, key: str) -> int:
    """Count one request for `key`; seconds to wait if it is over the limit, else 0."""
    return limits_hit([(limit, key)])


def limits_hit(counted: list[tuple[Limit, str]]) -> int:
    """Count one request under each (limit, key); the longest wait among those over, else 0."""
    try:
        counts = _count([(_cache_key(limit, key), limit.seconds) for limit, key in counted])
    except CACHE_UNAVAILABLE as error:
        _fail_open(error)
        return 0
    waits = [
        wait
        for (limit, _key), (count, wait) in zip(counted, counts, strict=True)
        if count > limit.count
    ]
    return max(waits, default=0)


def limit_wait(limit: Limit, key: str) -> int:
    """Seconds `key` must wait because it already reached the limit, else 0 (counts nothing)."""
    return limits_wait([(limit, key)])


def limits_wait(checked: list[tuple[Limit, str]]) -> int:
    """The longest wait among the (limit, key) pairs already at their limit, else 0."""
    try:
        counts = _read([(_cache_key(limit, key), limit.seconds) for limit, key in checked])
    except CACHE_UNAVAILABLE as error:
        _fail_open(error)
        return 0
    waits = [
        wait
        for (limit, _key), (count, wait) in zip(checked, counts, strict=True)
        if count >= limit.count
    ]
    return max(waits, default=0)


def limit_clear(limit: Limit, key: str) -> None:
    try:
        cache.delete(_cache_key(limit, key))
    except CACHE_UNAVAILABLE as error:
        _fail_open(error)


def _cache_key(limit: Limit, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no emails or addresses in Redis
    return f"throttle:{limit.scope}:{digest}"


def _redis():
    """Django's Redis client behind the default cache, or None for another cache backend."""
    client = getattr(cache, "_cache", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def _count(keys: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """Count a request under each (cache key, window seconds): [(count, seconds left)].

    A window starts with its first request and lasts its length (the key's expiry). One atomic
    round trip to Redis, which every throttled request pays: set the key with its expiry if it
    is missing, increment it, read what is left of its window.
    """
    redis = _redis()
    if redis is None:
        return [(_add_or_incr(key, seconds), seconds) for key, seconds in keys]
    pipeline = redis.pipeline(transaction=True)  # no expiry between SET NX and INCR
    for key, seconds in keys:
        name = cache.make_and_validate_key(key)
        pipeline.set(name, 0, ex=seconds, nx=True)
        pipeline.incr(name)
        pipeline.pttl(name)
    replies = pipeline.execute()
    counts, lefts = replies[1::3], replies[2::3]
    return [(count, _seconds(left)) for count, left in zip(counts, lefts, strict=True)]


def _read(keys: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """[(count, seconds left)] of each (cache key, window seconds), counting nothing."""
    redis = _redis()
    if redis is None:
        return [(cache.get(key, 0), seconds) for key, seconds in keys]
    pipeline = redis.pipeline(transaction=False)
    for key, _window in keys:
        name = cache.make_and_validate_key(key)
        pipeline.get(name)
        pipeline.pttl(name)
    replies = pipeline.execute()
    counts, lefts = replies[::2], replies[1::2]
    return [(int(count or 0), _seconds(left)) for count, left in zip(counts, lefts, strict=True)]


def _seconds(milliseconds: int) -> int:
    return max(1, math.ceil(milliseconds / 1000))


def _add_or_incr(key: str, seconds: int) -> int:
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window has begun
        return 1


_last_warning = float("-inf")
WARNING_INTERVAL = 60.0  # seconds: one line per process and minute while Redis is away


def _fail_open(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL:
        _last_warning = now
        logger.warning(
            "throttles are not counting: the cache is unavailable (requests let through)",
            extra={"error": type(error).__name__},
        )


# --- Who is counted --------------------------------------------------------------------------
def client_key(address: str) -> str:
    """The client as throttles count it: an IPv4 address, or the /64 of an IPv6 one."""
    parsed = parse_address(address)
    if parsed is None:
        return "client:unknown"
    if parsed.version == 6:
        return "client:" + str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return f"client:{parsed}"


def request_key(request: HttpRequest) -> str:
    """A signed-in person by their id, anyone else by their client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return client_key(client_address(request))


def normalised_email(email: str) -> str:
    """One key per mailbox: case, Unicode width and `+tag` variants count as the same."""
    email = unicodedata.normalize("NFKC", email).strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    return f"{local.split('+', 1)[0]}@{domain}"


# --- Answers ---------------------------------------------------------------------------------
def retry_message(seconds: int) -> str:
    """The answer to a throttled request, in the active language."""
    if seconds < 90:
        return ngettext(
            "Too many requests. Please try again in %(count)d second.",
            "Too many requests. Please try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many requests. Please try again in %(count)d minute.",
        "Too many requests. Please try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def too_many_requests(response: HttpResponse, seconds: int) -> HttpResponse:
    """Turn a page (the form with its error) into a 429 that says when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


# --- The limits of each entry point ------------------------------------------------------------
def _login_limits() -> tuple[Limit, Limit]:
    window = settings.LOGIN_THROTTLE_WINDOW
    return (
        Limit("login-account", settings.LOGIN_THROTTLE_LIMIT, window),
        Limit("login-client", settings.LOGIN_THROTTLE_ADDRESS_LIMIT, window),
    )


def _account_key(username: str) -> str:
    return "account:" + unicodedata.normalize("NFKC", username).strip().lower()


def login_wait(*, username: str, address: str) -> int:
    """Seconds before this account, or this client, may try a password again (0: now)."""
    account, client = _login_limits()
    return limits_wait([(account, _account_key(username)), (client, client_key(address))])


def login_failed(*, username: str, address: str) -> None:
    account, client = _login_limits()
    limits_hit([(account, _account_key(username)), (client, client_key(address))])


def login_succeeded(*, username: str) -> None:
    limit_clear(_login_limits()[0], _account_key(username))


def password_reset_hit(*, email: str, address: str) -> int:
    """Count a reset request per client and per mailbox, whether or not an account has it."""
    by_client = Limit.of("reset-client", settings.THROTTLE_PASSWORD_RESET_CLIENT)
    by_email = Limit.of("reset-email", settings.THROTTLE_PASSWORD_RESET_EMAIL)
    return limits_hit(
        [(by_client, client_key(address)), (by_email, "email:" + normalised_email(email))]
    )


def contact_form_hit(request: HttpRequest) -> int:
    """Count a contact-form submission per account and per client."""
    by_account = Limit.of("contact-account", settings.THROTTLE_CONTACT_FORM)
    by_client = Limit.of("contact-client", settings.THROTTLE_CONTACT_FORM_CLIENT)
    return limits_hit(
        [(by_account, request_key(request)), (by_client, client_key(client_address(request)))]
    )


SEARCH_SCOPE = "search"


def search_hit(request: HttpRequest) -> int:
    """Count a help-center search; the page and the API (search as you type) share the count."""
    return limit_hit(Limit.of(SEARCH_SCOPE, settings.THROTTLE_SEARCH), request_key(request))


def official_check_hit(request: HttpRequest) -> int:
    """Count one check of a handle, address or verification code on the public verification
    page or its API, per client (docs/verification.md)."""
    check = Limit.of("official-check", settings.THROTTLE_OFFICIAL_CHECK)
    return limit_hit(check, client_key(client_address(request)))


def tracking_code_lookup_hit(request: HttpRequest) -> int:
    """Count one lookup of a complaint by its public tracking code, per client: guessing codes
    takes many lookups. Call it before looking the code up; answer 429 when it returns > 0."""
    lookup = Limit.of("tracking-lookup", settings.THROTTLE_TRACKING_LOOKUP)
    return limit_hit(lookup, client_key(client_address(request)))
