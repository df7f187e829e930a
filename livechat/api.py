"""The live chat's HTTP API: starting a chat (customers and guests) and the bot preview."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from livechat import attachments, bot, notify, publish, services, start
from livechat.models import ChatAttachment, Conversation, SenderKind
from livechat.selectors import Access, conversation_get_for_user, guest_token
from support.api_throttles import AnonThrottle, UserThrottle
from support.client import client_address
from support.downloads import file_download
from support.parsers import MultiPartParser
from support.permissions import IsStaffMember
from support.roles import is_staff_member
from support.taxonomy import Category, Language


class PreviewInput(serializers.Serializer):
    text = serializers.CharField(max_length=services.MAX_MESSAGE_CHARS)
    lang = serializers.ChoiceField(choices=Language.choices, default=Language.EN)


class PreviewArticle(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class PreviewOutput(serializers.Serializer):
    action = serializers.ChoiceField(choices=bot.ACTIONS)
    reply = serializers.CharField()
    articles = PreviewArticle(many=True)


class BotPreviewView(APIView):
    """What the bot would do with a first message: the same policy the live bot uses."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=PreviewInput, responses=PreviewOutput)
    def post(self, request: Request) -> Response:
        given = PreviewInput(data=request.data)
        given.is_valid(raise_exception=True)
        decision = bot.decide(
            given.validated_data["text"], lang=given.validated_data["lang"], record=False
        )
        data = {
            "action": decision.action,
            "reply": decision.reply,
            "articles": [{"slug": a.slug, "title": a.title} for a in decision.articles],
        }
        return Response(PreviewOutput(data).data)


class StartInput(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.GENERAL)
    email = serializers.EmailField(required=False, allow_blank=True)
    transcript = serializers.BooleanField(default=True)


class StartOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    language = serializers.CharField()
    token = serializers.CharField(allow_blank=True)
    websocket_url = serializers.CharField()


class CustomerOrGuest(AllowAny):
    """Customers and guests start chats; staff use the console."""

    def has_permission(self, request: Request, view: object) -> bool:
        return not is_staff_member(request.user)


class ConversationStartView(APIView):
    """Open a chat with the bot. Guests give an email and get a signed token for the socket."""

    permission_classes = [CustomerOrGuest]
    throttle_classes = [AnonThrottle, UserThrottle]

    @extend_schema(request=StartInput, responses={201: StartOutput})
    def post(self, request: Request) -> Response:
        given = StartInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        signed_in = request.user.is_authenticated
        if not signed_in and not data.get("email"):
            message = _("Please give your email address so we can reach you.")
            raise serializers.ValidationError({"email": [message]})
        try:
            conversation = start.conversation_start(
                customer=request.user if signed_in else None,
                guest_email=data.get("email", ""),
                language=data["language"],
                category=data["category"],
                address=client_address(request) or None,
                wants_transcript=data["transcript"],
            )
        except services.ChatError as error:
            return Response(
                {"error": {"code": error.code, "message": error.message, "fields": {}}},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        token = "" if signed_in else guest_token(conversation)
        path = f"/ws/chat/{conversation.pk}/" + (f"?token={token}" if token else "")
        body = {
            "id": conversation.pk,
            "status": conversation.status,
            "language": conversation.language,
            "token": token,
            "websocket_url": f"{settings.WEBSOCKET_URL}{path}",
        }
        return Response(StartOutput(body).data, status=status.HTTP_201_CREATED)


class ChatParticipant(AllowAny):
    """Customers, guests (signed token) and staff: access is checked per chat in the view."""


def participant_conversation(
    request: Request, pk: int, token: str, *, for_action: Access = Access.VIEW
) -> tuple[Conversation, str]:
    """(conversation, sender kind) the caller may use, or Http404 for missing and not yours
    (livechat.selectors.conversation_get_for_user)."""
    user = request.user
    conversation = conversation_get_for_user(user=user, pk=pk, token=token, for_action=for_action)
    return conversation, SenderKind.AGENT if is_staff_member(user) else SenderKind.CUSTOMER


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField()
    client_id = serializers.CharField(max_length=64)
    token = serializers.CharField(required=False, allow_blank=True)


# Like the ticket API: a file too large is 413, a file of a kind we refuse 415.
UPLOAD_REFUSALS = {
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "unsupported_file": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


class AttachmentAck(serializers.Serializer):
    """The acknowledgement the sender's socket gets too (empty when there is none)."""

    type = serializers.CharField(required=False, help_text="`ack`")
    conversation = serializers.IntegerField(required=False)
    client_id = serializers.CharField(required=False)
    id = serializers.IntegerField(required=False, help_text="The chat message with the file.")


class AttachmentUploadView(APIView):
    """Send an image or a PDF into a chat; it arrives on the sockets like any message."""

    permission_classes = [ChatParticipant]
    parser_classes = [MultiPartParser]
    throttle_classes = [AnonThrottle, UserThrottle]

    @extend_schema(request=AttachmentInput, responses={201: AttachmentAck})
    def post(self, request: Request, pk: int) -> Response:
        given = AttachmentInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        conversation, sender = participant_conversation(
            request, pk, data.get("token", ""), for_action=Access.ACT
        )
        try:
            upload = attachments.read_upload(data["file"], language=conversation.language)
            posted = attachments.conversation_attach(
                conversation_id=conversation.pk,
                sender=sender,
                author=request.user if request.user.is_authenticated else None,
                client_id=data["client_id"],
                upload=upload,
            )
        except services.ChatError as error:
            body = {"error": {"code": error.code, "message": error.message, "fields": {}}}
            refusal = UPLOAD_REFUSALS.get(error.code, status.HTTP_400_BAD_REQUEST)
            return Response(body, status=refusal)
        outcome = publish.publish(posted, client_id=data["client_id"])
        notify.broadcast(outcome)
        ack = outcome.replies[0] if outcome.replies else {}
        return Response(ack, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    """A chat's file, for the people of that chat only."""

    permission_classes = [ChatParticipant]

    @extend_schema(responses={(200, "*/*"): bytes})  # the file, with its stored type
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = ChatAttachment.objects.select_related("message").filter(pk=pk).first()
        if attachment is None:
            raise Http404
        token = request.query_params.get("token", "")
        _conversation, who = participant_conversation(
            request, attachment.message.conversation_id, token
        )
        if attachment.message.internal and who != SenderKind.AGENT:
            raise Http404
        return file_download(
            attachment.file.open("rb"),
            filename=attachment.name,
            content_type=attachment.content_type,
            inline=True,  # honoured for raster images only
        )
