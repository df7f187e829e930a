"""The inbox pages of the console: views and filters, saved views, bulk actions, customers."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from support.error_views import error_response
from support.models import Team
from support.registry import inbox_entries
from tickets.customer360 import PANEL_TITLES, customer_360
from tickets.identities.selectors import customer_links
from tickets.inbox import bulk, customers, saved
from tickets.inbox import selectors as inbox_selectors
from tickets.inbox.filters import (
    LISTED_SCOPES,
    InboxFilters,
    InvalidFilters,
    Scope,
    TagsField,
    database_id,
    filters_from_json,
    filters_from_query,
)
from tickets.inbox.selectors import inbox_page, inbox_tickets
from tickets.models import Channel, Priority, SavedView, Status, Ticket
from tickets.selectors import ticket_get_for_user

console = permission_required("support.use_console", raise_exception=True)
CHAT_VIEWS = (Scope.MINE, Scope.CHATS)
AGENTS_LISTED = 500


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return error_response(request, 400, "bad_request", message)


# --- The inbox ----------------------------------------------------------------------------------


@console
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        filters, current = _requested_filters(request)
    except InvalidFilters as error:
        return bad_request(request, str(error))
    before = request.GET.get("before", "")
    now = timezone.now()
    tickets = inbox_page(
        inbox_tickets(filters=filters, user=request.user, now=now),
        before=_keyset(before),
    )
    labelled(tickets)
    views = saved.saved_views_for(request.user)
    context = {
        "filters": filters,
        "current": current,
        "editable": current is not None and _may_edit(request, current),
        "title": current.name if current else Scope(filters.view).label,
        "tickets": tickets,
        "next_before": tickets[-1].pk if len(tickets) == inbox_selectors.PAGE_SIZE else None,
        "base_query": _base_query(request, filters, current),
        "filter_pairs": _pairs(filters),
        "now": now,
        **_side_list(request, filters, current, views),
        **_choices(),
        "may_share": saved.may_share(request.user),
        "console_section": "tickets",
    }
    return render(request, "tickets/console/inbox.html", context)


LABELLED_FIELDS = ("status", "priority", "language", "channel")


def labelled(tickets: list[Ticket]) -> None:
    """Each row's labels and links (`ticket.labels.status`, `ticket.urls.customer`), worked out
    once per page: get_FOO_display hashes every choice of the field for every row, and a
    reverse() per link adds up over a page of rows."""
    labels = {
        name: {value: str(label) for value, label in Ticket._meta.get_field(name).flatchoices}
        for name in LABELLED_FIELDS
    }
    ticket_url = reverse("tickets_console:queue") + "{}/"  # tickets_console:ticket
    customer_url = reverse("customers:list") + "{}/"  # customers:detail
    for ticket in tickets:
        ticket.labels = {name: labels[name].get(getattr(ticket, name), "") for name in labels}
        ticket.urls = {
            "ticket": ticket_url.format(ticket.reference),
            "customer": customer_url.format(ticket.customer_id),
        }


def _keyset(value: str) -> int | None:
    """The `before` of a page: an id, or nothing (a number no id can reach is not a 500)."""
    return database_id(value)


def _requested_filters(request: HttpRequest) -> tuple[InboxFilters, SavedView | None]:
    """A saved view's filters (`?saved=<id>`), unless the page sent its own (`view=…`)."""
    pk = request.GET.get("saved", "")
    pk = database_id(pk) if pk else None
    current = saved.saved_view_get_for_user(user=request.user, pk=pk) if pk else None
    if current is not None and "view" not in request.GET:
        return filters_from_json(current.filters), current
    return filters_from_query(request.GET), current


def _base_query(request: HttpRequest, filters: InboxFilters, current: SavedView | None) -> str:
    """The query string of this view, for its next page and the live re-fetch."""
    if current is not None and "view" not in request.GET:
        return f"saved={current.pk}"
    return filters.querystring()


def _pairs(filters: InboxFilters) -> list[tuple[str, str]]:
    """The filters as form fields (name, value), for the forms that save them."""
    return [
        (name, str(value))
        for name, values in filters.as_json().items()
        for value in (values if isinstance(values, list) else [values])
    ]


def _may_edit(request: HttpRequest, view: SavedView) -> bool:
    return saved.may_share(request.user) if view.shared else view.owner_id == request.user.pk


def _side_list(request: HttpRequest, filters: InboxFilters, current, views) -> dict:
    """The views (their counts come from `inbox_counts`, asked for by the page once shown), and
    the chats (one query per chat app)."""
    chats = inbox_entries(request.user)
    return {
        "scopes": [
            {
                "key": scope,
                "label": scope.label,
                "current": current is None and filters.view == scope and not filters.narrowed,
            }
            for scope in LISTED_SCOPES
        ],
        "saved_views": [
            {"view": view, "current": current is not None and view.pk == current.pk}
            for view in views
        ],
        "chats": chats if filters.view in CHAT_VIEWS else [],
        "chat_queue": len([entry for entry in chats if entry["group"] == "queue"]),
        "chat_mine": len([entry for entry in chats if entry["group"] == "mine"]),
    }


@console
def inbox_counts(request: HttpRequest) -> JsonResponse:
    """The side list's counts, capped ("99+"; "" for one that could not be counted in time)."""
    views = saved.saved_views_for(request.user)
    counts = inbox_selectors.inbox_counts(user=request.user, saved_views=views)
    return JsonResponse({"counts": {key: count_label(count) for key, count in counts.items()}})


def count_label(count: int | None) -> str:
    """A side-list count: capped ("99+"), or empty when it could not be counted in time."""
    if count is None:
        return ""
    cap = inbox_selectors.COUNT_CAP
    return f"{cap - 1}+" if count >= cap else str(count)


def _choices() -> dict:
    agents = get_user_model().objects.filter(agent_profile__isnull=False).order_by("email")
    return {
        "teams": list(Team.objects.order_by("name")),
        "agents": list(agents[:AGENTS_LISTED]),
        "languages": Ticket._meta.get_field("language").choices,
        "channels": Channel.choices,
        "categories": Ticket._meta.get_field("category").choices,
        "priorities": Priority.choices,
        "statuses": Status.choices,
    }


# --- Saved views --------------------------------------------------------------------------------


def saved_action(view: Callable) -> Callable:
    """POST-only: the filters sent with the form; a refusal is a message, then back."""

    @wraps(view)
    @console
    @require_POST
    def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
        try:
            filters = filters_from_query(request.POST)
        except InvalidFilters as error:
            return bad_request(request, str(error))
        try:
            return view(request, filters, **kwargs)
        except saved.SavedViewRefused as error:
            messages.error(request, str(error))
            return redirect(_back(request))

    return wrapper


@saved_action
def saved_view_create(request: HttpRequest, filters: InboxFilters) -> HttpResponse:
    view = saved.saved_view_create(
        owner=request.user,
        name=request.POST.get("name", ""),
        filters=filters,
        shared=request.POST.get("shared") == "on",
    )
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect(f"{reverse('tickets_console:queue')}?saved={view.pk}")


@saved_action
def saved_view_update(request: HttpRequest, filters: InboxFilters, pk: int) -> HttpResponse:
    view = saved.saved_view_get_for_edit(user=request.user, pk=pk)
    saved.saved_view_update(
        view=view,
        by=request.user,
        name=request.POST.get("name", view.name),
        filters=filters,
        shared=request.POST.get("shared") == "on",
    )
    messages.success(request, _("Updated the view “%(name)s”.") % {"name": view.name})
    return redirect(f"{reverse('tickets_console:queue')}?saved={view.pk}")


@console
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = saved.saved_view_get_for_edit(user=request.user, pk=pk)
    saved.saved_view_delete(view=view, by=request.user)
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
    return redirect("tickets_console:queue")


# --- Bulk actions -------------------------------------------------------------------------------


def bulk_action(view: Callable) -> Callable:
    """POST-only bulk action on the selected rows (`tickets`: "T-001000:<version>"). The view
    returns the outcome and a function writing the sentence for what changed; each refusal is
    listed with its reason."""

    @wraps(view)
    @console
    @require_POST
    def wrapper(request: HttpRequest) -> HttpResponse:
        try:
            selection = bulk.parse_selection(request.POST.getlist("tickets"))
            outcome, sentence = view(request, selection)
        except bulk.BulkInvalid as error:
            return bad_request(request, str(error))
        if outcome.changed:
            messages.success(request, sentence(", ".join(outcome.changed), len(outcome.changed)))
        for reference, reason in outcome.refused:
            messages.error(
                request,
                _("%(reference)s not changed: %(reason)s")
                % {"reference": reference, "reason": reason},
            )
        return redirect(_back(request))

    return wrapper


def _back(request: HttpRequest) -> str:
    """The inbox page the form was sent from (only an inbox page of this site)."""
    target = request.POST.get("next", "")
    inbox_path = reverse("tickets_console:queue")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if safe and target.startswith(inbox_path) else inbox_path


@bulk_action
def bulk_assign(request: HttpRequest, selection: list) -> tuple:
    """To an agent, or "none" (nobody); and to a team when one is chosen. A team alone puts
    the tickets in that team's queue, unassigned."""
    agent_id, team_id = request.POST.get("assignee", ""), request.POST.get("team", "")
    if not agent_id and not team_id:
        raise bulk.BulkInvalid(_("Choose an agent or a team."))
    agents = get_user_model().objects.filter(agent_profile__isnull=False)
    agent = agents.filter(pk=database_id(agent_id)).first() if database_id(agent_id) else None
    team = Team.objects.filter(pk=database_id(team_id)).first() if database_id(team_id) else None
    if (agent is None and agent_id not in ("", "none")) or (team is None and team_id):
        raise bulk.BulkInvalid(_("Choose an agent and a team from the lists."))
    outcome = bulk.bulk_assign(user=request.user, selection=selection, agent=agent, team=team)

    def sentence(references: str, count: int) -> str:
        if agent is None:
            return ngettext(
                "%(references)s is now unassigned.", "%(references)s are now unassigned.", count
            ) % {"references": references}
        return ngettext(
            "%(references)s assigned to %(agent)s.", "%(references)s assigned to %(agent)s.", count
        ) % {"references": references, "agent": agent.email}

    return outcome, sentence


@bulk_action
def bulk_tag(request: HttpRequest, selection: list) -> tuple:
    field = TagsField(required=False)
    try:
        add = field.clean(request.POST.get("add_tags", ""))
        remove = field.clean(request.POST.get("remove_tags", ""))
    except ValidationError as error:
        raise bulk.BulkInvalid(" ".join(error.messages)) from None
    if not add and not remove:
        raise bulk.BulkInvalid(_("Write the tags to add or to remove."))
    outcome = bulk.bulk_tag(user=request.user, selection=selection, add=add, remove=remove)
    return (
        outcome,
        lambda references, count: (
            ngettext("Tags changed on %(references)s.", "Tags changed on %(references)s.", count)
            % {"references": references}
        ),
    )


@bulk_action
def bulk_status(request: HttpRequest, selection: list) -> tuple:
    status = request.POST.get("status", "")
    if status not in Status.values:
        raise bulk.BulkInvalid(_("Choose a status from the list."))
    outcome = bulk.bulk_status(user=request.user, selection=selection, status=status)
    label = Status(status).label
    return (
        outcome,
        lambda references, count: (
            ngettext(
                "%(references)s is now %(status)s.", "%(references)s are now %(status)s.", count
            )
            % {"references": references, "status": label}
        ),
    )


@bulk_action
def bulk_merge(request: HttpRequest, selection: list) -> tuple:
    """Into the ticket named, else into the oldest selected one."""
    named = request.POST.get("into", "").strip().upper()
    into = (
        _ticket_named(request, named)
        if named
        else bulk.merge_target(user=request.user, selection=selection)
    )
    if into is None:
        raise bulk.BulkInvalid(_("None of the selected tickets is one you may see."))
    if not into.is_open:
        raise bulk.BulkInvalid(
            _("%(reference)s is closed; merge into an open ticket.") % {"reference": into.reference}
        )
    outcome = bulk.bulk_merge(user=request.user, selection=selection, into=into)
    return (
        outcome,
        lambda references, count: (
            ngettext(
                "Merged %(references)s into %(into)s.",
                "Merged %(references)s into %(into)s.",
                count,
            )
            % {"references": references, "into": into.reference}
        ),
    )


@bulk_action
def bulk_link_incident(request: HttpRequest, selection: list) -> tuple:
    incident = _ticket_named(request, request.POST.get("incident", "").strip().upper())
    outcome = bulk.bulk_link_incident(user=request.user, selection=selection, incident=incident)
    return (
        outcome,
        lambda references, count: (
            ngettext(
                "Linked %(references)s to the incident %(incident)s.",
                "Linked %(references)s to the incident %(incident)s.",
                count,
            )
            % {"references": references, "incident": incident.reference}
        ),
    )


def _ticket_named(request: HttpRequest, reference: str) -> Ticket:
    """A ticket the form names (a merge target, an incident) that the agent may see."""
    if not reference:
        raise bulk.BulkInvalid(_("Write the reference of the ticket (T-…)."))
    try:
        return ticket_get_for_user(user=request.user, reference=reference)
    except Http404:
        raise bulk.BulkInvalid(
            _("No ticket %(reference)s that you may see.") % {"reference": reference}
        ) from None


# --- Customers ----------------------------------------------------------------------------------


@console
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    context = {
        "q": query,
        "results": customers.customer_search(user=request.user, query=query),
        "console_section": "customers",
    }
    return render(request, "tickets/console/customers.html", context)


@console
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customers.customer_get_for_user(user=request.user, pk=pk)
    before = request.GET.get("before", "")
    rows = customers.customer_tickets(customer=customer, user=request.user, before=_keyset(before))
    panel = customer_360(customer, user=request.user)
    panels = dict(panel["panels"])  # keyed by heading, in the agent's language
    panels.pop(str(PANEL_TITLES["tickets"]), None)  # listed in full on this page
    chats = panels.pop(str(PANEL_TITLES["chats"]), None)
    context = {
        "customer": customer,
        "panel": panel,
        "chats": chats,
        "complaints": panels.pop(str(PANEL_TITLES["complaints"]), None),
        "other_panels": panels,
        "tickets": rows,
        "next_before": rows[-1].pk if len(rows) == inbox_selectors.PAGE_SIZE else None,
        "channels": customers.customer_channels(
            customer=customer, user=request.user, chats=bool(chats)
        ),
        "now": timezone.now(),
        "console_section": "customers",
        **customer_links(customer, tickets=rows, chats=chats),
    }
    return render(request, "tickets/console/customer.html", context)
