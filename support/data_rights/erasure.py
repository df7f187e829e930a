"""Erasing a customer: one authorised person asks with a reason, a second, different one
approves, and a Celery task removes or replaces the personal data in every app's tables.

Authorised: the `support.manage_customer_data` permission (administrators and complaints
officers). Refused, with the reason, while the customer has an open complaint or a legal hold,
both when asked and when carried out. Rows that statistics count (tickets, messages, chats,
complaints, answers' scores) stay, with their texts replaced by a marker; files and raw inbound
payloads are deleted; the audit log keeps "customer N erased by X" and nothing of the content.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.customer_data import Erased, erasers, erasure_blockers
from support.data_models import ErasureRequest
from support.data_rights.errors import DataRightsRefused
from support.data_rights.holds import PERMISSION, active_hold
from support.queueing import task_queue_after_commit
from support.roles import is_staff_member

State = ErasureRequest.State
User = get_user_model()
MARKER = "[erased]"


def erasure_refusals(customer: AbstractBaseUser) -> list[str]:
    """Why `customer` may not be erased now (translated), or an empty list."""
    reasons = []
    if active_hold(customer) is not None:
        reasons.append(_("The customer is under a legal hold."))
    return reasons + erasure_blockers(customer)


def erasure_request(
    *, customer: AbstractBaseUser, by: AbstractBaseUser, reason: str
) -> ErasureRequest:
    if not by.has_perm(PERMISSION):
        raise PermissionDenied
    if is_staff_member(customer) or customer.is_superuser:
        raise DataRightsRefused(_("Only customers can be erased here."))
    if not reason.strip():
        raise DataRightsRefused(_("Give a reason."))
    if refusals := erasure_refusals(customer):
        raise DataRightsRefused(" ".join(refusals))
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                customer=customer, requested_by=by, reason=reason.strip()[:2000]
            )
            audit_record("customer_erasure_requested", actor=by, target=erasure, customer=customer)
    except IntegrityError:
        raise DataRightsRefused(_("An erasure of this customer is already under way.")) from None
    return erasure


def erasure_approve(*, erasure: ErasureRequest, by: AbstractBaseUser) -> ErasureRequest:
    """A second person approves; the erasure runs after commit."""
    from support.data_rights.tasks import customer_erase_task

    with transaction.atomic():
        erasure = _lock_for_decision(erasure, by)
        if refusals := erasure_refusals(erasure.customer):
            raise DataRightsRefused(" ".join(refusals))
        erasure.state, erasure.decided_by, erasure.decided_at = State.APPROVED, by, timezone.now()
        erasure.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            "customer_erasure_approved", actor=by, target=erasure, customer=erasure.customer
        )
    task_queue_after_commit(customer_erase_task, erasure.pk)
    return erasure


def erasure_reject(*, erasure: ErasureRequest, by: AbstractBaseUser, reason: str):
    if not reason.strip():
        raise DataRightsRefused(_("Give a reason for the rejection."))
    with transaction.atomic():
        erasure = _lock_for_decision(erasure, by)
        erasure.state, erasure.decided_by, erasure.decided_at = State.REJECTED, by, timezone.now()
        erasure.outcome = reason.strip()[:2000]
        erasure.save(update_fields=["state", "decided_by", "decided_at", "outcome"])
    return erasure


def _lock_for_decision(erasure: ErasureRequest, by: AbstractBaseUser) -> ErasureRequest:
    if not by.has_perm(PERMISSION):
        raise PermissionDenied
    erasure = (
        ErasureRequest.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=erasure.pk)
    )
    if erasure.requested_by_id == by.pk:
        raise DataRightsRefused(_("Someone else must approve your own request."))
    if erasure.state != State.AWAITING_APPROVAL:
        raise DataRightsRefused(_("This request is no longer awaiting approval."))
    return erasure


def customer_erase(*, erasure_id: int) -> ErasureRequest | None:
    """Carry out an approved erasure in one transaction. A hold or an open complaint that
    appeared since the approval refuses it (state refused, with the reason)."""
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=erasure_id, state=State.APPROVED)
            .select_related("customer")
            .first()
        )
        if erasure is None:
            return None
        customer = erasure.customer
        if refusals := erasure_refusals(customer):
            erasure.state, erasure.outcome = State.REFUSED, " ".join(refusals)
            erasure.save(update_fields=["state", "outcome"])
            return erasure
        erased = Erased(customer_id=customer.pk, values=known_values(customer), marker=MARKER)
        for _key, eraser in erasers():
            eraser(customer, erased)
        erasure.reason = erased.scrub(erasure.reason)
        erasure.state, erasure.erased_at = State.ERASED, timezone.now()
        erasure.save(update_fields=["reason", "state", "erased_at"])
        audit_record("customer_erased", actor=erasure.decided_by, target=erasure, customer=customer)
    return erasure


def known_values(customer: AbstractBaseUser) -> tuple[str, ...]:
    """The customer's identifying strings, longest first, to scrub from others' texts."""
    values = {customer.email, customer.username, customer.get_full_name()}
    values |= {customer.first_name, customer.last_name}
    profile = getattr(customer, "customer_profile", None)
    if profile is not None and profile.exchange_account_id:
        values.add(profile.exchange_account_id)
    return tuple(sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len)[::-1])


def approved_erasures() -> list[int]:
    """Approved erasures not carried out yet (the broker lost the task): the sweep runs them."""
    return list(
        ErasureRequest.objects.filter(state=State.APPROVED).values_list("pk", flat=True)[:20]
    )
