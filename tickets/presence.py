"""Collision detection: which agents are viewing or replying to a ticket right now.

Advisory only (kept in the cache, a few seconds stale at most); the ticket's `version` is what
actually stops a second agent from overwriting the first one's change. Each open ticket page is
one websocket (tickets.consumers.TicketConsumer), recorded under its channel name, so an agent
with the ticket open in two tabs stays present until both are closed. Pages re-announce
themselves every PING_SECONDS; entries of a crashed server expire after PRESENCE_SECONDS.
"""

import time

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

PING_SECONDS = 20
PRESENCE_SECONDS = 60


def _key(ticket_id: int) -> str:
    return f"tickets:viewers:{ticket_id}"


def _current(ticket_id: int) -> dict[str, dict]:
    now = time.time()
    return {
        channel: entry
        for channel, entry in (cache.get(_key(ticket_id)) or {}).items()
        if now - entry["at"] < PRESENCE_SECONDS
    }


def viewer_touch(
    *, ticket_id: int, channel: str, user: AbstractBaseUser, replying: bool
) -> list[dict]:
    """Record that `user` has the ticket open on `channel`; returns everyone there now."""
    viewers = _current(ticket_id)
    viewers[channel] = {
        "user": user.pk,
        "email": user.email,
        "replying": replying,
        "at": time.time(),
    }
    cache.set(_key(ticket_id), viewers, PRESENCE_SECONDS)
    return viewers_list(viewers)


def viewer_leave(*, ticket_id: int, channel: str) -> list[dict]:
    """Forget one closed page; returns everyone still there."""
    viewers = _current(ticket_id)
    if viewers.pop(channel, None) is not None:
        cache.set(_key(ticket_id), viewers, PRESENCE_SECONDS)
    return viewers_list(viewers)


def viewers_list(viewers: dict[str, dict]) -> list[dict]:
    """One row per agent, by user id; replying if any of their pages is."""
    people: dict[int, dict] = {}
    for entry in viewers.values():
        person = people.setdefault(
            entry["user"], {"user": entry["user"], "email": entry["email"], "replying": False}
        )
        person["replying"] = person["replying"] or entry["replying"]
    return [people[user_id] for user_id in sorted(people)]


def tickets_with_viewers(ticket_ids: list[int]) -> set[int]:
    """Which of these tickets someone has open (one cache round trip)."""
    found = cache.get_many([_key(ticket_id) for ticket_id in ticket_ids])
    return {ticket_id for ticket_id in ticket_ids if found.get(_key(ticket_id))}
