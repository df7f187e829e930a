"""Endpoint secrets and the signature of each delivery.

A secret is generated here, shown once to the admin who made it, and stored sealed with Fernet
under a key derived (HKDF-SHA256, a purpose of its own) from RAW_INBOUND_KEY, else SECRET_KEY
and its fallbacks, so a rotated SECRET_KEY still opens the secrets sealed before.

The signature header reads `t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; while
a rotated-out secret is still honoured, a second `v1=` carries its signature.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
KDF_SALT = b"exchange-support/webhook-secret"
KDF_INFO = b"fernet-key-v1"
SIGNATURE_HEADER = "X-Support-Signature"


class SecretUnreadable(Exception):
    """The key the secret was sealed with is no longer configured."""


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet() -> MultiFernet:
    configured = (
        *settings.RAW_INBOUND_KEY,
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", ()),
    )
    keys = []
    for secret in dict.fromkeys(str(item) for item in configured):
        kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=KDF_SALT, info=KDF_INFO)
        keys.append(Fernet(base64.urlsafe_b64encode(kdf.derive(secret.encode()))))
    return MultiFernet(keys)


def secret_seal(secret: str) -> bytes:
    return _fernet().encrypt(secret.encode()) if secret else b""


def secret_unseal(sealed: bytes) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(bytes(sealed)).decode()
    except InvalidToken as error:
        raise SecretUnreadable from error


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_in_use: list[str], timestamp: int, body: bytes) -> str:
    """The header's value, signed by every secret in use (the current one first)."""
    parts = [f"t={timestamp}"]
    parts += [f"v1={signature(secret, timestamp, body)}" for secret in secrets_in_use if secret]
    return ",".join(parts)
