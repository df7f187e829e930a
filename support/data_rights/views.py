"""Pages of the data rights: the customer's "Your data" page and download, and the console page
where authorised staff ask for and approve erasures and set legal holds."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from support.data_models import DataExport, ErasureRequest, LegalHold
from support.data_rights import erasure as erasures
from support.data_rights import exports, holds
from support.data_rights.errors import DataRightsRefused
from support.data_rights.forms import CustomerReasonForm, ReasonForm
from support.downloads import file_download
from support.roles import is_staff_member

User = get_user_model()
manage = permission_required(holds.PERMISSION, raise_exception=True)


def _customer_only(request: HttpRequest) -> None:
    if is_staff_member(request.user):
        raise Http404


@login_required
@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    _customer_only(request)
    latest = DataExport.objects.filter(customer=request.user).first()
    return render(request, "support/data_export.html", {"export": latest})


@login_required
@require_POST
def data_export_request(request: HttpRequest) -> HttpResponse:
    _customer_only(request)
    try:
        exports.data_export_request(customer=request.user, request=request)
    except DataRightsRefused as refusal:
        messages.info(request, str(refusal))
    return redirect("data_page")


@login_required
@require_GET
def data_export_download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        export = exports.data_export_for_download(user=request.user, token=token)
    except DataRightsRefused as refusal:
        return render(request, "support/data_export_expired.html", {"reason": refusal}, status=410)
    exports.data_export_downloaded(export=export, request=request)
    return file_download(
        default_storage.open(export.file_name, "rb"),
        filename=f"my-data-{export.requested_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@login_required
@manage
@require_GET
def console_page(request: HttpRequest) -> HttpResponse:
    return render(request, "support/console_data_rights.html", _console_context())


def _console_context(**forms) -> dict:
    return {
        "console_section": "data_rights",
        "erasures": ErasureRequest.objects.select_related("customer", "requested_by", "decided_by")[
            :50
        ],
        "holds": LegalHold.objects.filter(released_at__isnull=True).select_related(
            "customer", "set_by"
        )[:100],
        "exports": DataExport.objects.select_related("customer")[:20],
        "erasure_form": forms.get("erasure_form") or CustomerReasonForm(prefix="erasure"),
        "hold_form": forms.get("hold_form") or CustomerReasonForm(prefix="hold"),
    }


@login_required
@manage
@require_POST
def erasure_new(request: HttpRequest) -> HttpResponse:
    form = CustomerReasonForm(request.POST, prefix="erasure")
    if form.is_valid():
        try:
            erasures.erasure_request(by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Erasure requested. Another authorised person must approve it.")
            )
            return redirect("console:data_rights")
        except DataRightsRefused as refusal:
            form.add_error(None, str(refusal))
            return _console_with_errors(request, 409, erasure_form=form)
    return _console_with_errors(request, 400, erasure_form=form)


@login_required
@manage
@require_POST
def erasure_approve(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = get_object_or_404(ErasureRequest, pk=pk)
    return _decide(request, lambda: erasures.erasure_approve(erasure=erasure, by=request.user))


@login_required
@manage
@require_POST
def erasure_reject(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = get_object_or_404(ErasureRequest, pk=pk)
    reason = request.POST.get("reason", "")
    return _decide(
        request, lambda: erasures.erasure_reject(erasure=erasure, by=request.user, reason=reason)
    )


@login_required
@manage
@require_POST
def hold_new(request: HttpRequest) -> HttpResponse:
    form = CustomerReasonForm(request.POST, prefix="hold")
    if form.is_valid():
        try:
            holds.legal_hold_set(by=request.user, **form.cleaned_data)
            return redirect("console:data_rights")
        except DataRightsRefused as refusal:
            form.add_error(None, str(refusal))
            return _console_with_errors(request, 409, hold_form=form)
    return _console_with_errors(request, 400, hold_form=form)


@login_required
@manage
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide(
        request, lambda: holds.legal_hold_release(hold=hold, by=request.user, reason=reason)
    )


def _decide(request: HttpRequest, decision) -> HttpResponse:
    try:
        decision()
    except DataRightsRefused as refusal:
        messages.error(request, str(refusal))
        return _console_with_errors(request, 409)
    return redirect("console:data_rights")


def _console_with_errors(request: HttpRequest, status: int, **forms) -> HttpResponse:
    return render(
        request, "support/console_data_rights.html", _console_context(**forms), status=status
    )
