"""Reads: what a person may see of the help center."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from helpcenter.models import (
    Announcement,
    Article,
    ArticleFeedback,
    Category,
    DeflectionRecord,
    ForumPost,
    ForumTopic,
    SearchRecord,
    Section,
)
from helpcenter.search import ANSWER_THRESHOLD
from helpcenter.text import LANGUAGES, article_text, human_text
from support.roles import STAFF_ROLES, is_staff_member

POPULAR_COUNT = 8


def article_get_for_user(*, user: AbstractBaseUser | AnonymousUser, slug: str) -> Article:
    """The article, or 404 when it is missing, unpublished or internal to a non-agent."""
    return get_object_or_404(
        Article.objects.visible_to(user).select_related("section__category"), slug=slug
    )


def popular_articles(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Article]:
    return Article.objects.visible_to(user).order_by("-view_count", "-helpful_count", "pk")[
        :POPULAR_COUNT
    ]


def categories_with_sections(*, user: AbstractBaseUser | AnonymousUser) -> list[Category]:
    """Categories whose sections hold at least one article the user may read."""
    visible = Article.objects.visible_to(user).order_by("pk")
    sections = Section.objects.filter(articles__in=visible).distinct().order_by("position", "slug")
    categories = Category.objects.filter(sections__in=sections).distinct()
    categories = categories.prefetch_related(
        Prefetch("sections", queryset=sections, to_attr="visible_sections")
    )
    return list(categories.order_by("position", "slug"))


def category_get(*, user: AbstractBaseUser | AnonymousUser, slug: str) -> Category:
    for category in categories_with_sections(user=user):
        if category.slug == slug:
            return category
    raise Http404


def section_articles(
    *, user: AbstractBaseUser | AnonymousUser, category_slug: str, slug: str
) -> tuple[Section, list[Article]]:
    section = get_object_or_404(
        Section.objects.select_related("category"), category__slug=category_slug, slug=slug
    )
    articles = list(Article.objects.visible_to(user).filter(section=section).order_by("slug"))
    if not articles:
        raise Http404
    return section, articles


def articles_by_section(
    *, user: AbstractBaseUser | AnonymousUser, sections: list[Section]
) -> dict[int, list[Article]]:
    grouped: dict[int, list[Article]] = {section.pk: [] for section in sections}
    for article in Article.objects.visible_to(user).filter(section__in=sections).order_by("slug"):
        grouped[article.section_id].append(article)
    return grouped


STALE_AFTER_DAYS = 180


@dataclass(frozen=True)
class TranslationRow:
    article: Article
    states: list[tuple[str, str]]  # (language, "human" | "converted" | "missing")


def translation_status() -> list[TranslationRow]:
    """Which language of each article is written by a person, converted, or missing."""
    rows = []
    for article in Article.objects.exclude(status=Article.Status.ARCHIVED).order_by("slug"):
        states = []
        for language in LANGUAGES:
            if human_text(article, language) is not None:
                state = "human"
            elif language == "zh-hant" and human_text(article, "zh-hans") is not None:
                state = "converted"
            else:
                state = "missing"
            states.append((language, state))
        rows.append(TranslationRow(article, states))
    return rows


@dataclass(frozen=True)
class FeedbackRow:
    article: Article
    votes: int
    helpful_share: float | None
    stale: bool


def feedback_report(*, today: date) -> list[FeedbackRow]:
    """Published articles, least helpful first, flagging those not reviewed for half a year."""
    stale_before = today - timedelta(days=STALE_AFTER_DAYS)
    rows = []
    for article in Article.objects.published().order_by("slug"):
        votes = article.helpful_count + article.not_helpful_count
        share = article.helpful_count / votes if votes else None
        stale = article.last_reviewed is None or article.last_reviewed < stale_before
        rows.append(FeedbackRow(article, votes, share, stale))
    return sorted(rows, key=lambda row: (row.helpful_share is None, row.helpful_share or 0))


@dataclass(frozen=True)
class Banner:
    title: str
    body: str
    severity: str
    language: str
    starts_at: datetime
    ends_at: datetime | None


def current_announcements(*, language: str, now: datetime) -> list[Banner]:
    """Announcements shown now, most severe first, in the reader's language (with fallbacks)."""
    banners = []
    for announcement in Announcement.objects.current(now):
        text = article_text(announcement, language)
        banners.append(
            Banner(
                title=text.title,
                body=text.body,
                severity=announcement.severity,
                language=text.language,
                starts_at=announcement.starts_at,
                ends_at=announcement.ends_at,
            )
        )
    return banners


TOPICS_PER_PAGE = 30


def community_topics(
    *, user: AbstractBaseUser | AnonymousUser, before: datetime | None = None
) -> list[ForumTopic]:
    """Latest active topics first, a page at a time (keyset on last_post_at, no COUNT)."""
    topics = ForumTopic.objects.visible_to(user).select_related("author")
    if before is not None:
        topics = topics.filter(last_post_at__lt=before)
    return list(topics.order_by("-last_post_at", "-pk")[:TOPICS_PER_PAGE])


def topic_get_for_user(
    *, user: AbstractBaseUser | AnonymousUser, pk: int
) -> tuple[ForumTopic, list[ForumPost]]:
    topic = get_object_or_404(ForumTopic.objects.visible_to(user), pk=pk)
    posts = topic.posts.select_related("author")
    if not is_staff_member(user):
        posts = posts.filter(hidden=False)
    return topic, list(posts)


def staff_authors(posts: list[ForumPost]) -> set[int]:
    """Which of the posts' authors work for support (one query): only they get the badge, so a
    customer cannot pass for staff by a name."""
    ids = {post.author_id for post in posts if post.author_id}
    if not ids:
        return set()
    staff = Q(groups__name__in=STAFF_ROLES) | Q(is_superuser=True)
    users = get_user_model().objects.filter(staff, pk__in=ids)
    return set(users.values_list("pk", flat=True))


def post_get_for_user(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> ForumPost:
    """A visible post of a topic the user may see, or 404."""
    topics = ForumTopic.objects.visible_to(user)
    posts = ForumPost.objects.select_related("topic").filter(hidden=False, topic__in=topics)
    return get_object_or_404(posts, pk=pk)


NO_ANSWER_DAYS = 30
NO_ANSWER_ROWS = 50
SEARCH_FIGURES_DAYS = 7


def _no_good_answer() -> Q:
    return Q(results_count=0) | Q(best_score__lt=ANSWER_THRESHOLD)


@dataclass(frozen=True)
class NoAnswerRow:
    normalized_query: str
    language: str
    searches: int
    best_score: float
    example: str  # one of the (redacted) queries as typed


def no_answer_searches(*, now: datetime, limit: int = NO_ANSWER_ROWS) -> list[NoAnswerRow]:
    """The most frequent searches of the last 30 days with no result scoring ANSWER_THRESHOLD."""
    rows = (
        SearchRecord.objects.filter(
            _no_good_answer(), created_at__gte=now - timedelta(days=NO_ANSWER_DAYS)
        )
        .values("normalized_query", "language")
        .annotate(searches=Count("pk"), best_score=Max("best_score"), example=Max("query"))
        .order_by("-searches", "normalized_query", "language")[:limit]
    )
    return [NoAnswerRow(**row) for row in rows]


def search_figures(*, now: datetime) -> list[dict]:
    """Searches of the last 7 days, the share without a good answer, and deflections."""
    since = now - timedelta(days=SEARCH_FIGURES_DAYS)
    searches = SearchRecord.objects.filter(created_at__gte=since).aggregate(
        total=Count("pk"), unanswered=Count("pk", filter=_no_good_answer())
    )
    unanswered = (
        f"{searches['unanswered'] * 100 // searches['total']} %" if searches["total"] else "—"
    )
    deflected = DeflectionRecord.objects.filter(
        created_at__gte=since, outcome=DeflectionRecord.Outcome.DEFLECTED
    ).count()
    return [
        {"label": _("Searches (7 days)"), "value": searches["total"]},
        {"label": _("Searches with no good answer (7 days)"), "value": unanswered},
        {"label": _("Deflections (7 days)"), "value": deflected},
    ]


def dashboard_panel(*, now: datetime | None = None) -> dict:
    """Figures for the supervisors' dashboard (support.registry)."""
    now = now or timezone.now()
    recent = ArticleFeedback.objects.filter(created_at__gte=now - timedelta(days=30))
    votes = recent.aggregate(total=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
    share = f"{votes['helpful'] * 100 // votes['total']} %" if votes["total"] else "—"
    stale = sum(1 for row in feedback_report(today=now.date()) if row.stale)
    return {
        "title": _("Help center"),
        "figures": [
            {"label": _("Published articles"), "value": Article.objects.published().count()},
            {"label": _("Found helpful (30 days)"), "value": share},
            {"label": _("Votes (30 days)"), "value": votes["total"]},
            {"label": _("Articles due for review"), "value": stale},
            *search_figures(now=now),
        ],
    }


def customer_feedback_rows(customer: AbstractBaseUser) -> list[dict]:
    """The customer 360 panel: help articles this customer rated, newest first."""
    feedback = ArticleFeedback.objects.filter(user=customer).select_related("article")[:10]
    return [
        {
            "title": article_text(item.article, "en").title,
            "status": _("helpful") if item.helpful else _("not helpful"),
            "url": item.article.get_absolute_url(),
        }
        for item in feedback
    ]
