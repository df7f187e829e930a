"""The SLA policies every new ticket is matched against, kept in each process's memory.

Intake matches each ticket against every policy; reading them from PostgreSQL for every ticket
cost about a millisecond of a ticket's few. Each process keeps its own copy, tagged with a
version that lives in Redis: one small read per ticket tells whether any process changed a
policy or calendar since, and a change (`sla_policies_changed`, called by the models' save and
delete) sets a new version at once and again after its transaction commits, so no process keeps
a copy read before the change became visible.

Redis is only the messenger: while it cannot be reached, every ticket reads the policies from
PostgreSQL (the millisecond again) and a change made meanwhile sets its new version once Redis
answers. The version expires after VERSION_SECONDS, which bounds how long a copy can outlive a
change whose messenger was lost (made during an outage by a process that then stopped).
"""

import logging
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

from support.unavailable import CACHE_ERRORS

logger = logging.getLogger(__name__)

VERSION_KEY = "tickets:sla-policies:version"
VERSION_SECONDS = 3600
_copy: dict = {"version": None, "policies": []}
_redis: dict = {"down": False, "version_unsent": False}


def sla_policies() -> list:
    """Every SLA policy with its calendar, in id order (shared objects: do not change them)."""
    from tickets.models import SlaPolicy

    version = _shared_version()
    if version is None or version != _copy["version"]:
        policies = list(SlaPolicy.objects.select_related("calendar").order_by("pk"))
        _copy.update(version=version, policies=policies)
    return _copy["policies"]


def sla_policies_changed() -> None:
    """Make every process read the policies again (now, and once the change is committed)."""
    _new_version()
    transaction.on_commit(_new_version)


class ChangesSlaPolicies:
    """For the models intake's copy is made of (policies, calendars): saving or deleting one
    makes every process read them again. (A queryset's update() or delete() does not.)"""

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        sla_policies_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        sla_policies_changed()
        return deleted


def _shared_version() -> str | None:
    """The version all processes see; None (read the database) while Redis is unreachable."""
    if _redis["version_unsent"]:
        _new_version()
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid4().hex, timeout=VERSION_SECONDS)
            version = cache.get(VERSION_KEY)
    except CACHE_ERRORS:
        _unreachable()
        return None
    _redis["down"] = False
    return version


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid4().hex, timeout=VERSION_SECONDS)
    except CACHE_ERRORS:
        _redis["version_unsent"] = True  # sent by the next ticket once Redis answers
        _unreachable()
    else:
        _redis["version_unsent"] = False


def _unreachable() -> None:
    if not _redis["down"]:  # once per outage, not once per ticket
        logger.warning("Redis unreachable: SLA policies are read from PostgreSQL for each ticket")
    _redis["down"] = True
