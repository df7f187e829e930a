"""The console's merge pages: two customers side by side, merge B into A, undo a merge."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tickets.identities.forms import MergeForm
from tickets.identities.merging import MergeRefused, customer_merge, customer_unmerge
from tickets.identities.models import CustomerMerge
from tickets.identities.selectors import customer_identities
from tickets.inbox.customers import customer_get_for_user, customer_search, customer_tickets

console = permission_required("support.use_console", raise_exception=True)


def _side(customer, user) -> dict:
    return {
        "customer": customer,
        "identities": customer_identities(customer),
        "tickets": customer_tickets(customer=customer, user=user, before=None, size=10),
    }


def _other(request: HttpRequest):
    """The customer the form names: by id, else the first match of a search (an address)."""
    query = request.GET.get("with", "") or request.POST.get("with", "")
    if query.strip().isdigit():
        return customer_get_for_user(user=request.user, pk=int(query))
    found = customer_search(user=request.user, query=query)
    if not found:
        raise Http404
    return found[0]


@console
def merge_page(request: HttpRequest, pk: int) -> HttpResponse:
    kept = customer_get_for_user(user=request.user, pk=pk)
    merged = _other(request)
    form = MergeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            customer_merge(
                kept=kept, merged=merged, by=request.user, reason=form.cleaned_data["reason"]
            )
        except MergeRefused as error:
            form.add_error(None, str(error))
            status = 409
        else:
            return redirect("customers:detail", pk=kept.pk)
    elif form.errors:
        status = 400
    context = {
        "kept": _side(kept, request.user),
        "merged": _side(merged, request.user),
        "form": form,
        "console_section": "customers",
    }
    return render(request, "tickets/identities/merge.html", context, status=status)


@console
@require_POST
def unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(CustomerMerge, pk=pk)
    try:
        customer_unmerge(merge=merge, by=request.user)
    except MergeRefused as error:
        messages.error(request, str(error))
    return redirect("customers:detail", pk=merge.merged_id)
