"""The verification API: the same answers as the public page (helpcenter.verification)."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helpcenter.verification import check_answer, code_answer
from support.api_throttles import AnonThrottle, OfficialCheckThrottle
from support.official.models import Kind
from support.official.services import channel_check, official_list, verification_code_find
from support.taxonomy import LANGUAGE_CODES


class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=LANGUAGE_CODES, required=False, default="en", **kwargs)


class CheckQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    value = serializers.CharField(max_length=254)
    lang = LanguageField()


class CodeQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    lang = LanguageField()


class AnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["official", "not_official", "lookalike", "invalid"])
    official = serializers.BooleanField()
    message = serializers.CharField()
    value = serializers.CharField()
    looks_like = serializers.CharField()


class OfficialChannelSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    value = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class OfficialChannelsSerializer(serializers.Serializer):
    results = OfficialChannelSerializer(many=True)


def _answer(answer) -> dict:
    return {
        "status": answer.status,
        "official": answer.status == "official",
        "message": answer.message,
        "value": answer.value,
        "looks_like": answer.looks_like,
    }


class VerifyCheckView(APIView):
    """Is this Telegram handle, X account, email address, phone number or domain ours?"""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OfficialCheckThrottle]

    @extend_schema(parameters=[CheckQuerySerializer], responses=AnswerSerializer)
    def get(self, request: Request) -> Response:
        params = CheckQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        with translation.override(data["lang"]):
            result = channel_check(kind=data["kind"], value=data["value"], language=data["lang"])
            return Response(_answer(check_answer(result)))


class VerifyCodeView(APIView):
    """Did a message carrying this verification code come from us?"""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OfficialCheckThrottle]

    @extend_schema(parameters=[CodeQuerySerializer], responses=AnswerSerializer)
    def get(self, request: Request) -> Response:
        params = CodeQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        with translation.override(data["lang"]):
            return Response(_answer(code_answer(verification_code_find(data["code"]))))


class OfficialChannelsView(APIView):
    """Our official channels for readers of a language."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGE_CODES))],
        responses=OfficialChannelsSerializer,
    )
    def get(self, request: Request) -> Response:
        lang = request.query_params.get("lang", "en")
        if lang not in LANGUAGE_CODES:
            raise serializers.ValidationError({"lang": [_("Unsupported language.")]})
        rows = official_list(lang)
        return Response(
            {
                "results": [
                    {"kind": r.kind, "value": r.value, "description": r.description_in(lang)}
                    for r in rows
                ]
            }
        )
