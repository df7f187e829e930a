import re

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from helpcenter.search import search
from helpcenter.selectors import current_announcements
from helpcenter.text import LANGUAGES

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True)
    lang = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_lang(self, value: str) -> str:
        if value and value not in LANGUAGES:
            raise serializers.ValidationError(
                _("Unsupported language “%(lang)s”: use one of %(allowed)s.")
                % {"lang": value[:20], "allowed": ", ".join(LANGUAGES)}
            )
        return value


class SearchResultSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    snippet = serializers.CharField()
    score = serializers.FloatField()
    language = serializers.CharField()


class SearchResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)


class SearchView(APIView):
    """Help-center search, best first; scores in [0, 1] (see helpcenter.search.ANSWER_THRESHOLD)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="What the reader is looking for."),
            OpenApiParameter("lang", str, enum=list(LANGUAGES), description="Reader's language."),
        ],
        responses=SearchResponseSerializer,
    )
    def get(self, request: Request) -> Response:
        # Control characters (a NUL would fail CharField) carry no meaning in a query.
        query = CONTROL_CHARACTERS.sub(" ", request.query_params.get("q", ""))
        params = SearchQuerySerializer(
            data={"q": query, "lang": request.query_params.get("lang", "")}
        )
        params.is_valid(raise_exception=True)
        language = params.validated_data.get("lang") or _request_language()
        results = search(params.validated_data["q"], language=language, user=request.user)
        return Response(SearchResponseSerializer({"results": results}).data)


def _request_language() -> str:
    language = get_language() or "en"
    return language if language in LANGUAGES else "en"


class AnnouncementSerializer(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField()
    severity = serializers.CharField()
    language = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)


class AnnouncementsResponseSerializer(serializers.Serializer):
    announcements = AnnouncementSerializer(many=True)


class AnnouncementsView(APIView):
    """Announcements shown now, most severe first (for banners on any page)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGES))],
        responses=AnnouncementsResponseSerializer,
    )
    def get(self, request: Request) -> Response:
        params = SearchQuerySerializer(data={"lang": request.query_params.get("lang", "")})
        params.is_valid(raise_exception=True)
        language = params.validated_data.get("lang") or _request_language()
        banners = current_announcements(language=language, now=timezone.now())
        return Response(AnnouncementsResponseSerializer({"announcements": banners}).data)
