"""The audit log's console page and its CSV export, for supervisors and administrators (the
`support.supervise` permission). The export is itself an audit row."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from support.audit import AuditTarget, audit_record
from support.audit_log import AuditFilterForm, audit_csv, audit_entries, audit_page
from support.audit_models import AuditAction
from support.factor_gate import recent_factor_required

TEMPLATE = "support/audit_log.html"


@require_GET
@login_required
@permission_required("support.supervise", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "console_section": "audit"}
        return render(request, TEMPLATE, context, status=400)
    entries, next_before = audit_page(audit_entries(form.cleaned_data), form.cleaned_data["before"])
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "entries": entries,
        "next_before": next_before,
        "query": query.urlencode(),
        "console_section": "audit",
    }
    return render(request, TEMPLATE, context)


@require_GET
@login_required
@permission_required("support.supervise", raise_exception=True)
@recent_factor_required  # an export: a factor from the last 15 minutes
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "console_section": "audit"}, status=400)
    audit_record(
        AuditAction.AUDIT_EXPORTED,
        request=request,
        target=AuditTarget("report", "audit_log", "audit-log.csv"),
        detail=form.described(),
    )
    response = StreamingHttpResponse(
        audit_csv(audit_entries(form.cleaned_data)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
