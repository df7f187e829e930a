"""Reads: who may see which complaint, decided here for every entry point.

A customer sees their own complaints; complaint officers, appeal reviewers, supervisors and
administrators see all. Anyone else — agents included — gets 404, the same answer as for a
complaint that does not exist.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from complaints.models import Complaint, ComplaintEvent, ComplaintMessage

STAFF_PERMISSIONS = ("support.handle_complaints", "support.review_appeals", "support.supervise")


def is_complaints_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and any(user.has_perm(p) for p in STAFF_PERMISSIONS)


def complaints_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    if not user.is_authenticated:
        return Complaint.objects.none()
    if is_complaints_staff(user):
        return Complaint.objects.all()
    return Complaint.objects.filter(customer=user)


def complaint_get_for_user(*, user: AbstractBaseUser | AnonymousUser, reference: str) -> Complaint:
    """The complaint if `user` may see it; Http404 for "missing" and "not yours" alike."""
    complaint = (
        complaints_visible_to(user)
        .select_related("customer", "officer", "decided_by")
        .filter(reference=str(reference)[:20])
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def customer_messages(complaint: Complaint) -> QuerySet[ComplaintMessage]:
    """The messages the customer sees: never internal notes."""
    return complaint.messages.filter(kind__in=ComplaintMessage.CUSTOMER_VISIBLE).order_by("id")


def customer_events(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """The events on the customer's timeline: stage moves and remedies, never who did them."""
    return complaint.events.filter(public=True).order_by("id")
