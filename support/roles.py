"""The roles people have, as Django groups, and the permissions each role grants."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    CUSTOMER = "customer", pgettext_lazy("role", "Customer")
    AGENT = "agent", pgettext_lazy("role", "Agent")
    SUPERVISOR = "supervisor", pgettext_lazy("role", "Supervisor")
    COMPLAINTS_OFFICER = "complaints_officer", _("Complaints officer")
    APPEAL_REVIEWER = "appeal_reviewer", _("Appeal reviewer")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")


STAFF_ROLES = frozenset(Role) - {Role.CUSTOMER}

# The permissions of each role are granted by data migrations (support/migrations/0002_roles.py,
# and each app's own for its permissions).


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_support_roles", None)
    if cached is None:
        cached = _role_names(user.pk)
        user._support_roles = cached
    return cached


def _role_names(user_id: int) -> set[str]:
    """The names of the user's groups. Plain SQL: this runs on nearly every request, and the
    ORM's building of the join cost several times the query itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.name FROM auth_group g"
            " JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = %s",
            [user_id],
        )
        return {name for (name,) in cursor.fetchall()}


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    return role in user_roles(user)


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Anyone who works for the exchange's support: every role except customer."""
    return bool(user_roles(user) & STAFF_ROLES) or bool(getattr(user, "is_superuser", False))
