"""Legal holds: while one is active the customer cannot be erased and the retention sweeps
leave their data alone."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.data_models import LegalHold
from support.data_rights.errors import DataRightsRefused

PERMISSION = "support.manage_customer_data"


def held_customer_ids() -> frozenset[int]:
    return frozenset(
        LegalHold.objects.filter(released_at__isnull=True).values_list("customer_id", flat=True)
    )


def active_hold(customer: AbstractBaseUser) -> LegalHold | None:
    return LegalHold.objects.filter(customer=customer, released_at__isnull=True).first()


def legal_hold_set(*, customer: AbstractBaseUser, by: AbstractBaseUser, reason: str) -> LegalHold:
    if not by.has_perm(PERMISSION):
        raise PermissionDenied
    if not reason.strip():
        raise DataRightsRefused(_("Give a reason."))
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(customer=customer, set_by=by, reason=reason.strip())
            audit_record("legal_hold_set", actor=by, target=hold, customer=customer)
    except IntegrityError:
        raise DataRightsRefused(_("This customer is already under a legal hold.")) from None
    return hold


def legal_hold_release(*, hold: LegalHold, by: AbstractBaseUser, reason: str) -> LegalHold:
    if not by.has_perm(PERMISSION):
        raise PermissionDenied
    if not reason.strip():
        raise DataRightsRefused(_("Give a reason."))
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise DataRightsRefused(_("This legal hold was already released."))
        hold.released_by, hold.released_at = by, timezone.now()
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_by", "released_at", "release_reason"])
        audit_record("legal_hold_released", actor=by, target=hold, customer=hold.customer)
    return hold
