"""Reads: whose is a handle, and a customer's identities and channels for the customer 360."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from tickets.identities.handles import channel_account_handle, masked
from tickets.identities.models import CustomerIdentity, CustomerMerge, IdentityKind, VerifiedBy


def customer_for_handle(users: QuerySet, *, kind: str, value: str, username: str):
    """The customer a verified identity links `value` to, else the account named `username`
    (the channel's own), else None: one statement, on the two unique indexes."""
    linked = CustomerIdentity.objects.filter(
        kind=kind, value=value, verified_at__isnull=False
    ).values("customer_id")[:1]
    found = list(users.filter(Q(pk=Subquery(linked)) | Q(username=username))[:2])
    if not found:
        return None
    return min(found, key=lambda user: user.username == username)  # the linked one first


def identity_get_for_customer(*, customer: AbstractBaseUser, pk: int) -> CustomerIdentity:
    """One of the customer's verified links; 404 for a missing one and another's alike."""
    identity = CustomerIdentity.objects.filter(
        pk=pk, customer=customer, verified_at__isnull=False
    ).first()
    if identity is None:
        raise Http404
    return identity


def customer_identities(customer: AbstractBaseUser) -> list[dict]:
    """Rows for the 360 and the portal: the account's own email, the channel user the account
    was made for (a Telegram or social id), then each linked handle (with its `pk`), masked."""
    rows = []
    if customer.email:
        rows.append(
            {
                "pk": None,
                "kind": IdentityKind.EMAIL.label,
                "value": masked(IdentityKind.EMAIL, customer.email.lower()),
                "verified_at": customer.date_joined,
                "how": _("The account's own address"),
            }
        )
    own = channel_account_handle(customer.username)
    if own is not None:
        rows.append(
            {
                "pk": None,
                "kind": IdentityKind(own[0]).label,
                "value": masked(*own),
                "verified_at": customer.date_joined,
                "how": VerifiedBy.CHANNEL.label,
            }
        )
    for identity in customer.identities.filter(verified_at__isnull=False).order_by("id"):
        rows.append(
            {
                "pk": identity.pk,
                "kind": identity.get_kind_display(),
                "value": masked(identity.kind, identity.label or identity.value),
                "verified_at": identity.verified_at,
                "how": identity.get_verified_by_display(),
            }
        )
    return rows


def merge_of(customer: AbstractBaseUser) -> CustomerMerge | None:
    """The merge (not undone) that merged `customer` into another."""
    return (
        CustomerMerge.objects.filter(merged=customer, undone_at__isnull=True)
        .select_related("kept")
        .first()
    )


def merges_into(customer: AbstractBaseUser) -> list[CustomerMerge]:
    return list(
        CustomerMerge.objects.filter(kept=customer, undone_at__isnull=True)
        .select_related("merged")
        .order_by("-id")
    )


def channel_history(tickets: list, chats: list[dict] | None) -> list[dict]:
    """The customer's tickets (of every channel) and chats in one timeline, newest first."""
    rows = [
        {
            "at": ticket.created_at,
            "channel": ticket.get_channel_display(),
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.get_status_display(),
            "url": f"/console/tickets/{ticket.reference}/",
        }
        for ticket in tickets
    ]
    for chat in chats or []:
        if chat.get("created_at"):
            rows.append({**chat, "at": chat["created_at"], "channel": _("Live chat")})
    return sorted(rows, key=lambda row: row["at"], reverse=True)


def customer_links(customer: AbstractBaseUser, *, tickets: list, chats: list[dict] | None) -> dict:
    """The 360 page's identities, merges and every channel's history."""
    return {
        "identities": customer_identities(customer),
        "merged_into": merge_of(customer),
        "merges": merges_into(customer),
        "history": channel_history(tickets, chats),
    }
