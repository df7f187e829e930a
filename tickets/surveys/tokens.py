"""Survey links: a token of 256 bits in the link, only its SHA-256 hash in the database.

The token is derived, not stored: an HMAC (Django's `salted_hmac`, keyed by SECRET_KEY) of the
invitation's table, id and the moment it was sent. The reminder can then carry the same link
as the first email although the database holds only the hash, and a copy of the database
alone (hashes, ids, dates) lets nobody compute a link. A SECRET_KEY rotated between the first
email and the reminder would derive another token: the reminder checks the hash and is not
sent with a link that does not work (`link_token` returns None).
"""

import base64
import hashlib
from datetime import datetime

from django.conf import settings
from django.utils.crypto import salted_hmac

KEY_SALT = "tickets.surveys.link"


def derive_token(kind: str, pk: int, sent_at: datetime) -> str:
    """The link token of invitation `pk` of `kind` ("survey", "nps") sent at `sent_at`."""
    digest = salted_hmac(KEY_SALT, f"{kind}:{pk}:{sent_at.isoformat()}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token(kind: str, pk: int, sent_at: datetime, stored_hash: str | None) -> str | None:
    """The token of a sent invitation again (for the reminder), if it still matches its hash."""
    token = derive_token(kind, pk, sent_at)
    return token if stored_hash and token_hash(token) == stored_hash else None


def absolute(path: str) -> str:
    """`path` on the public site (links in emails)."""
    return settings.SITE_URL.rstrip("/") + path
