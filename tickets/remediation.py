"""Remediation actions on the customer's exchange account, requested from a ticket.

Each has a reason, a permission check and an event per step. Which actions need a second
person's approval is data, not a setting: `RemediationRule` rows that admins edit (always, or
above an amount; an action without a row needs none). A second person with
`support.approve_remediation` approves or rejects (with a reason); nobody decides on their own
request.

The exchange is called after commit, never inside a transaction, and always with the
remediation's own `idempotency_key`: the execution claims the row in a short transaction
(state executed, no decision time yet), calls the exchange, then records the outcome. A retry
of a failed call sends the same key, so an action the exchange did perform before the failure
(a timeout after it acted) is not performed twice.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.audit_models import AuditAction
from support.exchange import ActionResult, ExchangeError, get_exchange
from tickets.errors import RemediationRefused
from tickets.live import ticket_changed
from tickets.models import Remediation, RemediationAction, RemediationRule, Ticket
from tickets.services import events_record

State = Remediation.State

# The one transitions table of a remediation. `executed` without `decided_at` is a call to the
# exchange in flight (claimed); the outcome then stays executed or becomes failed.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.AWAITING_APPROVAL: frozenset({State.EXECUTED, State.REJECTED}),
    State.EXECUTED: frozenset({State.FAILED}),
    State.FAILED: frozenset({State.EXECUTED}),  # a retry, with the same idempotency key
    State.REJECTED: frozenset(),
}


def approval_needed(*, action: str, amount: Decimal | None) -> bool:
    """Whether `action` needs a second approver, by its RemediationRule row: always, or when
    the amount is above the row's (or not given)."""
    rule = RemediationRule.objects.filter(action=action).first()
    if rule is None:
        return False
    if rule.always:
        return True
    if rule.above_amount is None:
        return False
    return amount is None or amount > rule.above_amount


def remediation_request(
    *,
    ticket: Ticket | None,
    action: str,
    reason: str,
    by: AbstractBaseUser,
    withdrawal_id: str = "",
    asset: str = "",
    amount: Decimal | None = None,
    customer: AbstractBaseUser | None = None,
) -> Remediation:
    """Ask for an action; it runs after commit unless its rule wants a second approver.

    From a ticket the customer is the ticket's; a complaint's remedy has no ticket and names
    the customer (`ticket=None, customer=…`)."""
    if not by.has_perm("support.remediate_account"):
        raise PermissionDenied
    customer = ticket.customer if ticket is not None else customer
    if customer is None:
        raise RemediationRefused(_("The customer is missing."))
    if not reason.strip():
        raise RemediationRefused(_("Give a reason."))
    needs_approval = approval_needed(action=action, amount=amount)
    with transaction.atomic():
        remediation = Remediation.objects.create(
            ticket=ticket,
            customer=customer,
            action=action,
            reason=reason.strip(),
            withdrawal_id=withdrawal_id,
            asset=asset,
            amount=amount,
            requested_by=by,
            state=State.AWAITING_APPROVAL,
        )
        _record(remediation, by, "remediation_requested", "", _describe(remediation))
        _audit(AuditAction.REMEDIATION_REQUESTED, remediation, by)
        if not needs_approval:
            transaction.on_commit(lambda: remediation_execute(remediation_id=remediation.pk))
    return remediation


def remediation_approve(*, remediation: Remediation, by: AbstractBaseUser) -> Remediation:
    """A second person approves; the exchange is called after commit."""
    with transaction.atomic():
        remediation = _lock_for_decision(remediation, by)
        remediation.approved_by = by
        remediation.save(update_fields=["approved_by"])
        _record(remediation, by, "remediation_approved", "", _describe(remediation))
        _audit(AuditAction.REMEDIATION_APPROVED, remediation, by)
        transaction.on_commit(lambda: remediation_execute(remediation_id=remediation.pk))
    return remediation


def remediation_reject(
    *, remediation: Remediation, by: AbstractBaseUser, reason: str
) -> Remediation:
    """A second person refuses the request, saying why; the exchange is never called."""
    if not reason.strip():
        raise RemediationRefused(_("Give a reason for the rejection."))
    with transaction.atomic():
        remediation = _lock_for_decision(remediation, by)
        _move(remediation, State.REJECTED)
        remediation.rejected_by, remediation.rejection_reason = by, reason.strip()[:2000]
        remediation.decided_at = timezone.now()
        remediation.save(update_fields=["state", "rejected_by", "rejection_reason", "decided_at"])
        _record(remediation, by, "remediation_rejected", _describe(remediation), reason.strip())
        _audit(AuditAction.REMEDIATION_REJECTED, remediation, by)
    return remediation


def _lock_for_decision(remediation: Remediation, by: AbstractBaseUser) -> Remediation:
    """The request, locked, if `by` may approve or reject it now (call inside a transaction)."""
    if not by.has_perm("support.approve_remediation"):
        raise PermissionDenied
    remediation = (
        Remediation.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .get(pk=remediation.pk)
    )
    if remediation.requested_by_id == by.pk:
        raise RemediationRefused(_("Someone else must decide on your own request."))
    if remediation.state != State.AWAITING_APPROVAL or remediation.approved_by_id:
        raise RemediationRefused(_("This request is no longer awaiting approval."))
    return remediation


def remediation_retry(*, remediation: Remediation, by: AbstractBaseUser) -> Remediation:
    """Call the exchange again for a failed action, with the same idempotency key."""
    if not by.has_perm("support.remediate_account"):
        raise PermissionDenied
    with transaction.atomic():
        remediation = (
            Remediation.objects.select_for_update(of=("self",))
            .select_related("ticket")
            .get(pk=remediation.pk)
        )
        if remediation.state != State.FAILED:
            raise RemediationRefused(_("Only a failed action can be tried again."))
        _claim(remediation)
        _record(remediation, by, "remediation_retried", "", _describe(remediation))
        transaction.on_commit(lambda: remediation_perform(remediation_id=remediation.pk))
    return remediation


def remediation_execute(*, remediation_id: int) -> Remediation:
    """Claim an approved (or approval-free) request and call the exchange once; a second run
    finds it claimed and does nothing."""
    with transaction.atomic():
        remediation = Remediation.objects.select_for_update().get(pk=remediation_id)
        if remediation.state != State.AWAITING_APPROVAL or _needs_approval(remediation):
            return remediation
        _claim(remediation)
    return remediation_perform(remediation_id=remediation_id)


def _claim(remediation: Remediation) -> None:
    """Mark the call in flight (locked row, inside the caller's short transaction)."""
    _move(remediation, State.EXECUTED)
    remediation.decided_at = None
    remediation.save(update_fields=["state", "decided_at"])


def remediation_perform(*, remediation_id: int) -> Remediation:
    """Call the exchange for a claimed remediation (outside any transaction), then record the
    outcome in a short one."""
    remediation = Remediation.objects.select_related(
        "ticket", "customer__customer_profile", "requested_by", "approved_by"
    ).get(pk=remediation_id)
    if remediation.state != State.EXECUTED or remediation.decided_at is not None:
        return remediation
    try:
        state, outcome = State.EXECUTED, _call_exchange(remediation).reference
    except ExchangeError as error:
        state, outcome = State.FAILED, str(error) or error.__class__.__name__
    with transaction.atomic():
        remediation = (
            Remediation.objects.select_for_update(of=("self",))
            .select_related("ticket")
            .get(pk=remediation_id)
        )
        if remediation.state != State.EXECUTED or remediation.decided_at is not None:
            return remediation  # recorded by a concurrent run already
        if state == State.FAILED:
            _move(remediation, State.FAILED)
        remediation.result, remediation.decided_at = outcome[:2000], timezone.now()
        remediation.save(update_fields=["state", "result", "decided_at"])
        actor = remediation.approved_by or remediation.requested_by
        _record(remediation, actor, f"remediation_{state}", _describe(remediation), outcome)
    return remediation


def _move(remediation: Remediation, to: str) -> None:
    if to not in TRANSITIONS[remediation.state]:
        raise RemediationRefused(
            _("A remediation cannot move from %(current)s to %(requested)s.")
            % {"current": remediation.get_state_display(), "requested": State(to).label}
        )
    remediation.state = to


def _record(remediation: Remediation, by, field: str, before: str, after: str) -> None:
    """The ticket's event row, and its notice to the live console after commit. A complaint's
    remedy has no ticket: its own row (who asked, approved, when, the result) is the trace, and
    the complaint records its events itself."""
    ticket = remediation.ticket
    if ticket is None:
        return
    events_record(ticket=ticket, by=by, changes=[(field, before, after)])
    ticket_changed(ticket=ticket, by=by)


def _audit(action: str, remediation: Remediation, by: AbstractBaseUser) -> None:
    """The audit row (the reason stays on the remediation and the ticket's history)."""
    detail = {"action": remediation.action, "ticket": remediation.ticket_id}
    if remediation.amount is not None:
        detail.update(asset=remediation.asset, amount=str(remediation.amount))
    if remediation.withdrawal_id:
        detail["withdrawal"] = remediation.withdrawal_id
    audit_record(action, actor=by, target=remediation, customer=remediation.customer, detail=detail)


def _needs_approval(remediation: Remediation) -> bool:
    if remediation.approved_by_id:
        return False
    return approval_needed(action=remediation.action, amount=remediation.amount)


def _call_exchange(remediation: Remediation) -> ActionResult:
    customer = remediation.customer or remediation.ticket.customer
    profile = getattr(customer, "customer_profile", None)
    account_id = profile.exchange_account_id if profile else None
    if not account_id:
        raise ExchangeError(_("The customer has no linked exchange account."))
    exchange = get_exchange()
    common = {
        "reason": remediation.reason,
        "actor": remediation.requested_by.email,
        "idempotency_key": str(remediation.idempotency_key),
    }
    match remediation.action:
        case RemediationAction.FREEZE_ACCOUNT:
            return exchange.freeze_account(account_id, **common)
        case RemediationAction.UNFREEZE_ACCOUNT:
            return exchange.unfreeze_account(account_id, **common)
        case RemediationAction.RESET_TWO_FACTOR:
            return exchange.reset_two_factor(account_id, **common)
        case RemediationAction.RELEASE_WITHDRAWAL:
            return exchange.release_withdrawal(
                account_id, withdrawal_id=remediation.withdrawal_id, **common
            )
        case RemediationAction.REFUND_FEE:
            return exchange.refund_fee(
                account_id, asset=remediation.asset, amount=remediation.amount, **common
            )
        case RemediationAction.COMPENSATE:
            return exchange.compensate(
                account_id, asset=remediation.asset, amount=remediation.amount, **common
            )
    raise ExchangeError(_("Unknown action %(action)s.") % {"action": remediation.action})


def _describe(remediation: Remediation) -> str:
    parts = [remediation.action, remediation.withdrawal_id, remediation.asset]
    if remediation.amount is not None:
        parts.append(str(remediation.amount))
    return " ".join(part for part in parts if part)
