"""Reads: whose is a handle, and a customer's identities and channels for the customer 360."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from support.models import CustomerProfile
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


def customer_with_profile_for_handle(*, kind: str, value: str, username: str):
    """customer_for_handle(User.objects.select_related("customer_profile"), ...) in plain
    SQL: every inbound email asks, and building the ORM's query (a subquery in an OR) cost
    six times reading the row (0.55 ms of CPU against 0.09). The person and their profile are
    made from the row as the ORM makes them (`from_db`)."""
    sql, user_names, profile_names = _customer_with_profile_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, value, username])
        rows = cursor.fetchall()
    if not rows:
        return None
    username_at = user_names.index("username")
    row = min(rows, key=lambda row: row[username_at] == username)  # the linked one first
    user = get_user_model().from_db(connection.alias, user_names, row[: len(user_names)])
    profile = row[len(user_names) :]
    if profile[0] is not None:  # the join found a profile
        user.customer_profile = CustomerProfile.from_db(connection.alias, profile_names, profile)
    else:  # known to have none, as select_related() leaves it: reading it asks nothing
        user._meta.get_field("customer_profile").set_cached_value(user, None)
    return user


@functools.cache
def _customer_with_profile_query() -> tuple[str, list[str], list[str]]:
    """The statement, and the attribute names of the person's and the profile's columns in
    it, made from the models (their fields need no conversion from what the driver returns)."""
    user_fields = get_user_model()._meta.concrete_fields
    profile_fields = CustomerProfile._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = [f"u.{quote(field.column)}" for field in user_fields]
    columns += [f"p.{quote(field.column)}" for field in profile_fields]
    users = quote(get_user_model()._meta.db_table)
    sql = (
        f"SELECT {', '.join(columns)} FROM {users} u"  # noqa: S608 - model names
        f" LEFT JOIN {quote(CustomerProfile._meta.db_table)} p ON p.user_id = u.id"
        f" WHERE u.id = (SELECT customer_id FROM {quote(CustomerIdentity._meta.db_table)}"
        "   WHERE kind = %s AND value = %s AND verified_at IS NOT NULL LIMIT 1)"
        " OR u.username = %s LIMIT 2"
    )
    return (
        sql,
        [field.attname for field in user_fields],
        [field.attname for field in profile_fields],
    )


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
