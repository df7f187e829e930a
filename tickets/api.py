"""The tickets API: thin views over the access selector, intake and the services."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from support.api_errors import Conflict
from support.api_throttles import TicketCreateThrottle
from support.downloads import file_download
from support.models import Team
from support.pagination import CursorPage
from support.parsers import JSONParser, MultiPartParser
from support.permissions import IsSignedIn, IsStaffMember
from support.roles import is_staff_member
from tickets import serializers as s
from tickets.channels.email import email_receive
from tickets.errors import (
    AssigneeCannotRead,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    InvalidTransition,
    StaleVersion,
    TicketError,
    TransitionNotAllowed,
)
from tickets.intake import InboundAttachment, InboundMessage, intake_message
from tickets.links import incident_reply, ticket_link_incident, ticket_relate
from tickets.models import (
    BusinessCalendar,
    EscalationRule,
    Macro,
    Message,
    SlaPolicy,
    Ticket,
)
from tickets.selectors import attachment_get_for_user, messages_visible, ticket_get_for_user
from tickets.services import (
    attachments_check,
    ticket_assign,
    ticket_rate,
    ticket_reply,
    ticket_set_priority,
    ticket_transition,
)

FILTERS = ("status", "priority", "category", "channel", "language")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class UnsupportedType(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_type"


def domain_call(service, **kwargs):
    """Run a service, turning domain errors into the API's status codes."""
    try:
        return service(**kwargs)
    except (InvalidTransition, StaleVersion) as error:
        raise Conflict(str(error)) from error
    except AttachmentTooLarge as error:
        raise PayloadTooLarge(str(error)) from error
    except AttachmentTypeRefused as error:
        raise UnsupportedType(str(error)) from error
    except TransitionNotAllowed as error:
        raise exceptions.PermissionDenied(str(error)) from error
    except AssigneeCannotRead as error:
        raise exceptions.ValidationError({"assignee": [str(error)]}) from error
    except TicketError as error:
        raise Conflict(str(error)) from error


def inbound_attachments(files) -> tuple[InboundAttachment, ...]:
    files = list(files or ())
    domain_call(attachments_check, uploads=files)
    return tuple(InboundAttachment(f.name, f.content_type, f.read()) for f in files)


class TicketPagination(CursorPage):
    ordering = "-id"
    page_size = 50


def staff_context(request: Request) -> dict:
    return {"staff": is_staff_member(request.user), "request": request}


class TicketListView(APIView):
    """List the tickets you may see (cursor pagination, no counts) or open one."""

    permission_classes = [IsSignedIn]
    parser_classes = [JSONParser, MultiPartParser]  # attachments come as multipart
    throttle_classes = [TicketCreateThrottle]  # customers opening tickets (POST) only
    parser_classes = [JSONParser, MultiPartParser]  # attachments come as multipart

    @extend_schema(
        parameters=[OpenApiParameter(name, str) for name in (*FILTERS, "assignee", "cursor")],
        responses=s.TicketPageOut,
        operation_id="v1_tickets_list",  # a page object, not an array: name it as a list still
    )
    def get(self, request: Request) -> Response:
        tickets = Ticket.objects.visible_to(request.user).select_related(
            "customer", "assignee", "team"
        )
        for name in FILTERS:
            if value := request.query_params.get(name):
                tickets = tickets.filter(**{name: value})
        if request.query_params.get("assignee") == "me":
            tickets = tickets.filter(assignee=request.user)
        paginator = TicketPagination()
        page = paginator.paginate_queryset(tickets, request, view=self)
        data = s.TicketOut(page, many=True, context=staff_context(request)).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=s.TicketCreateIn, responses={201: s.TicketOut, 409: None})
    def post(self, request: Request) -> Response:
        data = _valid(s.TicketCreateIn, request)
        staff = is_staff_member(request.user)
        if staff and not data.get("customer_email"):
            raise exceptions.ValidationError({"customer_email": [_("Name the customer.")]})
        key = request.headers.get("Idempotency-Key")
        message = InboundMessage(
            channel=data["channel"] if staff else "web",
            text=data["text"],
            subject=data["subject"],
            customer_id=None if staff else request.user.pk,
            customer_email=data.get("customer_email", "") if staff else request.user.email,
            category=data.get("category", ""),
            language_hint=data.get("language") or None,
            attachments=inbound_attachments(data.get("attachments")),
            external_id=f"api:{request.user.pk}:{key}"[:200] if key else None,
        )
        customer = None if staff else request.user
        ticket = domain_call(intake_message, message=message, customer=customer)
        if staff and data.get("priority"):
            ticket = domain_call(
                ticket_set_priority, ticket=ticket, priority=data["priority"], by=request.user
            )
        body = s.TicketOut(ticket, context=staff_context(request)).data
        return Response(body, status=status.HTTP_201_CREATED)


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TicketDetailView(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(responses=s.TicketOut)
    def get(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        return Response(s.TicketOut(ticket, context=staff_context(request)).data)


class TransitionView(APIView):
    """Move a ticket through the workflow; customers may only mark their own solved."""

    permission_classes = [IsSignedIn]

    @extend_schema(request=s.TransitionIn, responses={200: s.TicketOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        data = _valid(s.TransitionIn, request)
        ticket = domain_call(
            ticket_transition,
            ticket=ticket,
            to=data["to"],
            by=request.user,
            version=data.get("version"),
        )
        return Response(s.TicketOut(ticket, context=staff_context(request)).data)


class PriorityView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=s.PriorityIn, responses={200: s.TicketOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        data = _valid(s.PriorityIn, request)
        ticket = domain_call(
            ticket_set_priority,
            ticket=ticket,
            priority=data["priority"],
            by=request.user,
            version=data.get("version"),
        )
        return Response(s.TicketOut(ticket, context=staff_context(request)).data)


class AssignView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=s.AssignIn, responses={200: s.TicketOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        data = _valid(s.AssignIn, request)
        agent = None
        if data["assignee"] is not None:
            agent = (
                get_user_model()
                .objects.filter(pk=data["assignee"], agent_profile__isnull=False)
                .first()
            )
            if agent is None:
                raise exceptions.ValidationError({"assignee": [_("Unknown agent.")]})
        team = None
        if data.get("team"):
            team = Team.objects.filter(slug=data["team"]).first()
            if team is None:
                raise exceptions.ValidationError({"team": [_("Unknown team.")]})
        ticket = domain_call(
            ticket_assign,
            ticket=ticket,
            agent=agent,
            team=team,
            by=request.user,
            version=data.get("version"),
        )
        return Response(s.TicketOut(ticket, context=staff_context(request)).data)


class MessageListView(APIView):
    """The conversation (customers see no internal notes); post a reply, note or message."""

    permission_classes = [IsSignedIn]
    parser_classes = [JSONParser, MultiPartParser]  # attachments come as multipart

    @extend_schema(responses=s.MessageOut(many=True))
    def get(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        messages = messages_visible(ticket=ticket, staff=is_staff_member(request.user))
        return Response(s.MessageOut(messages, many=True, context=staff_context(request)).data)

    @extend_schema(request=s.MessageIn, responses={201: s.MessageOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        data = _valid(s.MessageIn, request)
        if not is_staff_member(request.user):
            return self._customer_message(request, ticket, data)
        message = domain_call(
            ticket_reply,
            ticket=ticket,
            author=request.user,
            body=data["body"],
            internal=data["internal"],
            attachments=inbound_attachments(data.get("attachments")),
            set_status=data["set_status"],
            version=data.get("version"),
        )
        body = s.MessageOut(message, context=staff_context(request)).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _customer_message(self, request: Request, ticket: Ticket, data: dict) -> Response:
        message = InboundMessage(
            channel="web",
            text=data["body"],
            customer_id=request.user.pk,
            reference_hint=ticket.reference,
            attachments=inbound_attachments(data.get("attachments")),
        )
        landed = domain_call(intake_message, message=message, customer=request.user)
        stored = landed.messages.filter(kind=Message.Kind.CUSTOMER).last()
        return Response(s.MessageOut(stored).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(responses={(200, "*/*"): bytes})  # the file, with its stored type
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = attachment_get_for_user(user=request.user, pk=pk)
        return file_download(
            attachment.file.open("rb"),
            filename=attachment.filename,
            content_type=attachment.content_type,
        )


class MacroListView(generics.ListAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = s.MacroOut
    pagination_class = None

    def get_queryset(self):
        macros = Macro.objects.filter(active=True)
        if language := self.request.query_params.get("language"):
            macros = macros.filter(language=language)
        return macros


class SlaPolicyListView(generics.ListAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = s.SlaPolicyOut
    pagination_class = None
    queryset = SlaPolicy.objects.all()


class CalendarListView(generics.ListAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = s.CalendarOut
    pagination_class = None
    queryset = BusinessCalendar.objects.all()


class EscalationRuleListView(generics.ListAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = s.EscalationRuleOut
    pagination_class = None
    queryset = EscalationRule.objects.all()


class LinkView(APIView):
    """Relate two tickets, or attach this ticket to a parent incident."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=s.LinkIn, responses={200: s.TicketOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        data = _valid(s.LinkIn, request)
        other = ticket_get_for_user(user=request.user, reference=data["reference"].upper())
        if data["kind"] == "related":
            domain_call(ticket_relate, ticket=ticket, other=other, by=request.user)
        else:
            ticket = domain_call(
                ticket_link_incident, ticket=ticket, incident=other, by=request.user
            )
        return Response(s.TicketOut(ticket, context=staff_context(request)).data)


class IncidentReplyView(APIView):
    """Answer an incident and every open ticket linked to it in one go."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=s.IncidentReplyIn, responses={201: s.IncidentReplyOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        incident = ticket_get_for_user(user=request.user, reference=reference)
        data = _valid(s.IncidentReplyIn, request)
        messages = domain_call(
            incident_reply,
            incident=incident,
            author=request.user,
            body=data["body"],
            set_status=data["set_status"],
        )
        replied = [message.ticket.reference for message in messages]
        return Response({"replied": replied}, status=status.HTTP_201_CREATED)


class RatingView(APIView):
    """The customer rates their solved ticket (1–5)."""

    permission_classes = [IsSignedIn]

    @extend_schema(request=s.RatingIn, responses={200: s.TicketOut, 409: None})
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_get_for_user(user=request.user, reference=reference)
        if ticket.customer_id != request.user.pk:
            raise exceptions.PermissionDenied(_("Only the customer rates a ticket."))
        data = _valid(s.RatingIn, request)
        ticket = domain_call(ticket_rate, ticket=ticket, score=data["score"], by=request.user)
        return Response(s.TicketOut(ticket, context=staff_context(request)).data)


class InboundEmailView(APIView):
    """The mail gateway posts each received email here, raw (message/rfc822), with a staff
    token; a second delivery of the same Message-ID changes nothing."""

    permission_classes = [IsStaffMember]
    parser_classes: list = []

    @extend_schema(request={"message/rfc822": bytes}, responses={202: s.InboundEmailOut})
    def post(self, request: Request) -> Response:
        # The stream, not request.body: Django caps that at the 2.5 MB of forms. The edge has
        # refused a declared length over this view's limit (support.edge.body_limit).
        raw = request.stream.read() if request.stream else b""
        if not raw or len(raw) > settings.EMAIL_MAX_BYTES:
            message = _("Send one raw email of at most %(limit)s bytes.") % {
                "limit": settings.EMAIL_MAX_BYTES
            }
            raise exceptions.ValidationError({"body": [message]})
        ticket = email_receive(raw=raw)
        body = {"reference": ticket.reference if ticket else None, "parsed": ticket is not None}
        return Response(body, status=status.HTTP_202_ACCEPTED)
