"""Reads of the inbox: the tickets of a view, a page of them, and capped counts for the side list.

Every read starts from Ticket.objects.visible_to(user), so a restricted team's tickets never
reach an outsider's view, count or search. Lists walk the queue indexes newest first (keyset
pagination); counts never COUNT(*) a large table (see `capped_counts`), and are asked for by
the page once it is shown, so they never hold the list up.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from support.models import Team
from tickets.inbox.filters import LISTED_SCOPES, InboxFilters, Scope, filters_from_json
from tickets.models import OPEN_STATUSES, SavedView, Status, Ticket

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
COUNT_CAP = 100  # a view holding more shows "99+"
COUNT_TIMEOUT_MS = 150  # the counts give up (and show no number) rather than take longer
SOON = timedelta(hours=1)


def inbox_tickets(
    *,
    filters: InboxFilters,
    user: AbstractBaseUser,
    now: datetime | None = None,
    visible: QuerySet[Ticket] | None = None,
) -> QuerySet[Ticket]:
    """The tickets of one inbox view for `user`, newest first, unpaginated (a lazy queryset).
    `visible` is Ticket.objects.visible_to(user) when the caller has it already."""
    tickets = Ticket.objects.visible_to(user) if visible is None else visible
    if filters.status:
        tickets = tickets.filter(status__in=filters.status)
    elif filters.view != Scope.SEARCH:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    tickets = _scoped(tickets, view=filters.view, user=user, now=now or timezone.now())
    if filters.q:
        tickets = _matching(tickets, filters.q)
    for name in ("language", "channel", "category", "priority", "team"):
        if getattr(filters, name):
            tickets = tickets.filter(**{f"{name}__in": getattr(filters, name)})
    if filters.tag:
        tickets = tickets.filter(tags__contains=list(filters.tag))
    return tickets.order_by("-id")


def _scoped(tickets: QuerySet, *, view: str, user: AbstractBaseUser, now: datetime) -> QuerySet:
    if view == Scope.MINE:
        return tickets.filter(assignee=user)
    if view == Scope.TEAM:
        return tickets.filter(team__in=my_team_ids(user))
    if view == Scope.UNASSIGNED:
        return tickets.filter(assignee__isnull=True)
    if view == Scope.BREACHING:
        return _due_by(tickets, now + SOON)
    if view == Scope.BREACHED:
        return _due_by(tickets, now)
    if view == Scope.CHATS:
        return tickets.none()  # the chats come from the chat app (support.registry)
    return tickets  # all open, or search (any status)


def my_team_ids(user: AbstractBaseUser) -> list[int]:
    """The ids of the agent's teams, read once per request (kept on the user object). As
    values, not a subquery, they let PostgreSQL estimate each team's share of the tickets and
    choose its plan accordingly."""
    cached = getattr(user, "_inbox_team_ids", None)
    if cached is None:
        cached = list(Team.objects.filter(agents__user=user).values_list("pk", flat=True))
        user._inbox_team_ids = cached
    return cached


def _due_by(tickets: QuerySet, moment: datetime) -> QuerySet:
    """Tickets with an SLA target due at or before `moment` (overdue ones included), clocks
    running (a ticket waiting on the customer or on hold is not breaching)."""
    return tickets.filter(
        Q(first_response_due__lte=moment, first_responded_at__isnull=True)
        | Q(next_response_due__lte=moment)
        | Q(resolution_due__lte=moment)
    ).exclude(status__in=[Status.PENDING, Status.ON_HOLD])


def _matching(tickets: QuerySet, query: str) -> QuerySet:
    """A reference finds that ticket, an address the customer's tickets, other text the
    subjects and messages that contain it."""
    if query.upper().startswith("T-"):
        return tickets.filter(reference=query.upper())
    if "@" in query:
        return tickets.filter(customer__email__iexact=query)
    text = Q(subject__icontains=query) | Q(messages__body__icontains=query)
    return tickets.filter(text).distinct()


def inbox_page(tickets: QuerySet[Ticket], *, before: int | None) -> list[Ticket]:
    """One page (newest first) after the keyset `before` (the last id of the previous page)."""
    if before:
        tickets = tickets.filter(id__lt=before)
    tickets = tickets.select_related("customer", "assignee", "team")
    return list(tickets.order_by("-id")[:PAGE_SIZE])


def inbox_counts(
    *, user: AbstractBaseUser, saved_views: Iterable[SavedView], now: datetime | None = None
) -> dict[str, int | None]:
    """The side list's counts for `user`: each listed scope ("scope:<key>") and each saved view
    ("saved:<id>"), capped, in one statement. When that takes too long (a saved view whose few
    matches are spread over many tickets), a second statement counts the listed scopes alone,
    which their indexes always serve, and the saved views show no number."""
    now = now or timezone.now()
    visible = Ticket.objects.visible_to(user)
    scopes = {
        f"scope:{scope}": inbox_tickets(
            filters=InboxFilters(view=scope), user=user, now=now, visible=visible
        )
        for scope in LISTED_SCOPES
    }
    saved = {
        f"saved:{view.pk}": inbox_tickets(
            filters=filters_from_json(view.filters), user=user, now=now, visible=visible
        )
        for view in saved_views
    }
    counts = capped_counts({**scopes, **saved})
    if saved and None in counts.values():
        counts = {**capped_counts(scopes), **dict.fromkeys(saved)}
    return counts


def capped_counts(views: dict[str, QuerySet]) -> dict[str, int | None]:
    """How many tickets each view holds, up to COUNT_CAP, in one statement.

    Each count reads at most COUNT_CAP rows off its view's index, whatever the table's size.
    A view whose few matches are spread over a large table (a rare filter on closed tickets)
    could still read much of it, so the statement runs under a short timeout and a view that
    cannot be counted in time shows no number (None) instead of slowing the page down. The
    savepoint is always rolled back, which also undoes the SET LOCAL inside a surrounding
    transaction.
    """
    if not views:
        return {}
    parts, params = [], []
    for tickets in views.values():
        sql, values = tickets.order_by().values("pk")[:COUNT_CAP].query.sql_with_params()
        # Django's own compiled SQL; every value stays a parameter.
        parts.append(f"(SELECT count(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(values)
    row = None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # No JIT: the statement's estimated cost (many subqueries) passes PostgreSQL's JIT
            # threshold, and compiling it took ~0.5 s here, longer than running it, and cannot
            # be interrupted by the timeout.
            cursor.execute(
                f"SET LOCAL statement_timeout = {int(COUNT_TIMEOUT_MS)}; SET LOCAL jit = off"
            )
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
            transaction.set_rollback(True)
    except OperationalError:
        logger.info("Inbox counts took longer than %s ms; shown without numbers", COUNT_TIMEOUT_MS)
    if row is None:
        return dict.fromkeys(views)
    return dict(zip(views, row, strict=True))
