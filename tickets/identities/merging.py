"""Merging two customers into one, and undoing it (docs/channels.md, "One customer across
channels").

A merge gives customer B's tickets, chats, complaints and identities to customer A, links B's
own handles (their email address, their Telegram or social id) to A so that B's next message files
under A, and deactivates B. It writes one `CustomerMerge` row and one `customer_merged` audit
row, both naming what moved by id; an unmerge moves exactly those rows back (what is still
A's), removes the links it made and reactivates B (`customer_unmerged`).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from support.audit import audit_record
from support.audit_models import AuditAction
from support.roles import is_staff_member
from tickets.identities.handles import channel_account_handle
from tickets.identities.models import CustomerIdentity, CustomerMerge, IdentityKind, VerifiedBy
from tickets.identities.registry import customer_movers, move_rows
from tickets.models import Ticket

AUDIT_IDS_MAX = 50  # ids per kind in the audit row; the merge row keeps them all


class MergeRefused(Exception):
    """A refusal the agent reads (translated)."""


def customer_merge(
    *, kept: AbstractBaseUser, merged: AbstractBaseUser, by: AbstractBaseUser, reason: str
) -> CustomerMerge:
    """Merge customer `merged` into `kept`, all or nothing."""
    reason = reason.strip()
    if not reason:
        raise MergeRefused(_("Write why these customers are one person."))
    with transaction.atomic():
        kept, merged = _locked(kept.pk, merged.pk)
        _refuse(kept, merged)
        # Codes the kept customer is waiting for would clash with the links moving in; they
        # can ask again.
        CustomerIdentity.objects.filter(customer=kept, verified_at__isnull=True).delete()
        moved = {"tickets": move_rows(Ticket.objects.all(), source=merged, target=kept, ids=None)}
        for key, mover in customer_movers().items():
            moved[key] = mover(merged, kept, None)
        moved["identities"] = _move_identities(merged, kept, ids=None)
        moved["links"] = _link_own_handles(merged, kept)
        merged.is_active = False
        merged.save(update_fields=["is_active"])
        merge = CustomerMerge.objects.create(
            kept=kept, merged=merged, by=by, reason=reason, moved=moved
        )
        audit_record(
            AuditAction.CUSTOMER_MERGED,
            actor=by,
            target=merged,
            customer=kept,
            detail={"merge": merge.pk, "into": kept.pk, "moved": _ids_for_audit(moved)},
        )
    return merge


def customer_unmerge(*, merge: CustomerMerge, by: AbstractBaseUser) -> CustomerMerge:
    """Move back exactly what `merge` moved (what the kept customer still has), remove the
    links it made and reactivate the merged customer."""
    with transaction.atomic():
        merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise MergeRefused(_("This merge was undone already."))
        kept, merged = _locked(merge.kept_id, merge.merged_id)
        moved = merge.moved
        back = {
            "tickets": move_rows(
                Ticket.objects.all(), source=kept, target=merged, ids=moved.get("tickets", [])
            )
        }
        for key, mover in customer_movers().items():
            back[key] = mover(kept, merged, moved.get(key, []))
        back["identities"] = _move_identities(kept, merged, ids=moved.get("identities", []))
        CustomerIdentity.objects.filter(pk__in=moved.get("links", []), customer=kept).delete()
        merged.is_active = True
        merged.save(update_fields=["is_active"])
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        audit_record(
            AuditAction.CUSTOMER_UNMERGED,
            actor=by,
            target=merged,
            customer=kept,
            detail={"merge": merge.pk, "from": kept.pk, "moved": _ids_for_audit(back)},
        )
    return merge


def _locked(*pks: int) -> list:
    """The customers, locked in id order (two merges of the same pair cannot deadlock)."""
    users = get_user_model().objects.select_for_update().filter(pk__in=pks)
    found = {user.pk: user for user in users.order_by("pk")}
    return [found[pk] for pk in pks]


def _refuse(kept: AbstractBaseUser, merged: AbstractBaseUser) -> None:
    if kept.pk == merged.pk:
        raise MergeRefused(_("A customer cannot be merged into themselves."))
    if is_staff_member(kept) or is_staff_member(merged):
        raise MergeRefused(_("Staff accounts are not merged."))
    if CustomerMerge.objects.filter(
        merged__in=[kept, merged], undone_at__isnull=True
    ).exists() or not (kept.is_active and merged.is_active):
        raise MergeRefused(_("One of these customers was merged already: undo that merge first."))


def _move_identities(source, target, *, ids: list[int] | None) -> list[int]:
    """The verified links (a code waiting for its handle stays where it was asked)."""
    verified = CustomerIdentity.objects.filter(verified_at__isnull=False)
    return move_rows(verified, source=source, target=target, ids=ids)


def _link_own_handles(merged: AbstractBaseUser, kept: AbstractBaseUser) -> list[int]:
    """Links on `kept` for the merged account's own address and the Telegram or social id it
    was made for, so that their next message files under `kept`; the ids of those made (none
    already linked)."""
    handles = []
    if merged.email:
        handles.append((IdentityKind.EMAIL, merged.email.lower()))
    own = channel_account_handle(merged.username)
    if own is not None:
        handles.append(own)
    made = []
    for kind, value in handles:
        if CustomerIdentity.objects.filter(kind=kind, value=value, verified_at__isnull=False):
            continue
        identity = CustomerIdentity.objects.create(
            customer=kept,
            kind=kind,
            value=value,
            verified_at=timezone.now(),
            verified_by=VerifiedBy.MERGE,
        )
        made.append(identity.pk)
    return made


def _ids_for_audit(moved: dict[str, list[int]]) -> dict:
    return {key: ids[:AUDIT_IDS_MAX] for key, ids in moved.items()}
