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
"""

import logging
from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

from support.unavailable import CACHE_ERRORS

logger = logging.getLogger(__name__)

VERSION_SECONDS = 3600
T = TypeVar("T")


class ProcessCopy(Generic[T]):
    """`load()`'s result, kept until any process calls `changed()`; `key` names the version in
    Redis, `name` the rows in the log."""

    def __init__(self, *, key: str, name: str, load: Callable[[], T]) -> None:
        self.key, self.name, self._load = key, name, load
        self._held: tuple[str | None, T] | None = None  # (version, value), swapped as one
        self._redis_down = False
        self._version_unsent = False

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
        self._new_version()
        transaction.on_commit(self._new_version)

    def _shared_version(self) -> str | None:
        """The version all processes see; None (read the database) while Redis is unreachable."""
        if self._version_unsent:
            self._new_version()
        try:
            version = cache.get(self.key)
            if version is None:
                cache.add(self.key, uuid4().hex, timeout=VERSION_SECONDS)
                version = cache.get(self.key)
        except CACHE_ERRORS:
            self._unreachable()
            return None
        self._redis_down = False
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
