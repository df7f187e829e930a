"""The admin site: every add, change and delete made through it is also an audit row (with
the admin's change message, client address and request id), and changes to a person's roles
(groups) or an agent's teams are rows of their own, naming what was added and removed.

Every ModelAdmin registered on the site, by any app, gets these hooks: the site registers a
subclass of it (`AuditedModelAdmin` first), so no app has to remember to.
"""

import json

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest

from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction

SECRET_KEYED = frozenset({"authtoken.token", "authtoken.tokenproxy"})  # the key is the pk


class AuditedModelAdmin:
    def log_addition(self, request: HttpRequest, obj: models.Model, message):
        entry = super().log_addition(request, obj, message)
        _record(AuditAction.ADMIN_ADDED, request, obj, _change(entry))
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message):
        entry = super().log_change(request, obj, message)
        _record(AuditAction.ADMIN_CHANGED, request, obj, _change(entry))
        return entry

    def log_deletions(self, request: HttpRequest, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            _record(AuditAction.ADMIN_DELETED, request, obj, "")
        return entries

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        before = memberships(form.instance)
        super().save_related(request, form, formsets, change)
        if before is not None:
            record_membership_change(request, form.instance, before, memberships(form.instance))


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(
                admin_class.__name__,
                (AuditedModelAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


def _change(entry) -> list | str:
    """The admin's change message as it stores it: a list of what was added and changed
    (field names), language-neutral, or the plain text some admins give."""
    try:
        return json.loads(entry.change_message)
    except ValueError:
        return entry.change_message


def _record(action: str, request: HttpRequest, obj: models.Model, message: list | str) -> None:
    audit_record(
        action,
        request=request,
        target=_target(obj),
        customer=_customer_of(obj),
        detail={"change": message} if message else None,
    )


def _target(obj: models.Model) -> models.Model | AuditTarget:
    if obj._meta.label_lower in SECRET_KEYED:
        return AuditTarget(obj._meta.label_lower, str(obj.user_id), obj.user.get_username())
    return obj


def _customer_of(obj: models.Model):
    """The customer a row is about, for searching the log by customer: a person who is no
    staff, or the customer (or user) a row points to."""
    from support.roles import is_staff_member

    User = get_user_model()
    for candidate in (obj, getattr(obj, "customer", None), getattr(obj, "user", None)):
        if isinstance(candidate, User):
            return None if is_staff_member(candidate) else candidate
    return None


# --- Roles and teams ---------------------------------------------------------------------------


def memberships(obj: models.Model) -> tuple[str, frozenset[str]] | None:
    """("role", the person's groups) or ("team", the agent's teams); None for other rows."""
    from support.models import AgentProfile

    if isinstance(obj, get_user_model()):
        return "role", frozenset(obj.groups.values_list("name", flat=True))
    if isinstance(obj, AgentProfile):
        return "team", frozenset(obj.teams.values_list("name", flat=True))
    return None


def record_membership_change(
    request: HttpRequest,
    obj: models.Model,
    before: tuple[str, frozenset[str]],
    after: tuple[str, frozenset[str]],
) -> None:
    kind, old = before
    _kind, new = after
    if old == new:
        return
    person = obj if isinstance(obj, get_user_model()) else obj.user
    audit_record(
        AuditAction.ROLE_CHANGED if kind == "role" else AuditAction.TEAM_CHANGED,
        request=request,
        target=person,
        customer=_customer_of(person),
        detail={"added": sorted(new - old), "removed": sorted(old - new)},
    )
