"""The complaints API's lists for staff: the work queue, the register for regulators and the
figures. Thin views; the queries live in `complaint_queue`, complaints.register and
complaints.figures."""

from datetime import UTC, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import figures, register
from complaints import serializers as s
from complaints.api import CheckedCursorPage, IsComplaintsStaff, MayReport, valid
from complaints.models import QUEUE_STAGES, Complaint, Stage
from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction
from support.factor_gate import RecentFactor


class QueuePagination(CheckedCursorPage):
    ordering = ("next_due", "id")
    page_size = 50


def complaint_queue(user, filters: dict) -> QuerySet[Complaint]:
    """Complaints with work for staff, the one due first at the top: `next_due` is the earliest
    running, unpaused deadline (the appeal window is the customer's, not staff's), kept on the
    complaint by complaints.timers; read in order from the index `complaint_queue`."""
    complaints = Complaint.objects.select_related("customer", "officer")
    stage = filters.get("stage")
    complaints = complaints.filter(stage=stage) if stage else complaints.in_stage(*QUEUE_STAGES)
    for name in ("category", "language"):
        if filters.get(name):
            complaints = complaints.filter(**{name: filters[name]})
    if filters.get("officer") == "me":
        complaints = complaints.filter(Q(officer=user) | Q(appeal__reviewer=user))
    elif filters.get("officer") == "none":
        complaints = complaints.filter(officer__isnull=True)
    return complaints


class QueueView(APIView):
    permission_classes = [IsComplaintsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter("category", str, enum=Complaint.Category.values),
            OpenApiParameter("language", str),
            OpenApiParameter(
                "officer", str, enum=["me", "none"], description="Yours, or nobody's."
            ),
            OpenApiParameter("cursor", str),
        ],
        responses=s.ComplaintQueuePageOut,
        operation_id="v1_complaints_queue_list",
    )
    def get(self, request: Request) -> Response:
        filters = valid(s.ComplaintQueueFilterIn, request.query_params)
        paginator = QueuePagination()
        page = paginator.paginate_queryset(complaint_queue(request.user, filters), request, self)
        return paginator.get_paginated_response(s.ComplaintQueueItemOut(page, many=True).data)


PERIOD = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First submission day (UTC)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last submission day, included."),
]


def period_bounds(request: Request) -> tuple[datetime | None, datetime | None]:
    """The `from` and `to` days as UTC instants: from midnight to the midnight after."""
    days = valid(s.ComplaintPeriodIn, request.query_params)
    start = datetime.combine(days["from"], time(0), UTC) if days.get("from") else None
    end = datetime.combine(days["to"], time(0), UTC) + timedelta(days=1) if days.get("to") else None
    return start, end


class RegisterView(APIView):
    """The complaints register for regulators, as CSV (columns: docs/api.md)."""

    permission_classes = [MayReport, RecentFactor]  # an export: a recent factor, or a token

    @extend_schema(
        parameters=PERIOD,
        responses={(200, "text/csv"): OpenApiTypes.STR},
        operation_id="v1_complaints_register",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        start, end = period_bounds(request)
        audit_record(
            AuditAction.REPORT_EXPORTED,
            request=request,
            target=AuditTarget("report", "complaints_register", "complaints-register.csv"),
            detail={"start": start, "end": end},
        )
        response = StreamingHttpResponse(
            register.register_csv(start=start, end=end), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="complaints-register.csv"'
        return response


class FiguresView(APIView):
    """Every complaint figure over a period of submissions (default: the last 90 days)."""

    permission_classes = [MayReport]

    @extend_schema(
        parameters=PERIOD, responses=s.ComplaintFiguresOut, operation_id="v1_complaints_figures"
    )
    def get(self, request: Request) -> Response:
        start, end = period_bounds(request)
        period = figures.Period.ending(end or timezone.now(), start=start)
        return Response(s.ComplaintFiguresOut(figures.all_figures(period)).data)
