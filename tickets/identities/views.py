"""The customer's linked-accounts page: ask for a code, enter it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.identities.forms import LinkConfirmForm, LinkStartForm
from tickets.identities.handles import InvalidHandle, masked
from tickets.identities.linking import LinkRefused, identity_link_confirm, identity_link_start
from tickets.identities.selectors import customer_identities

TEMPLATE = "tickets/identities/linked.html"


def _page(request: HttpRequest, *, start=None, confirm=None, status: int = 200) -> HttpResponse:
    pending = request.user.identities.filter(verified_at__isnull=True).order_by("-id")
    context = {
        "identities": customer_identities(request.user),
        "pending": [
            {"pk": row.pk, "kind": row.get_kind_display(), "value": masked(row.kind, row.label)}
            for row in pending[:5]
        ],
        "start_form": start or LinkStartForm(),
        "confirm_form": confirm or LinkConfirmForm(),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
def linked(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def link_start(request: HttpRequest) -> HttpResponse:
    form = LinkStartForm(request.POST)
    if not form.is_valid():
        return _page(request, start=form, status=400)
    try:
        identity_link_start(
            customer=request.user,
            kind=form.cleaned_data["kind"],
            handle=form.cleaned_data["handle"],
            language=get_language(),
        )
    except (InvalidHandle, LinkRefused) as error:
        form.add_error(None, str(error))
        return _page(request, start=form, status=getattr(error, "status", 400))
    messages.success(request, _("We sent you a code. Enter it below."))
    return redirect("identities:linked")


@login_required
@require_POST
def link_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    form = LinkConfirmForm(request.POST)
    if not form.is_valid():
        return _page(request, confirm=form, status=400)
    try:
        identity_link_confirm(customer=request.user, pk=pk, code=form.cleaned_data["code"])
    except LinkRefused as error:
        form.add_error(None, str(error))
        return _page(request, confirm=form, status=error.status)
    messages.success(request, _("Linked. Messages from it now reach us as yours."))
    return redirect("identities:linked")
