"""The SLA policies every new ticket is matched against, kept in each process's memory.

Intake matches each ticket against every policy; reading them from PostgreSQL for every ticket
cost about a millisecond of a ticket's few. Each process keeps its own copy
(support.process_copies: one small Redis read per ticket tells whether any process changed a
policy or calendar since); a change (`sla_policies_changed`, called by the models' save and
delete) makes every process read them again.
"""

from support.process_copies import ProcessCopy

VERSION_KEY = "tickets:sla-policies:version"


def _load() -> list:
    from tickets.models import SlaPolicy

    return list(SlaPolicy.objects.select_related("calendar").order_by("pk"))


_policies = ProcessCopy(key=VERSION_KEY, name="SLA policies", load=_load)


def sla_policies() -> list:
    """Every SLA policy with its calendar, in id order (shared objects: do not change them)."""
    return _policies.get()


def sla_policies_changed() -> None:
    """Make every process read the policies again (now, and once the change is committed)."""
    _policies.changed()


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
