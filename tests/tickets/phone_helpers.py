"""Helpers of the phone tests: signed call events as a telephony service sends them."""

import hashlib
import hmac
import json
import time

from tickets.phone.models import TelephonyProvider
from tickets.phone.signing import provider_new_secret

SEED = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)


def make_provider(key: str = "pbx", **fields) -> tuple[TelephonyProvider, str]:
    provider = TelephonyProvider.objects.create(key=key, name="Office PBX", **fields)
    return provider, provider_new_secret(provider=provider)


def signed(secret: str, payload: dict, *, timestamp: int | None = None) -> tuple[bytes, dict]:
    """The body and headers of a call event, signed as docs/channels.md tells providers to."""
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {
        "HTTP_X_TELEPHONY_TIMESTAMP": stamp,
        "HTTP_X_TELEPHONY_SIGNATURE": f"sha256={digest}",
    }
