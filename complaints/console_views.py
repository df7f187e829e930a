"""The complaints console: the queue, a complaint's page and its files, and the form an agent
uses to raise a complaint from a ticket. Each action on a complaint is its own view, in
`complaints.console_actions`.

Complaint officers, appeal reviewers and supervisors use the console; anyone else signed in
gets 403, and a visitor is sent to log in. Which complaint a person may read is decided by
`complaints.selectors.complaint_get_for_user`.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.console_context import page_context
from complaints.console_forms import QueueFilterForm, RaiseComplaintForm, Tab
from complaints.console_queue import (
    Cursor,
    InvalidCursor,
    QueueFilters,
    labelled,
    queue_page,
)
from complaints.errors import ComplaintInvalid
from complaints.models import Category, Complaint, Source
from complaints.selectors import complaint_get_for_user, is_complaints_staff
from complaints.services import complaint_submit
from support.downloads import file_download
from support.error_views import error_response
from support.taxonomy import Language
from tickets.selectors import ticket_get_for_user


def complaints_staff(view: Callable) -> Callable:
    """Complaints staff only: a visitor logs in first, anyone else gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_complaints_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return error_response(request, 400, "bad_request", message)


# --- The queue -------------------------------------------------------------------------------


@complaints_staff
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    if not form.is_valid():
        return bad_request(request, _("Choose the filters from their lists."))
    filters = form.cleaned_data
    tab = filters["tab"] or default_tab(request.user)
    try:
        after = Cursor.parse(filters["after"])
    except InvalidCursor:
        return bad_request(request, _("This page of the queue does not exist; start again."))
    chosen = QueueFilters(tab=tab, category=filters["category"], language=filters["language"])
    rows, next_cursor = queue_page(user=request.user, filters=chosen, after=after)
    labelled(rows, timezone.now())
    narrowed = {key: filters[key] for key in ("category", "language") if filters[key]}
    context = {
        "tab": tab,
        "tab_label": dict(Tab.CHOICES)[tab],
        "tabs": [
            {"key": key, "label": label, "url": "?" + urlencode({"tab": key, **narrowed})}
            for key, label in Tab.CHOICES
        ],
        "rows": rows,
        "filters": filters,
        "narrowed": bool(narrowed),
        "next_url": _page_url(tab, narrowed, next_cursor),
        "categories": Category.choices,
        "languages": Language.choices,
        "console_section": "complaints",
    }
    return render(request, "complaints/console/queue.html", context)


def default_tab(user: AbstractBaseUser) -> str:
    """Appeal reviewers start on the appeals, everyone else on the new complaints."""
    if user.has_perm("support.review_appeals") and not user.has_perm("support.handle_complaints"):
        return Tab.APPEALS
    return Tab.NEW


def _page_url(tab: str, narrowed: dict, cursor: Cursor | None) -> str:
    if cursor is None:
        return ""
    return "?" + urlencode({"tab": tab, **narrowed, "after": str(cursor)})


# --- A complaint -----------------------------------------------------------------------------


@complaints_staff
def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    found = complaint_get_for_user(user=request.user, reference=reference)
    return complaint_page(request, found)


def complaint_page(
    request: HttpRequest, found: Complaint, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The page, with `bound` forms as posted when an action was refused."""
    context = page_context(request.user, found, bound)
    return render(request, "complaints/console/complaint.html", context, status=status)


@complaints_staff
def attachment(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    found = complaint_get_for_user(user=request.user, reference=reference)
    file = get_object_or_404(found.attachments, pk=pk)
    return file_download(
        file.file.open("rb"), filename=file.filename, content_type=file.content_type
    )


# --- Raised from a ticket --------------------------------------------------------------------


@permission_required("support.use_console", raise_exception=True)
def raise_from_ticket(request: HttpRequest, ticket_reference: str) -> HttpResponse:
    """An agent files a complaint for the ticket's customer, the ticket linked; the complaints
    team takes it from there (agents cannot read complaints)."""
    ticket = ticket_get_for_user(user=request.user, reference=ticket_reference)
    form = RaiseComplaintForm(request.POST or None, initial={"language": ticket.language})
    if request.method == "POST" and form.is_valid():
        try:
            filed = complaint_submit(
                customer=ticket.customer,
                source=Source.TICKET,
                raised_by=request.user,
                ticket_references=[ticket.reference],
                **form.cleaned_data,
            )
        except ComplaintInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Complaint %(reference)s was raised for the customer; the complaints team "
                    "has it now."
                )
                % {"reference": filed.reference},
            )
            return redirect("tickets_console:ticket", reference=ticket.reference)
    context = {"form": form, "ticket": ticket, "console_section": "tickets"}
    status = 400 if form.errors else 200
    return render(request, "complaints/console/raise.html", context, status=status)
