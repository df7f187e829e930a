"""How people are shown to each other."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _


def staff_public_name(user: AbstractBaseUser | None) -> str:
    """How a customer sees a staff member: their first name, else "Support agent" (in the
    customer's language). Never an email address: staff addresses are not for customers."""
    name = " ".join((getattr(user, "first_name", "") or "").split())
    if not name or "@" in name:
        return _("Support agent")
    return name
