"""Remediation actions on the customer's exchange account, requested from a ticket.

Each has a reason, a permission check and an event; above the configured amount
(settings.TICKETS_REMEDIATION_APPROVAL_AMOUNT) a second person with
`support.approve_remediation` must approve before the exchange is called. The exchange is
called after commit, never inside a transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from support.exchange import ExchangeError, get_exchange
from tickets.errors import RemediationRefused
from tickets.models import Remediation, RemediationAction, Ticket
from tickets.services import events_record

DEFAULT_APPROVAL_AMOUNT = Decimal("1000")


def approval_amount() -> Decimal:
    return Decimal(str(getattr(settings, "TICKETS_REMEDIATION_APPROVAL_AMOUNT", 1000)))


def remediation_request(
    *,
    ticket: Ticket,
    action: str,
    reason: str,
    by: AbstractBaseUser,
    withdrawal_id: str = "",
    asset: str = "",
    amount: Decimal | None = None,
) -> Remediation:
    if not by.has_perm("support.remediate_account"):
        raise PermissionDenied
    if not reason.strip():
        raise RemediationRefused(_("Give a reason."))
    needs_approval = amount is not None and amount > approval_amount()
    with transaction.atomic():
        remediation = Remediation.objects.create(
            ticket=ticket,
            action=action,
            reason=reason.strip(),
            withdrawal_id=withdrawal_id,
            asset=asset,
            amount=amount,
            requested_by=by,
            state=Remediation.State.AWAITING_APPROVAL,
        )
        events_record(
            ticket=ticket, by=by, changes=[("remediation_requested", "", _describe(remediation))]
        )
        if not needs_approval:
            transaction.on_commit(lambda: remediation_execute(remediation_id=remediation.pk))
    return remediation


def remediation_approve(*, remediation: Remediation, by: AbstractBaseUser) -> Remediation:
    """A second person approves; the exchange is called after commit."""
    if not by.has_perm("support.approve_remediation"):
        raise PermissionDenied
    with transaction.atomic():
        remediation = Remediation.objects.select_for_update().get(pk=remediation.pk)
        if remediation.requested_by_id == by.pk:
            raise RemediationRefused(_("Someone else must approve your own request."))
        if remediation.state != Remediation.State.AWAITING_APPROVAL or remediation.approved_by_id:
            raise RemediationRefused(_("This request is no longer awaiting approval."))
        remediation.approved_by = by
        remediation.save(update_fields=["approved_by"])
        events_record(
            ticket=remediation.ticket,
            by=by,
            changes=[("remediation_approved", "", _describe(remediation))],
        )
        transaction.on_commit(lambda: remediation_execute(remediation_id=remediation.pk))
    return remediation


def remediation_execute(*, remediation_id: int) -> Remediation:
    """Call the exchange once for an approved (or approval-free) request; record the outcome."""
    with transaction.atomic():
        remediation = (
            Remediation.objects.select_for_update(of=("self",))
            .select_related("ticket__customer__customer_profile", "requested_by")
            .get(pk=remediation_id)
        )
        if remediation.state != Remediation.State.AWAITING_APPROVAL or _needs_approval(remediation):
            return remediation
        remediation.state = Remediation.State.EXECUTED  # claimed: a second run does nothing
        remediation.save(update_fields=["state"])
    try:
        result = _call_exchange(remediation)
        state, outcome = Remediation.State.EXECUTED, result.reference
    except ExchangeError as error:
        state, outcome = Remediation.State.FAILED, str(error)
    with transaction.atomic():
        remediation.state, remediation.result = state, outcome[:2000]
        remediation.decided_at = timezone.now()
        remediation.save(update_fields=["state", "result", "decided_at"])
        events_record(
            ticket=remediation.ticket,
            by=remediation.approved_by or remediation.requested_by,
            changes=[(f"remediation_{state}", _describe(remediation), outcome)],
        )
    return remediation


def _needs_approval(remediation: Remediation) -> bool:
    over = remediation.amount is not None and remediation.amount > approval_amount()
    return over and not remediation.approved_by_id


def _call_exchange(remediation: Remediation):
    profile = getattr(remediation.ticket.customer, "customer_profile", None)
    account_id = profile.exchange_account_id if profile else None
    if not account_id:
        raise ExchangeError(_("The customer has no linked exchange account."))
    exchange = get_exchange()
    common = {"reason": remediation.reason, "actor": remediation.requested_by.email}
    if remediation.action == RemediationAction.FREEZE_ACCOUNT:
        return exchange.freeze_account(account_id, **common)
    if remediation.action == RemediationAction.RESET_TWO_FACTOR:
        return exchange.reset_two_factor(account_id, **common)
    if remediation.action == RemediationAction.RELEASE_WITHDRAWAL:
        return exchange.release_withdrawal(
            account_id, withdrawal_id=remediation.withdrawal_id, **common
        )
    return exchange.refund_fee(
        account_id, asset=remediation.asset, amount=remediation.amount, **common
    )


def _describe(remediation: Remediation) -> str:
    parts = [remediation.action, remediation.withdrawal_id, remediation.asset]
    if remediation.amount is not None:
        parts.append(str(remediation.amount))
    return " ".join(part for part in parts if part)
