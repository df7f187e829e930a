"""A telephony provider's signing secret: made here, shown once, stored sealed (Fernet under a
key derived from RAW_INBOUND_KEY / SECRET_KEY for this purpose only)."""

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from tickets.phone.models import TelephonyProvider
from tickets.raw_inbound import derive_key

KEY_PURPOSE = "telephony-secret:"


def _fernet() -> MultiFernet:
    values = (
        *settings.RAW_INBOUND_KEY,
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", ()),
    )
    keys = [derive_key(KEY_PURPOSE + str(value)) for value in dict.fromkeys(values)]
    return MultiFernet([Fernet(key) for key in keys])


def provider_new_secret(*, provider: TelephonyProvider) -> str:
    """A fresh secret for `provider`, stored sealed; the caller shows it once. The old one
    stops working at once."""
    secret = secrets.token_urlsafe(32)
    sealed = _fernet().encrypt(secret.encode())
    TelephonyProvider.objects.filter(pk=provider.pk).update(secret_sealed=sealed)
    provider.secret_sealed = sealed
    return secret


def provider_secret(provider: TelephonyProvider) -> str:
    """The secret in clear, "" when none is set or its key is no longer configured (every
    request is then refused)."""
    if not provider.secret_sealed:
        return ""
    try:
        return _fernet().decrypt(bytes(provider.secret_sealed)).decode()
    except InvalidToken:
        return ""


def signature_expected(*, secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `timestamp + "." + body` under `secret`."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(*, secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time check of the header's signature ("sha256=<hex>" or the bare hex)."""
    if not secret or not timestamp or not signature:
        return False
    given = signature.strip().removeprefix("sha256=").lower()
    expected = signature_expected(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(given.encode(), expected.encode())
