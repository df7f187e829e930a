"""Saved inbox views: personal ones anyone with the console keeps for themselves, shared ones
(shown to every agent) that only supervisors (support.supervise) create, change or delete.

One way in: `saved_view_get_for_user` (a view that is neither yours nor shared is missing, 404)
and `saved_view_get_for_edit` (a shared view, for anyone but a supervisor, is 403).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tickets.errors import TicketError
from tickets.inbox.filters import MAX_ID, InboxFilters, Scope
from tickets.models import SavedView

MAX_PER_PERSON = 30  # personal views; the side list stays short and its counts one query
MAX_SHARED = 30


class SavedViewRefused(TicketError):
    """A saved view that cannot be stored as asked; the message says why."""


def may_share(user: AbstractBaseUser) -> bool:
    return user.has_perm("support.supervise")


def saved_views_for(user: AbstractBaseUser) -> QuerySet[SavedView]:
    """The side list: shared views, then the person's own."""
    views = SavedView.objects.filter(Q(owner=user) | Q(shared=True))
    return views.order_by("-shared", "position", "name", "id")[: MAX_PER_PERSON + MAX_SHARED]


def saved_view_get_for_user(*, user: AbstractBaseUser, pk: int) -> SavedView:
    """A view `user` may open: their own, or a shared one; Http404 otherwise."""
    views = SavedView.objects.filter(Q(owner=user) | Q(shared=True))
    view = views.filter(pk=pk).first() if pk <= MAX_ID else None
    if view is None:
        raise Http404
    return view


def saved_view_get_for_edit(*, user: AbstractBaseUser, pk: int) -> SavedView:
    """A view `user` may change: their own personal one, or a shared one for supervisors.
    Another person's personal view is missing (404); a shared one is forbidden (403)."""
    view = saved_view_get_for_user(user=user, pk=pk)
    if view.shared and not may_share(user):
        raise PermissionDenied(_("Only supervisors can change a shared view."))
    return view


def _check(*, by: AbstractBaseUser, name: str, filters: InboxFilters, shared: bool) -> str:
    name = " ".join(name.split())[:100]
    if not name:
        raise SavedViewRefused(_("Give the view a name."))
    if shared and not may_share(by):
        raise PermissionDenied(_("Only supervisors can share a view with every agent."))
    if filters.view == Scope.CHATS:
        raise SavedViewRefused(_("The chats cannot be saved as a view of tickets."))
    return name


def saved_view_create(
    *, owner: AbstractBaseUser, name: str, filters: InboxFilters, shared: bool = False
) -> SavedView:
    name = _check(by=owner, name=name, filters=filters, shared=shared)
    with transaction.atomic():
        mine = SavedView.objects.select_for_update().filter(owner=owner, shared=shared)
        limit = MAX_SHARED if shared else MAX_PER_PERSON
        if len(mine.values_list("pk", flat=True)) >= limit:
            raise SavedViewRefused(
                _("You have %(limit)s views already; delete one first.") % {"limit": limit}
            )
        return SavedView.objects.create(
            owner=owner, name=name, filters=filters.as_json(), shared=shared
        )


def saved_view_update(
    *, view: SavedView, by: AbstractBaseUser, name: str, filters: InboxFilters, shared: bool
) -> SavedView:
    """Rename, re-filter or (supervisors) share or unshare a view `by` may edit."""
    name = _check(by=by, name=name, filters=filters, shared=shared or view.shared)
    if view.shared and not shared:
        view.owner = by  # a view taken back from everyone becomes the supervisor's own
    view.name, view.filters, view.shared = name, filters.as_json(), shared
    view.save(update_fields=["name", "filters", "shared", "owner"])
    return view


def saved_view_delete(*, view: SavedView, by: AbstractBaseUser) -> None:
    if view.shared and not may_share(by):
        raise PermissionDenied(_("Only supervisors can change a shared view."))
    view.delete()
