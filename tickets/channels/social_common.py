"""What the social adapters share (docs/channels.md, "Facebook Messenger and Instagram"): their
secrets sealed, the three kinds of failure of a provider's API, the customer of a provider's
user, and a file fetched only from the hosts the settings name.

Secrets are sealed like Telegram's token: Fernet under a key derived from the raw-inbound
secrets for this purpose alone.
"""

from urllib.parse import urlsplit

import requests
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from support.models import CustomerProfile
from support.roles import Role
from support.text import cut_customer_text, redact_customer_text
from tickets.identities.handles import channel_account_handle
from tickets.identities.selectors import customer_for_handle
from tickets.raw_inbound import derive_key

KEY_PURPOSE = "social-account-secret:"
TIMEOUTS = (3.0, 10.0)  # connect, read


class SocialError(Exception):
    """The provider did not do what was asked."""


class SocialRetryAfter(SocialError):
    def __init__(self, seconds: int, description: str = "") -> None:
        super().__init__(f"429 retry after {seconds}s {description}".strip())
        self.seconds = max(1, int(seconds))


class SocialUnavailable(SocialError):
    """Network error, timeout or a 5xx answer: worth trying again later."""


class SocialRefused(SocialError):
    """Any other refusal: trying again would give the same answer."""

    failure = "refused"  # tickets.file_delivery_models.DeliveryFailure, for the agent


class SocialWindowClosed(SocialRefused):
    """Meta takes no reply this long after the customer's last message (7 days)."""

    failure = "window_closed"


# --- Secrets -------------------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    secrets = (
        *settings.RAW_INBOUND_KEY,
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", ()),
    )
    keys = [derive_key(KEY_PURPOSE + str(secret)) for secret in dict.fromkeys(secrets)]
    return MultiFernet([Fernet(key) for key in keys])


def secret_seal(value: str) -> bytes:
    return _fernet().encrypt(value.strip().encode()) if value.strip() else b""


def secret_open(sealed: bytes | memoryview) -> str:
    """The secret in clear; SocialRefused when none is set or its key is gone."""
    if not sealed:
        raise SocialRefused("no secret set")
    try:
        return _fernet().decrypt(bytes(sealed)).decode()
    except InvalidToken as error:
        raise SocialRefused("secret unreadable: enter it again") from error


# --- Files ---------------------------------------------------------------------------------------


def host_allowed(url: object, allowed: list[str]) -> bool:
    """Whether `url` is on one of the `allowed` origins (`https://lookaside.fbsbx.com`, or
    `https://*.fbcdn.net` for its subdomains): the scheme, host and port must all match."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    for origin in allowed:
        want = urlsplit(origin)
        want_host = (want.hostname or "").lower()
        if parts.scheme != want.scheme or port != want.port or not host:
            continue
        if host == want_host or (origin.split("://", 1)[-1].startswith("*.") and (
            host.endswith("." + want_host.removeprefix("*."))
        )):  # fmt: skip
            return True
    return False


def download(
    url: str, *, allowed: list[str], limit: int, headers: dict | None = None
) -> bytes | None:
    """The file at `url`, None when larger than `limit` (read no further). Only from an
    allowed origin and without following redirects, so a payload cannot point us elsewhere."""
    if not host_allowed(url, allowed):
        raise SocialRefused("file host not allowed")
    try:
        with requests.get(
            url, headers=headers, stream=True, timeout=TIMEOUTS, allow_redirects=False
        ) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise SocialUnavailable(f"download: {response.status_code}")
            if response.status_code >= 300:
                raise SocialRefused(f"download: {response.status_code}")
            content = bytearray()
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > limit:
                    return None
            return bytes(content)
    except requests.RequestException as error:
        raise SocialUnavailable(f"download: {type(error).__name__}") from None


# --- Customers -----------------------------------------------------------------------------------


def social_customer(username: str, *, language: str = "en", first_name: object = ""):
    """The customer a provider's user (`messenger:<id>`) is linked to (tickets.identities),
    else their own account, made on their first message (no email: our replies reach them on
    the provider). Names pass the gate."""
    User = get_user_model()
    kind, value = channel_account_handle(username)
    found = customer_for_handle(
        User.objects.select_related("customer_profile"), kind=kind, value=value, username=username
    )
    if found is not None:
        return found
    name = redact_customer_text(cut_customer_text(first_name or "", 150), lang="en").text[:150]
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email="", password=None, first_name=name
            )
            user.groups.add(*Group.objects.filter(name=Role.CUSTOMER))
            CustomerProfile.objects.create(user=user, preferred_language=language)
    except IntegrityError:  # the same user's other event got there first
        return User.objects.select_related("customer_profile").get(username=username)
    return user
