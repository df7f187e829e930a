import re

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helpcenter import services
from helpcenter.learning.visitors import visitor_key
from helpcenter.models import DeflectionRecord, SearchRecord
from helpcenter.search import CommunityResult, Result, search_with_community
from helpcenter.selectors import current_announcements
from helpcenter.text import LANGUAGES
from support.api_throttles import AnonThrottle, SearchEventThrottle, SearchThrottle, UserThrottle
from support.parsers import FormParser, JSONParser

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True)
    lang = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(
        choices=SearchRecord.Source.choices, required=False, default=SearchRecord.Source.HELP_SEARCH
    )
    live = serializers.BooleanField(required=False, default=False)

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


class CommunityResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The community topic.")
    title = serializers.CharField()
    snippet = serializers.CharField(allow_blank=True)
    score = serializers.FloatField(
        help_text="In [0, 1] on the community index's own scale (not comparable with articles)."
    )
    language = serializers.CharField(help_text="The topic's language.")
    url = serializers.CharField(help_text="The topic page in the reader's language.")
    answered = serializers.BooleanField(
        help_text="Someone other than the asker replied, or a reply was accepted as the answer."
    )
    staff_answer = serializers.BooleanField(help_text="Support staff replied.")
    accepted_answer = serializers.BooleanField(
        help_text="The asker or support accepted a reply as the answer."
    )


class SearchResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)
    community = CommunityResultSerializer(
        many=True,
        help_text="Community forum topics (answers from other customers, not official), best "
        "first, at most 3; never part of `results`.",
    )
    search_id = serializers.IntegerField(
        allow_null=True, help_text="Report a click or a deflection for this search with it."
    )


class SearchView(APIView):
    """Help-center search, best first; scores in [0, 1] (see helpcenter.search.ANSWER_THRESHOLD)."""

    permission_classes = [AllowAny]
    throttle_classes = [SearchThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="What the reader is looking for."),
            OpenApiParameter("lang", str, enum=list(LANGUAGES), description="Reader's language."),
            OpenApiParameter(
                "source", str, enum=SearchRecord.Source.values, description="Where it was typed."
            ),
            OpenApiParameter(
                "live",
                bool,
                description="Suggestions while the reader is still typing: not recorded.",
            ),
        ],
        responses=SearchResponseSerializer,
    )
    def get(self, request: Request) -> Response:
        # Control characters (a NUL would fail CharField) carry no meaning in a query.
        query = CONTROL_CHARACTERS.sub(" ", request.query_params.get("q", ""))
        params = SearchQuerySerializer(
            data={
                "q": query,
                "lang": request.query_params.get("lang", ""),
                "source": request.query_params.get("source", SearchRecord.Source.HELP_SEARCH),
                "live": request.query_params.get("live", False),
            }
        )
        params.is_valid(raise_exception=True)
        language = params.validated_data.get("lang") or _request_language()
        query = params.validated_data["q"]
        results, community = search_with_community(query, language=language, user=request.user)
        record = None
        if query and not params.validated_data["live"]:
            record = services.search_record_results(
                query=query,
                language=language,
                source=params.validated_data["source"],
                results=results,
                visitor=visitor_key(request),
            )
        return Response(search_response(results, community, record.pk if record else None))


def search_response(
    results: list[Result], community: list[CommunityResult], search_id: int | None
) -> dict:
    """The answer as `SearchResponseSerializer` documents it, field for field, shaped by hand:
    the serializers' deep copies of their fields cost most of a millisecond per search."""
    return {
        "results": [
            {
                "slug": str(result.slug),
                "title": str(result.title),
                "snippet": str(result.snippet),
                "score": float(result.score),
                "language": str(result.language),
            }
            for result in results
        ],
        "community": [
            {
                "id": int(topic.id),
                "title": str(topic.title),
                "snippet": str(topic.snippet),
                "score": float(topic.score),
                "language": str(topic.language),
                "url": str(topic.url),
                "answered": bool(topic.answered),
                "staff_answer": bool(topic.staff_answer),
                "accepted_answer": bool(topic.accepted_answer),
            }
            for topic in community
        ],
        "search_id": search_id,
    }


class ClickSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=120)


class DeflectionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DeflectionRecord.Outcome.choices)
    slug = serializers.SlugField(max_length=120, required=False, default="")


class SearchClickView(APIView):
    """The reader opened an article from a search's results (204; 404 for an unknown search).

    Anonymous by design (a beacon from any page, no session or CSRF token): it can only set
    the clicked article of that one recent search, once.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SearchEventThrottle]

    @extend_schema(request=ClickSerializer, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        data = ClickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.search_record_click(search_id=pk, slug=data.validated_data["slug"])
        except SearchRecord.DoesNotExist:
            raise NotFound from None
        return Response(status=204)


class SearchDeflectionView(APIView):
    """After suggestions for a search, the customer left without writing (or wrote anyway)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]  # the contact form's pagehide beacon is a form
    throttle_classes = [SearchEventThrottle]

    @extend_schema(request=DeflectionSerializer, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        data = DeflectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.deflection_record(search_id=pk, **data.validated_data)
        except SearchRecord.DoesNotExist:
            raise NotFound from None
        return Response(status=204)


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
    throttle_classes = [AnonThrottle, UserThrottle]

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
