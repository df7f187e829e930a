"""The complaints API (/api/v1/complaints/): thin views over the access selector
(`complaints.selectors`) and one service each (`complaints.services`).

Customers file, read, answer, appeal, accept and withdraw their own complaints (anyone else's is
404). Complaints staff read every complaint whole and act on it, one URL per action; who may
do what is decided by the services (`complaints.independence`), whose refusals become the
answers below (`domain_call`).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import serializers as s
from complaints import services
from complaints.errors import ComplaintError, ComplaintInvalid, NotIndependent
from complaints.independence import is_admin
from complaints.models import Complaint
from complaints.selectors import complaint_get_for_user, complaints_visible_to, is_complaints_staff
from support.api_errors import Conflict
from support.api_throttles import ClientThrottle
from support.exchange import AccountNotFound, ExchangeError, get_exchange
from support.models import CustomerProfile
from support.pagination import CursorPage
from support.permissions import IsSignedIn
from support.roles import is_staff_member
from tickets.errors import RemediationRefused

KNOWN_TRANSFERS = 200  # the customer's recent transfers a complaint may name
CONFLICT = {409: None}


class ExchangeDown(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "exchange_unavailable"
    default_detail = gettext_lazy(
        "We cannot check your transactions with the exchange right now. Try again in a few "
        "minutes, or file the complaint without them."
    )


class IsComplaintsStaff(BasePermission):
    """Complaint officers, appeal reviewers, supervisors and administrators."""

    def has_permission(self, request: Request, view: object) -> bool:
        return is_complaints_staff(request.user)


class MayReport(BasePermission):
    """The register and the figures: supervisors, administrators and complaint officers."""

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return user.is_authenticated and (
            user.has_perm("support.supervise") or user.has_perm("support.handle_complaints")
        )


class ComplaintCreateThrottle(ClientThrottle):
    """Complaints filed by customers, at the rate they may open tickets
    (THROTTLE_TICKET_CREATE), counted apart from their tickets."""

    scope = "complaint-create"
    rate_setting = "THROTTLE_TICKET_CREATE"

    def applies(self, request: Request, view: object) -> bool:
        return request.method == "POST" and not is_staff_member(request.user)


# Kept as a name for the complaint lists; the check now lives in support.pagination.
CheckedCursorPage = CursorPage


class ComplaintPagination(CheckedCursorPage):
    ordering = "-id"
    page_size = 50


def domain_call(service, **kwargs):
    """Run a service, turning the workflow's refusals into the API's answers."""
    try:
        return service(**kwargs)
    except (ComplaintInvalid, RemediationRefused) as error:
        raise exceptions.ValidationError(str(error)) from error
    except NotIndependent as error:
        raise exceptions.PermissionDenied(str(error)) from error
    except ComplaintError as error:
        raise Conflict(str(error)) from error
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error


def valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def complaint_body(request: Request, complaint: Complaint) -> dict:
    """The complaint as the caller may see it (re-read, so an action's answer is current)."""
    complaint = complaint_get_for_user(user=request.user, reference=complaint.reference)
    return s.ComplaintOut(complaint, context={"staff": is_complaints_staff(request.user)}).data


# --- Customers --------------------------------------------------------------------------------


def known_transactions(customer) -> list[str]:
    """The ids of the customer's recent transfers, read from the exchange before anything is
    written (no network call inside the service's transaction)."""
    profile = CustomerProfile.objects.filter(user=customer)
    account_id = profile.values_list("exchange_account_id", flat=True).first()
    if not account_id:
        return []
    try:
        return [row.id for row in get_exchange().transfers(account_id, limit=KNOWN_TRANSFERS)]
    except AccountNotFound:
        return []
    except ExchangeError as error:
        raise ExchangeDown() from error


class ComplaintListView(APIView):
    """Your complaints (staff: all), newest first; or file one."""

    permission_classes = [IsSignedIn]
    throttle_classes = [ComplaintCreateThrottle]

    @extend_schema(responses=s.ComplaintPageOut, operation_id="v1_complaints_list")
    def get(self, request: Request) -> Response:
        complaints = complaints_visible_to(request.user)
        paginator = ComplaintPagination()
        page = paginator.paginate_queryset(complaints, request, view=self)
        return paginator.get_paginated_response(s.ComplaintSummaryOut(page, many=True).data)

    @extend_schema(
        request=s.ComplaintCreateIn,
        responses={
            201: s.ComplaintOut,
            503: OpenApiResponse(description="The exchange did not answer: file it later."),
        },
    )
    def post(self, request: Request) -> Response:
        if is_staff_member(request.user):
            raise exceptions.PermissionDenied(_("Customers file complaints here; staff cannot."))
        data = valid(s.ComplaintCreateIn, request.data)
        known = known_transactions(request.user) if data["transactions"] else ()
        complaint = domain_call(
            services.complaint_submit,
            customer=request.user,
            category=data["category"],
            description=data["description"],
            desired_outcome=data["desired_outcome"],
            ticket_references=data["tickets"],
            transactions=data["transactions"],
            known_transactions=known,
        )
        return Response(complaint_body(request, complaint), status=status.HTTP_201_CREATED)


class ComplaintDetailView(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(responses=s.ComplaintOut)
    def get(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        return Response(complaint_body(request, complaint))


class MessageView(APIView):
    """The customer writes to the complaints team; complaints staff write to the customer."""

    permission_classes = [IsSignedIn]

    @extend_schema(
        request=s.ComplaintStaffTextIn, responses={201: s.ComplaintMessageOut, **CONFLICT}
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        staff = is_complaints_staff(request.user)
        data = valid(s.ComplaintStaffTextIn if staff else s.ComplaintTextIn, request.data)
        if staff:
            refuse_override(request.user, data["override"])
            message = domain_call(
                services.complaint_message,
                complaint=complaint,
                by=request.user,
                text=data["text"],
                override=data["override"],
            )
        else:
            message = domain_call(
                services.complaint_customer_reply,
                complaint=complaint,
                customer=request.user,
                text=data["text"],
            )
        body = s.ComplaintMessageOut(message, context={"staff": staff}).data
        return Response(body, status=status.HTTP_201_CREATED)


class AppealView(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(request=s.ComplaintAppealIn, responses={201: s.ComplaintOut, **CONFLICT})
    def post(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        data = valid(s.ComplaintAppealIn, request.data)
        domain_call(
            services.appeal_submit,
            complaint=complaint,
            customer=request.user,
            grounds=data["grounds"],
        )
        return Response(complaint_body(request, complaint), status=status.HTTP_201_CREATED)


class AcceptView(APIView):
    """The customer accepts the decision, which closes the complaint."""

    permission_classes = [IsSignedIn]

    @extend_schema(request=None, responses={200: s.ComplaintOut, **CONFLICT})
    def post(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        domain_call(services.complaint_accept, complaint=complaint, customer=request.user)
        return Response(complaint_body(request, complaint))


class WithdrawView(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(request=s.ComplaintWithdrawIn, responses={200: s.ComplaintOut, **CONFLICT})
    def post(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        data = valid(s.ComplaintWithdrawIn, request.data)
        domain_call(
            services.complaint_withdraw,
            complaint=complaint,
            customer=request.user,
            reason=data["reason"],
        )
        return Response(complaint_body(request, complaint))


# --- Complaints staff -------------------------------------------------------------------------


def refuse_override(user, override: str) -> None:
    """Only an administrator may set the independence rule aside; anyone else sending an
    override is refused rather than silently ignored."""
    if override.strip() and not is_admin(user):
        raise exceptions.PermissionDenied(_("Only an administrator may override this rule."))


def staff_member(pk: int, field: str, label: str):
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not is_staff_member(user):
        raise exceptions.ValidationError({field: [label]})
    return user


class StaffAction(APIView):
    """One action of complaints staff: parse, fetch through the access selector, check the
    override, one service call (`act`), then the file as it now stands."""

    permission_classes = [IsComplaintsStaff]
    body = s.ComplaintStaffIn

    def post(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        data = valid(self.body, request.data)
        refuse_override(request.user, data.get("override", ""))
        result = domain_call(self.act, complaint=complaint, by=request.user, data=data)
        return self.answer(request, complaint, result)

    def act(self, *, complaint: Complaint, by, data: dict):
        raise NotImplementedError

    def answer(self, request: Request, complaint: Complaint, result) -> Response:
        return Response(complaint_body(request, complaint))


class StaffMessageAction(StaffAction):
    body = s.ComplaintStaffTextIn

    def answer(self, request: Request, complaint: Complaint, result) -> Response:
        body = s.ComplaintMessageOut(result, context={"staff": True}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(request=s.ComplaintVersionedIn, responses={200: s.ComplaintOut, **CONFLICT})
class AcknowledgeView(StaffAction):
    body = s.ComplaintVersionedIn

    def act(self, *, complaint, by, data):
        return services.complaint_acknowledge(
            complaint=complaint, by=by, override=data["override"], version=data.get("version")
        )


@extend_schema(request=s.ComplaintVersionedIn, responses={200: s.ComplaintOut, **CONFLICT})
class InvestigateView(StaffAction):
    body = s.ComplaintVersionedIn

    def act(self, *, complaint, by, data):
        return services.complaint_investigate(
            complaint=complaint, by=by, override=data["override"], version=data.get("version")
        )


@extend_schema(request=s.ComplaintStaffTextIn, responses={201: s.ComplaintMessageOut, **CONFLICT})
class RequestInformationView(StaffMessageAction):
    def act(self, *, complaint, by, data):
        return services.complaint_request_information(
            complaint=complaint, by=by, text=data["text"], override=data["override"]
        )


@extend_schema(request=s.ComplaintStaffTextIn, responses={201: s.ComplaintMessageOut, **CONFLICT})
class NoteView(StaffMessageAction):
    def act(self, *, complaint, by, data):
        return services.complaint_note(
            complaint=complaint, by=by, text=data["text"], override=data["override"]
        )


@extend_schema(request=s.ComplaintRootCausesIn, responses={200: s.ComplaintOut, **CONFLICT})
class RootCausesView(StaffAction):
    body = s.ComplaintRootCausesIn

    def act(self, *, complaint, by, data):
        return services.complaint_set_root_causes(
            complaint=complaint, by=by, causes=data["root_causes"]
        )


@extend_schema(request=s.ComplaintDecideIn, responses={200: s.ComplaintOut, **CONFLICT})
class DecideView(StaffAction):
    body = s.ComplaintDecideIn

    def act(self, *, complaint, by, data):
        return services.complaint_decide(
            complaint=complaint,
            by=by,
            outcome=data["outcome"],
            reason=data["reason"],
            remedy=data["remedy"],
            letter=data["letter"],
            override=data["override"],
            version=data.get("version"),
        )


@extend_schema(request=s.ComplaintAssignIn, responses={200: s.ComplaintOut, **CONFLICT})
class AssignView(StaffAction):
    """Take the complaint yourself, or (supervisors, administrators) give it to an officer."""

    body = s.ComplaintAssignIn

    def act(self, *, complaint, by, data):
        officer = staff_member(data["officer"], "officer", _("Unknown complaint officer."))
        return services.complaint_assign(
            complaint=complaint, officer=officer, by=by, override=data["override"]
        )


@extend_schema(request=s.ComplaintStaffIn, responses={200: s.ComplaintOut, **CONFLICT})
class AppealTakeView(StaffAction):
    def act(self, *, complaint, by, data):
        return services.appeal_take(complaint=complaint, by=by, override=data["override"])


@extend_schema(request=s.ComplaintAppealAssignIn, responses={200: s.ComplaintOut, **CONFLICT})
class AppealAssignView(StaffAction):
    body = s.ComplaintAppealAssignIn

    def act(self, *, complaint, by, data):
        reviewer = staff_member(data["reviewer"], "reviewer", _("Unknown appeal reviewer."))
        return services.appeal_assign(
            complaint=complaint, reviewer=reviewer, by=by, override=data["override"]
        )


@extend_schema(request=s.ComplaintAppealDecideIn, responses={200: s.ComplaintOut, **CONFLICT})
class AppealDecideView(StaffAction):
    body = s.ComplaintAppealDecideIn

    def act(self, *, complaint, by, data):
        return services.appeal_decide(
            complaint=complaint,
            by=by,
            outcome=data["outcome"],
            reason=data["reason"],
            remedy=data["remedy"],
            letter=data["letter"],
            override=data["override"],
        )


@extend_schema(request=s.ComplaintRemedyIn, responses={201: s.ComplaintRemedyOut, **CONFLICT})
class RemedyView(StaffAction):
    """A remedy on the customer's exchange account, after a decision in their favour."""

    body = s.ComplaintRemedyIn

    def act(self, *, complaint, by, data):
        return services.complaint_remedy_request(complaint=complaint, by=by, **data)

    def answer(self, request: Request, complaint: Complaint, result) -> Response:
        body = s.ComplaintRemedyOut(result, context={"staff": True}).data
        return Response(body, status=status.HTTP_201_CREATED)
