"""Resetting a colleague's second factor takes two administrators: one asks (with a reason),
another approves, and only then are the factor and the person's sessions deleted (they enrol
again at their next sign-in). Both steps are in the audit log. Like remediation approvals
(tickets/remediation.py), nobody decides on their own request."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.factor_models import FactorReset
from support.factors import factor_remove
from support.roles import Role, has_role


class FactorResetRefused(Exception):
    """A reset that cannot be asked for or approved; the message says why (translated)."""


def _check_administrator(user: AbstractBaseUser) -> None:
    if not (user.is_superuser or has_role(user, Role.ADMIN)):
        raise PermissionDenied


def factor_reset_problem(*, person: AbstractBaseUser, by: AbstractBaseUser) -> str:
    """Why `by` may not ask for a reset of `person`'s factor now ("" if they may)."""
    if person.pk == by.pk:
        return _("Use one of your recovery codes, or ask another administrator.")
    if FactorReset.objects.filter(person=person, approved_at__isnull=True).exists():
        return _("A reset of this person's factor is already waiting.")
    return ""


def factor_reset_request(
    *, person: AbstractBaseUser, by: AbstractBaseUser, reason: str, request: HttpRequest | None
) -> FactorReset:
    _check_administrator(by)
    problem = factor_reset_problem(person=person, by=by)
    if problem:
        raise FactorResetRefused(problem)
    if not reason.strip():
        raise FactorResetRefused(_("Give a reason."))
    try:
        with transaction.atomic():
            reset = FactorReset.objects.create(
                person=person, reason=reason.strip()[:2000], requested_by=by
            )
            audit_record(
                "factor_reset_requested",
                actor=by,
                request=request,
                target=person,
                detail={"reset": reset.pk},
            )
    except IntegrityError:
        raise FactorResetRefused(_("A reset of this person's factor is already waiting.")) from None
    return reset


def factor_reset_approve(
    *, reset: FactorReset, by: AbstractBaseUser, request: HttpRequest | None
) -> FactorReset:
    """A second administrator approves: the factor and the person's sessions are deleted."""
    _check_administrator(by)
    with transaction.atomic():
        reset = FactorReset.objects.select_for_update().select_related("person").get(pk=reset.pk)
        if reset.requested_by_id == by.pk:
            raise FactorResetRefused(_("Someone else must decide on your own request."))
        if reset.person_id == by.pk:
            raise FactorResetRefused(_("Someone else must approve the reset of your own factor."))
        if reset.approved_at is not None:
            raise FactorResetRefused(_("This request is no longer awaiting approval."))
        reset.approved_by, reset.approved_at = by, timezone.now()
        reset.save(update_fields=["approved_by", "approved_at"])
        audit_record(
            "factor_reset_approved",
            actor=by,
            request=request,
            target=reset.person,
            detail={"reset": reset.pk, "requested_by": reset.requested_by_id},
        )
        factor_remove(user=reset.person, by=by, request=request)
    return reset
