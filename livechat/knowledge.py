"""The one place livechat reaches the help center: articles for a customer's question.

The bot answers only from public articles (it searches as an anonymous reader). Each search is
recorded with source "chat", so chat questions reach the help center's no-good-answer report.
Should the search fail, the bot finds nothing and falls back to clarifying and handing off
instead of breaking the chat.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from helpcenter.models import SearchRecord
from helpcenter.search import ANSWER_THRESHOLD, Result, search
from helpcenter.services import MAX_QUERY, normalized_query, search_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    snippet: str
    score: float
    url: str


def search_articles(query: str, *, lang: str, limit: int = 3, record: bool = True) -> list[Article]:
    """The best help-center articles for `query`, best first, scores in [0, 1]."""
    return search_articles_recorded(query, lang=lang, limit=limit, record=record)[0]


def search_articles_recorded(
    query: str, *, lang: str, limit: int = 3, record: bool = True
) -> tuple[list[Article], int | None]:
    """`search_articles`, and the id of the search record it wrote (None: not recorded)."""
    try:
        with transaction.atomic():  # a failing query must not break the caller's transaction
            results = search(query, language=lang, user=AnonymousUser(), limit=limit)
    except Exception:  # the bot must keep talking when search breaks; the agent takes over
        logger.exception("help-center search failed")
        return [], None
    articles = [_article(result) for result in results[:limit]]
    if record and query.strip():
        return articles, _record_search(query, lang=lang, articles=articles)
    return articles, None


def _record_search(query: str, *, lang: str, articles: list[Article]) -> int | None:
    """Record the bot's search (redacted by the help center); a failure is only logged."""
    try:
        with transaction.atomic():  # a failing insert must not break the caller's transaction
            return search_record(
                query=query,
                language=lang,
                source=SearchRecord.Source.CHAT,
                results_count=len(articles),
                best_score=articles[0].score if articles else 0.0,
            ).pk
    except Exception:  # analytics must never stop the bot from answering
        logger.exception("recording a chat search failed")
        return None


def search_redact(*, search_id: int, query: str) -> None:
    """Store `query` (already redacted) as the text of the bot's search `search_id`: the
    message it searched for turned out to hold part of a secret."""
    text = query.strip()[:MAX_QUERY]
    SearchRecord.objects.filter(pk=search_id, source=SearchRecord.Source.CHAT).update(
        query=text, normalized_query=normalized_query(text)
    )


def _article(result: Result) -> Article:
    return Article(
        slug=result.slug,
        title=result.title,
        snippet=result.snippet[:200],
        score=result.score,
        url=result.url,
    )


def answer_threshold() -> float:
    """The help center's own score above which a result answers the question."""
    return ANSWER_THRESHOLD
