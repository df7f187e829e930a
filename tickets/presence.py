"""Collision detection: which agents are viewing or replying to a ticket right now.

Advisory only (kept in the cache, seconds stale at most); the ticket's `version` is what
actually stops a second agent from overwriting the first one's change.

Each open ticket page (a socket, tickets.consumers.TicketConsumer) holds one of SLOTS cache
entries of its ticket, claimed with an atomic `add`, so pages arriving and leaving at once never
overwrite each other. The socket's server refreshes its entry every REFRESH_SECONDS, whatever the
browser does with background tabs; the entry of a crashed server expires after PRESENCE_SECONDS.
An agent with the ticket open in two tabs holds two slots and is listed once.
"""

import time

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

SLOTS = 16  # pages per ticket that are shown; more are not recorded
REFRESH_SECONDS = 20
PRESENCE_SECONDS = 60


def _slot_key(ticket_id: int, slot: int) -> str:
    return f"tickets:viewer:{ticket_id}:{slot}"


def _viewed_key(ticket_id: int) -> str:
    return f"tickets:viewed:{ticket_id}"


def _entry(channel: str, user: AbstractBaseUser, replying: bool) -> dict:
    return {
        "channel": channel,
        "user": user.pk,
        "email": user.email,
        "replying": replying,
        "at": time.time(),
    }


def viewer_join(
    *, ticket_id: int, channel: str, user: AbstractBaseUser, replying: bool
) -> int | None:
    """Record a page of `user` on the ticket; returns its slot (None if all are taken)."""
    entry = _entry(channel, user, replying)
    for slot in range(SLOTS):
        if cache.add(_slot_key(ticket_id, slot), entry, PRESENCE_SECONDS):
            cache.set(_viewed_key(ticket_id), True, PRESENCE_SECONDS)
            return slot
    return None


def viewer_refresh(
    *, ticket_id: int, slot: int | None, channel: str, user: AbstractBaseUser, replying: bool
) -> int | None:
    """Keep this page's entry (with its replying state) alive; returns its slot, a new one if
    the old one expired meanwhile."""
    key = _slot_key(ticket_id, slot) if slot is not None else None
    if key is None or (cache.get(key) or {}).get("channel") != channel:
        return viewer_join(ticket_id=ticket_id, channel=channel, user=user, replying=replying)
    cache.set(key, _entry(channel, user, replying), PRESENCE_SECONDS)
    cache.set(_viewed_key(ticket_id), True, PRESENCE_SECONDS)
    return slot


def viewer_leave(*, ticket_id: int, slot: int | None, channel: str) -> None:
    """Forget a closed page."""
    if slot is None:
        return
    key = _slot_key(ticket_id, slot)
    if (cache.get(key) or {}).get("channel") == channel:
        cache.delete(key)


def viewers(ticket_id: int) -> list[dict]:
    """The agents on the ticket, one row per agent by user id; replying if any of their pages
    is."""
    entries = cache.get_many([_slot_key(ticket_id, slot) for slot in range(SLOTS)]).values()
    people: dict[int, dict] = {}
    for entry in entries:
        person = people.setdefault(
            entry["user"], {"user": entry["user"], "email": entry["email"], "replying": False}
        )
        person["replying"] = person["replying"] or entry["replying"]
    return [people[user_id] for user_id in sorted(people)]


def tickets_with_viewers(ticket_ids: list[int]) -> set[int]:
    """Which of these tickets someone may have open (one cache round trip; a page that just
    closed may still count for up to PRESENCE_SECONDS)."""
    found = cache.get_many([_viewed_key(ticket_id) for ticket_id in ticket_ids])
    return {ticket_id for ticket_id in ticket_ids if found.get(_viewed_key(ticket_id))}
