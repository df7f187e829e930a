"""The customer's linked-accounts page: ask for a code and enter it (email, phone, Telegram), or
be shown a code to send us (social channels: social.py); unlink."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from support.official.services import verification_url
from tickets.identities.forms import LinkConfirmForm, LinkStartForm, SocialLinkForm
from tickets.identities.handles import InvalidHandle, masked
from tickets.identities.linking import (
    LinkRefused,
    identity_link_confirm,
    identity_link_start,
    identity_unlink,
)
from tickets.identities.selectors import customer_identities, identity_get_for_customer
from tickets.identities.social import (
    ShownCode,
    social_code_get_for_user,
    social_codes_recent,
    social_link_offers,
    social_link_start,
    social_link_state,
    social_link_state_text,
)

TEMPLATE = "tickets/identities/linked.html"


def _page(
    request: HttpRequest,
    *,
    start=None,
    confirm=None,
    social=None,
    shown: ShownCode | None = None,
    status: int = 200,
) -> HttpResponse:
    pending = request.user.identities.filter(verified_at__isnull=True).order_by("-id")
    offers = social_link_offers(get_language())
    context = {
        "identities": customer_identities(request.user),
        "pending": [
            {"pk": row.pk, "kind": row.get_kind_display(), "value": masked(row.kind, row.label)}
            for row in pending[:5]
        ],
        "start_form": start or LinkStartForm(),
        "confirm_form": confirm or LinkConfirmForm(),
        "social_offers": offers,
        "social_form": social or SocialLinkForm(offers=offers),
        "social_waiting": [
            {"pk": row.pk, "text": social_link_state_text(row)}
            for row in social_codes_recent(request.user)
            if shown is None or row.pk != shown.row.pk
        ],
        "shown": shown,
        "shown_offer": next((o for o in offers if shown and o.kind == shown.row.kind), None),
        "shown_state": social_link_state_text(shown.row) if shown else "",
        "verify_url": verification_url(get_language()),
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


@never_cache  # the code is on this page only: never kept by a cache or the back button
@login_required
@require_POST
def social_start(request: HttpRequest) -> HttpResponse:
    """The page with a new code to send us: shown once, in this answer (it is kept hashed)."""
    form = SocialLinkForm(request.POST, offers=social_link_offers(get_language()))
    if not form.is_valid():
        return _page(request, social=form, status=400)
    try:
        shown = social_link_start(
            customer=request.user, kind=form.cleaned_data["kind"], language=get_language()
        )
    except LinkRefused as error:
        form.add_error(None, str(error))
        return _page(request, social=form, status=error.status)
    return _page(request, shown=shown)


@never_cache
@login_required
@require_GET
def social_state(request: HttpRequest, pk: int) -> JsonResponse:
    """Whether a shown code linked anything yet (the page asks every few seconds)."""
    row = social_code_get_for_user(user=request.user, pk=pk)
    return JsonResponse({"state": social_link_state(row), "message": social_link_state_text(row)})


@login_required
@require_POST
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    identity = identity_get_for_customer(customer=request.user, pk=pk)
    identity_unlink(identity=identity, by=request.user)
    messages.success(request, _("Unlinked. Messages from it no longer reach us as yours."))
    return redirect("identities:linked")
