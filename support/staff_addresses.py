"""Whether an email address is one of ours: a staff member's (every role but customer), a team's
sending address, or a superuser's user name. Inbound email asks for every address a message
names (a From, Reply-To or Cc of staff is flagged for the agent, never trusted), so each
process keeps the addresses in memory (support.process_copies) instead of three queries a
time.

A copy that missed a change would let a new agent's address pass for a customer's, and people,
their groups and teams are changed by Django's own admin and commands (createsuperuser) as much
as by our code. So the copy is renewed from Django's model signals: the only receivers here,
and they do nothing but mark the copy stale (no domain flow hangs on them). A new customer,
the common case, marks nothing.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

from support.models import Team
from support.process_copies import ProcessCopy
from support.roles import STAFF_ROLES

VERSION_KEY = "support:staff-addresses:version"
ADDRESS_FIELDS = frozenset({"email", "username", "is_superuser"})


@dataclass(frozen=True)
class StaffAddresses:
    addresses: frozenset[str]  # staff members' and teams' addresses, lower case
    superusers: frozenset[str]  # superusers' user names, as stored


def _load() -> StaffAddresses:
    users = get_user_model().objects
    staff = users.filter(groups__name__in=STAFF_ROLES).values_list("email", flat=True)
    teams = Team.objects.values_list("email_from", flat=True)
    superusers = users.filter(is_superuser=True).values_list("username", flat=True)
    addresses = {address.strip().lower() for address in [*staff, *teams]}
    return StaffAddresses(addresses=frozenset(addresses - {""}), superusers=frozenset(superusers))


_copy = ProcessCopy(key=VERSION_KEY, name="staff addresses", load=_load)


def is_staff_address(address: str) -> bool:
    """`address` belongs to a staff member, a team or a superuser's user name (case ignored,
    but for the user name)."""
    address = (address or "").strip().lower()
    if not address:
        return False
    ours = _copy.get()
    return address in ours.addresses or address in ours.superusers


def staff_addresses_changed() -> None:
    _copy.changed()


# --- Marking the copy stale (connected by SupportConfig.ready) --------------------------------


def connect_receivers() -> None:
    User = get_user_model()
    post_save.connect(_person_saved, sender=User, dispatch_uid="staff-addresses-person-saved")
    post_delete.connect(_changed, sender=User, dispatch_uid="staff-addresses-person-deleted")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="staff-addresses-groups"
    )
    post_save.connect(_changed, sender=Team, dispatch_uid="staff-addresses-team-saved")
    post_delete.connect(_changed, sender=Team, dispatch_uid="staff-addresses-team-deleted")


def _changed(**kwargs) -> None:
    staff_addresses_changed()


def _person_saved(*, instance, created: bool, update_fields=None, **kwargs) -> None:
    """A new account is staff only once a staff group is added (its own signal), or when it is
    made a superuser; a saved one whose address fields may have changed renews the copy."""
    if created:
        if instance.is_superuser:
            staff_addresses_changed()
        return
    if update_fields is None or ADDRESS_FIELDS & set(update_fields):
        staff_addresses_changed()


def _groups_changed(*, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Group memberships: forward (a person's groups) or reverse (a group's people)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        staff = instance.name in STAFF_ROLES
    else:
        groups = Group.objects.filter(pk__in=pk_set) if pk_set is not None else None
        staff = groups is None or groups.filter(name__in=STAFF_ROLES).exists()
    if staff:
        staff_addresses_changed()
