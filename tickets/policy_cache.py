"""The SLA policies every new ticket is matched against, kept in each process's memory.

Intake matches each ticket against every policy; reading them from PostgreSQL for every ticket
cost about a millisecond of a ticket's few. Each process keeps its own copy, tagged with a
version that lives in Redis: one small read per ticket tells whether any process changed a
policy or calendar since, and a change (`sla_policies_changed`, called by the models' save and
delete) sets a new version at once and again after its transaction commits, so no process keeps
a copy read before the change became visible.
"""

from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "tickets:sla-policies:version"
_copy: dict = {"version": None, "policies": []}


def sla_policies() -> list:
    """Every SLA policy with its calendar, in id order (shared objects: do not change them)."""
    from tickets.models import SlaPolicy

    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
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


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)
