"""Session-level PostgreSQL advisory locks: one worker at a time on a row (an outbox entry, a
mailbox's poll), taken without waiting and released by PostgreSQL if the worker dies."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def advisory_claimed(lock_class: int, object_id: int) -> Iterator[bool]:
    """Whether this session holds the lock (`lock_class`, `object_id`) for the block."""
    key = (lock_class, object_id % 2**31)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        (claimed,) = cursor.fetchone()
    try:
        yield claimed
    finally:
        if claimed:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
