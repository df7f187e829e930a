from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from support.permissions import IsSignedIn, IsStaffMember
from support.roles import user_roles
from support.services import user_preferred_language
from support.taxonomy import LANGUAGE_CODES
from support.text import analyze


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField(allow_null=True)


class MeView(APIView):
    """Who the caller is: used by tools to check a token."""

    permission_classes = [IsSignedIn]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        data = {
            "id": user.pk,
            "email": user.email,
            "roles": sorted(user_roles(user)),
            "language": user_preferred_language(user),
        }
        return Response(MeSerializer(data).data)


ANALYZE_MAX_CHARS = 100_000


class AnalyzeInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=ANALYZE_MAX_CHARS, allow_blank=True, trim_whitespace=False
    )
    lang = serializers.ChoiceField(choices=list(LANGUAGE_CODES), required=False)


class SecretOutput(serializers.Serializer):
    kind = serializers.CharField()


class EntityOutput(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()
    network = serializers.CharField(required=False)


class AnalyzeOutput(serializers.Serializer):
    language = serializers.CharField()
    category = serializers.CharField()
    category_confidence = serializers.FloatField()
    needs_triage = serializers.BooleanField()
    sentiment = serializers.CharField()
    sentiment_score = serializers.FloatField()
    strongly_negative = serializers.BooleanField()
    urgent = serializers.BooleanField()
    redacted_text = serializers.CharField()
    secrets = SecretOutput(many=True)
    entities = EntityOutput(many=True)
    network_mismatch = serializers.DictField(allow_null=True)
    security_followup = serializers.BooleanField()


class AnalyzeView(APIView):
    """Run the text analysers on a message, as intake, chat and complaints do (staff only)."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=AnalyzeInput, responses=AnalyzeOutput)
    def post(self, request: Request) -> Response:
        given = AnalyzeInput(data=request.data)
        given.is_valid(raise_exception=True)
        analysis = analyze(given.validated_data["text"], lang_hint=given.validated_data.get("lang"))
        return Response(analysis.as_dict())
