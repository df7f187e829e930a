"""Collision detection: which agents are viewing or replying to a ticket right now.

Advisory only (kept in the cache, a few seconds stale at most); the ticket's `version` is what
actually stops a second agent from overwriting the first one's change.
"""

import time

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

PRESENCE_SECONDS = 30


def _key(ticket_id: int) -> str:
    return f"tickets:viewers:{ticket_id}"


def viewer_touch(*, ticket_id: int, user: AbstractBaseUser, replying: bool) -> list[dict]:
    """Record that `user` is on the ticket page; returns the other agents there now."""
    now = time.time()
    viewers = {
        user_id: entry
        for user_id, entry in (cache.get(_key(ticket_id)) or {}).items()
        if now - entry["at"] < PRESENCE_SECONDS
    }
    viewers[user.pk] = {"email": user.email, "replying": replying, "at": now}
    cache.set(_key(ticket_id), viewers, PRESENCE_SECONDS)
    return [
        {"email": entry["email"], "replying": entry["replying"]}
        for user_id, entry in sorted(viewers.items())
        if user_id != user.pk
    ]
