"""Rows nearly every inbound message needs and that rarely change (the SLA policies, the staff's
addresses), kept in each process's memory instead of read from PostgreSQL every time.

Each copy is tagged with a version that lives in Redis: one small read per use tells whether
any process changed the rows since, and a change (`ProcessCopy.changed`) sets a new version at
once and again after its transaction commits, so no process keeps a copy read before the change
became visible.

Redis is only the messenger: while it cannot be reached, every use reads the rows from
PostgreSQL and a change made meanwhile sets its new version once Redis answers. A version
expires after VERSION_SECONDS, which bounds how long a copy can outlive a change whose messenger
was lost (made during an outage by a process that then stopped) or that bypassed `changed`
(a queryset's update()).

A unit of work that uses several copies (an inbound email uses up to five: the mailboxes, the
staff's addresses, the SLA policies, the webhook subscriptions, our official domains) reads
their versions in one Redis round trip inside `process_copies_read_together()`: the first use in
the block reads every copy's version at once (MGET), later uses in the block take those.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

from support.unavailable import CACHE_ERRORS

logger = logging.getLogger(__name__)

VERSION_SECONDS = 3600
T = TypeVar("T")
_COPIES: list["ProcessCopy"] = []  # every copy made in this process (module-level objects)
_together = threading.local()  # .depth, and .versions: {key: version} read in the block


class ProcessCopy(Generic[T]):
    """`load()`'s result, kept until any process calls `changed()`; `key` names the version in
    Redis, `name` the rows in the log."""

    def __init__(self, *, key: str, name: str, load: Callable[[], T]) -> None:
        self.key, self.name, self._load = key, name, load
        self._held: tuple[str | None, T] | None = None  # (version, value), swapped as one
        self._redis_down = False
        self._version_unsent = False
        _COPIES.append(self)

    def get(self) -> T:
        """The rows as of the newest version (shared objects: do not change them)."""
        version = self._shared_version()
        held = self._held
        if held is None or version is None or version != held[0]:
            held = (version, self._load())
            self._held = held
        return held[1]

    def changed(self) -> None:
        """Make every process read the rows again (now, and once the change is committed)."""
        _forget_read_together(self.key)
        self._new_version()
        transaction.on_commit(self._new_version)

    def _shared_version(self) -> str | None:
        """The version all processes see; None (read the database) while Redis is unreachable."""
        if self._version_unsent:
            self._new_version()
        version = _read_together(self.key)
        if version is not None:
            return version
        try:
            version = cache.get(self.key)
            if version is None:
                cache.add(self.key, uuid4().hex, timeout=VERSION_SECONDS)
                version = cache.get(self.key)
        except CACHE_ERRORS:
            self._unreachable()
            return None
        self._redis_down = False
        _remember_read_together(self.key, version)
        return version

    def _new_version(self) -> None:
        try:
            cache.set(self.key, uuid4().hex, timeout=VERSION_SECONDS)
        except CACHE_ERRORS:
            self._version_unsent = True  # sent by the next use once Redis answers
            self._unreachable()
        else:
            self._version_unsent = False

    def _unreachable(self) -> None:
        if not self._redis_down:  # once per outage, not once per message
            logger.warning("Redis unreachable: %s are read from PostgreSQL each time", self.name)
        self._redis_down = True


# --- Versions read together --------------------------------------------------------------------


@contextmanager
def process_copies_read_together() -> Iterator[None]:
    """Inside the block, the copies' versions are read from Redis once, all in one round trip,
    at the first use of any of them. A change committed by another process while the block
    runs is seen by the next block, as it would be by a use that came a moment earlier; a
    change made in this process (`changed`) is seen at once. Blocks may nest."""
    depth = getattr(_together, "depth", 0)
    if depth == 0:
        _together.versions = None
    _together.depth = depth + 1
    try:
        yield
    finally:
        _together.depth = depth
        if depth == 0:
            _together.versions = None


def _read_together(key: str) -> str | None:
    """`key`'s version as read in the current block (reading every copy's at the first use);
    None outside a block, for a version Redis does not hold yet, or while Redis is down."""
    if not getattr(_together, "depth", 0):
        return None
    if _together.versions is None:
        try:
            _together.versions = cache.get_many([copy.key for copy in _COPIES])
        except CACHE_ERRORS:
            _together.versions = {}  # each use then asks, and finds Redis down, as before
    return _together.versions.get(key)


def _remember_read_together(key: str, version: str | None) -> None:
    """A version the block's round trip did not find (none set yet), once made and read."""
    versions = getattr(_together, "versions", None)
    if getattr(_together, "depth", 0) and versions is not None and version is not None:
        versions[key] = version


def _forget_read_together(key: str) -> None:
    versions = getattr(_together, "versions", None)
    if versions:
        versions.pop(key, None)
