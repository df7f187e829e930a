"""Callback requests: who may ask, when the call is due (on the policy's business calendar),
and every change of the queue: claim, release, cancel, and the call that settles it."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from support.taxonomy import Category, Tier
from support.text import redact_customer_text
from tickets import sla
from tickets.phone.errors import (
    CallbackAlreadyOpen,
    CallbackClaimedByOther,
    CallbackNotEligible,
    CallbackStateRefused,
)
from tickets.phone.models import (
    NOT_REACHED,
    CallbackPolicy,
    CallbackRequest,
    CallbackState,
    CustomerPhone,
)
from tickets.selectors import calendar_value

DEFAULT_ELIGIBLE_TIERS = (Tier.VIP, Tier.INSTITUTIONAL)
DETAILS_LIMIT = 2000


def callback_policy() -> CallbackPolicy:
    """The admins' policy row, or the shipped defaults when there is none."""
    return CallbackPolicy.objects.select_related("calendar", "team__supervisor").first() or (
        CallbackPolicy(eligible_tiers=list(DEFAULT_ELIGIBLE_TIERS))
    )


def customer_tier(customer: AbstractBaseUser) -> str:
    profile = getattr(customer, "customer_profile", None)
    return profile.tier if profile else Tier.STANDARD


def callback_eligible(*, customer: AbstractBaseUser, security_incident: bool) -> bool:
    """A tier the admins chose, or a security incident, whatever the tier."""
    if security_incident:
        return True
    return customer_tier(customer) in callback_policy().eligible_tiers


def callback_deadlines(
    *, policy: CallbackPolicy, start: datetime, security_incident: bool
) -> tuple[datetime, datetime]:
    """(warn_at, due_at) of a request made at `start`, in business minutes of the policy's
    calendar (24/7 without one)."""
    minutes = policy.incident_target_minutes if security_incident else policy.target_minutes
    calendar = calendar_value(policy.calendar)
    return sla.clock(
        start=start, minutes=minutes, warn_share=policy.warn_share, paused=0, calendar=calendar
    )


def callback_next_due(callback: CallbackRequest) -> datetime | None:
    """The sweep's next step: the warning, then the breach; None once both are done."""
    if not callback.is_open or callback.first_called_at:
        return None
    if callback.warned_at is None and callback.warn_at < callback.due_at:
        return callback.warn_at
    return callback.due_at if callback.breached_at is None else None


def callback_request(
    *,
    customer: AbstractBaseUser,
    number: str,
    language: str,
    window: str,
    time_zone: str,
    topic: str,
    details: str = "",
) -> CallbackRequest:
    """Put a customer's request in the queue; CallbackNotEligible or CallbackAlreadyOpen
    otherwise. `number` is E.164 already (tickets/phone/numbers.py)."""
    incident = topic == Category.SECURITY_INCIDENT
    if not callback_eligible(customer=customer, security_incident=incident):
        raise CallbackNotEligible()
    details = redact_customer_text(details[:DETAILS_LIMIT], lang=language).text
    policy = callback_policy()
    now = timezone.now()
    warn_at, due_at = callback_deadlines(policy=policy, start=now, security_incident=incident)
    with transaction.atomic():
        # One open request per customer: their row locked so two submits cannot both pass.
        get_user_model().objects.select_for_update().filter(pk=customer.pk).first()
        if CallbackRequest.objects.open().filter(customer=customer).exists():
            raise CallbackAlreadyOpen()
        callback = CallbackRequest(
            customer=customer,
            number=number,
            language=language,
            window=window,
            time_zone=time_zone,
            topic=topic,
            security_incident=incident,
            details=details,
            tier=customer_tier(customer),
            due_at=due_at,
            warn_at=warn_at,
            created_at=now,
        )
        callback.next_due = callback_next_due(callback)
        callback.save()
        customer_phone_remember(
            customer=customer, number=number, source=CustomerPhone.Source.CALLBACK
        )
    return callback


def customer_phone_remember(*, customer: AbstractBaseUser, number: str, source: str) -> None:
    if number:
        CustomerPhone.objects.get_or_create(
            customer=customer, number=number, defaults={"source": source}
        )


def _lock(callback: CallbackRequest) -> CallbackRequest:
    return CallbackRequest.objects.select_for_update().get(pk=callback.pk)


def _move(callback: CallbackRequest, to: str) -> None:
    if to not in CallbackRequest.TRANSITIONS[callback.state]:
        raise CallbackStateRefused(callback.get_state_display())
    callback.state = to
    if to in (CallbackState.DONE, CallbackState.CANCELLED):
        callback.closed_at = timezone.now()
        callback.next_due = None


def callback_claim(*, callback: CallbackRequest, by: AbstractBaseUser) -> CallbackRequest:
    """`by` takes the request to call the customer; a second agent is refused."""
    with transaction.atomic():
        callback = _lock(callback)
        if callback.state == CallbackState.CLAIMED and callback.claimed_by_id != by.pk:
            raise CallbackClaimedByOther()
        if callback.state != CallbackState.CLAIMED:
            _move(callback, CallbackState.CLAIMED)
        callback.claimed_by, callback.claimed_at = by, timezone.now()
        callback.save(update_fields=["state", "claimed_by", "claimed_at"])
    return callback


def callback_release(*, callback: CallbackRequest, by: AbstractBaseUser) -> CallbackRequest:
    """Back to the queue without a call (the claimer, or anyone when nobody holds it)."""
    with transaction.atomic():
        callback = _lock(callback)
        if callback.claimed_by_id not in (None, by.pk):
            raise CallbackClaimedByOther()
        _move(callback, CallbackState.WAITING)
        callback.claimed_by = callback.claimed_at = None
        callback.save(update_fields=["state", "claimed_by", "claimed_at"])
    return callback


def callback_cancel(*, callback: CallbackRequest, by: AbstractBaseUser) -> CallbackRequest:
    with transaction.atomic():
        callback = _lock(callback)
        _move(callback, CallbackState.CANCELLED)
        callback.save(update_fields=["state", "closed_at", "next_due"])
    return callback


def callback_called(
    *, callback: CallbackRequest, outcome: str, ticket_id: int | None, by: AbstractBaseUser
) -> CallbackRequest:
    """The locked request after a call to the customer (inside the caller's transaction): the
    SLA clock stops at the first call; a call that did not reach them puts the request back
    in the queue, any other closes it."""
    callback = _lock(callback)
    if callback.claimed_by_id not in (None, by.pk):
        raise CallbackClaimedByOther()
    if callback.state == CallbackState.WAITING:
        _move(callback, CallbackState.CLAIMED)
    now = timezone.now()
    callback.attempts += 1
    callback.first_called_at = callback.first_called_at or now
    callback.ticket_id = callback.ticket_id or ticket_id
    _move(callback, CallbackState.WAITING if outcome in NOT_REACHED else CallbackState.DONE)
    callback.claimed_by = callback.claimed_at = None
    callback.next_due = callback_next_due(callback)
    callback.save()
    return callback
