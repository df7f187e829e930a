"""The one place livechat reaches the help center: articles for a customer's question.

The bot answers only from public articles (it searches as an anonymous reader). Each search is
recorded with source "chat", so chat questions reach the help center's no-good-answer report.
Should the help center be missing or fail, the bot finds nothing and falls back to clarifying and
handing off instead of breaking the chat.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation

logger = logging.getLogger(__name__)
DEFAULT_ANSWER_THRESHOLD = 0.3


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    snippet: str
    score: float
    url: str


def search_articles(query: str, *, lang: str, limit: int = 3, record: bool = True) -> list[Article]:
    """The best help-center articles for `query`, best first, scores in [0, 1]."""
    try:
        from helpcenter.search import search
    except ImportError:
        return []
    try:
        with transaction.atomic():  # a failing query must not break the caller's transaction
            results = search(query, language=lang, user=AnonymousUser(), limit=limit)
    except Exception:  # the bot must keep talking when search breaks; the agent takes over
        logger.exception("help-center search failed")
        return []
    articles = [_article(result, lang=lang) for result in list(results)[:limit]]
    if record and query.strip():
        _record_search(query, lang=lang, articles=articles)
    return articles


def _record_search(query: str, *, lang: str, articles: list[Article]) -> None:
    """Record the bot's search (redacted by the help center); a failure is only logged."""
    try:
        from helpcenter.models import SearchRecord
        from helpcenter.services import search_record
    except ImportError:
        return
    try:
        with transaction.atomic():  # a failing insert must not break the caller's transaction
            search_record(
                query=query,
                language=lang,
                source=SearchRecord.Source.CHAT,
                results_count=len(articles),
                best_score=articles[0].score if articles else 0.0,
            )
    except Exception:  # analytics must never stop the bot from answering
        logger.exception("recording a chat search failed")


def _article(result: object, *, lang: str) -> Article:
    get = result.get if isinstance(result, dict) else lambda name: getattr(result, name, "")
    slug = str(get("slug"))
    return Article(
        slug=slug,
        title=str(get("title")),
        snippet=str(get("snippet") or "")[:200],
        score=float(get("score") or 0.0),
        url=str(get("url") or "") or _article_url(slug, lang=lang),
    )


def answer_threshold() -> float:
    """The help center's own score above which a result answers the question."""
    try:
        from helpcenter.search import ANSWER_THRESHOLD
    except ImportError:
        return DEFAULT_ANSWER_THRESHOLD
    return ANSWER_THRESHOLD


def _article_url(slug: str, *, lang: str) -> str:
    try:
        with translation.override(lang):
            return reverse("helpcenter:article", args=[slug])
    except NoReverseMatch:
        return ""
