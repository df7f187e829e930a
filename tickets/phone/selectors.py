"""Reads of the phone pages, with the one access check per model."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from support.roles import is_staff_member
from tickets.models import Ticket
from tickets.phone.models import CallbackRequest, CallRecord, CustomerPhone

QUEUE_SIZE = 100
CALLS_SHOWN = 50


def call_get_for_user(*, user: AbstractBaseUser, pk: int) -> CallRecord:
    """A call staff may see: one not linked yet, or one on a ticket they may see."""
    if not is_staff_member(user):
        raise Http404
    visible = Q(ticket__isnull=True) | Q(ticket__in=Ticket.objects.visible_to(user))
    return get_object_or_404(CallRecord.objects.filter(visible), pk=pk)


def callback_get_for_staff(*, user: AbstractBaseUser, pk: int) -> CallbackRequest:
    if not is_staff_member(user):
        raise Http404
    return get_object_or_404(
        CallbackRequest.objects.select_related("customer", "ticket", "claimed_by"), pk=pk
    )


def callback_open_for_customer(customer: AbstractBaseUser) -> CallbackRequest | None:
    return CallbackRequest.objects.open().filter(customer=customer).order_by("-id").first()


def callback_queue() -> list[CallbackRequest]:
    """Open requests, security incidents first, then the earliest due (index callback_queue)."""
    return list(
        CallbackRequest.objects.open()
        .queue_order()
        .select_related("customer", "claimed_by")[:QUEUE_SIZE]
    )


def callbacks_recently_closed() -> list[CallbackRequest]:
    return list(
        CallbackRequest.objects.exclude(closed_at=None)
        .select_related("customer", "ticket")
        .order_by("-closed_at")[:20]
    )


def calls_unlinked() -> list[CallRecord]:
    return list(
        CallRecord.objects.filter(ticket__isnull=True)
        .select_related("agent", "provider", "callback")
        .order_by("-id")[:CALLS_SHOWN]
    )


def calls_recent(user: AbstractBaseUser) -> list[CallRecord]:
    return list(
        CallRecord.objects.filter(ticket__in=Ticket.objects.visible_to(user))
        .select_related("agent", "ticket")
        .order_by("-id")[:CALLS_SHOWN]
    )


def calls_of_ticket(ticket: Ticket) -> list[CallRecord]:
    return list(ticket.calls.select_related("agent").order_by("-id")[:20])


def customer_last_number(customer: AbstractBaseUser) -> str:
    """The number we last learnt for `customer` ("" when none), to prefill a call's form."""
    row = CustomerPhone.objects.filter(customer=customer).order_by("-id").first()
    return row.number if row else ""
