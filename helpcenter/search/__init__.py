"""Help-center search: `search(query, language=…, user=…)` → article results, best first;
`search_community(query, …)` → community topics, best first, on their own scale.

Article scores lie in [0, 1]: the share of the query's information found in the article,
times the query's answer confidence factor (`helpcenter.search.confidence`), so the first
result's score is the confidence. A caller that answers on its own (the chat bot) should only
do so at or above `ANSWER_THRESHOLD`, and only from articles: community answers are not ours.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils import translation

from helpcenter.models import Article
from helpcenter.search.engine import QueryText, rank_articles, rank_topics, read_query
from helpcenter.search.index import snippet_lines
from helpcenter.search.kept import (
    ArticleTable,
    KeptArticles,
    KeptTopics,
    Lines,
    ShownText,
    TopicRow,
    kept_articles,
    kept_both,
    kept_topics,
)
from helpcenter.search.learned import learned_boosts
from helpcenter.text import article_text, to_traditional
from support.roles import is_staff_member

# Chosen on the tune half of the self-service queries (docs/helpcenter.md): 95 % of the
# answerable ones reach it, 73 % of those we have no article for stay below.
ANSWER_THRESHOLD = 0.10
MAX_RESULTS = 10
MAX_COMMUNITY_RESULTS = 3
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Result:
    slug: str
    title: str
    snippet: str
    score: float
    language: str  # the language of the title and snippet shown
    url: str


def search(
    query: str,
    *,
    language: str,
    user: AbstractBaseUser | AnonymousUser,
    limit: int = MAX_RESULTS,
) -> list[Result]:
    """Published articles the user may read that answer the query, best first.

    Reads what this process keeps (`helpcenter.search.kept`): once it is warm, no SQL."""
    query = (query or "").strip()
    if not query:
        return []
    read = read_query(query)
    return _search(query, read, language=language, user=user, limit=limit, kept=kept_articles())


def _search(
    query: str,
    read: QueryText,
    *,
    language: str,
    user: AbstractBaseUser | AnonymousUser,
    limit: int,
    kept: KeptArticles,
) -> list[Result]:
    ranked = rank_articles(
        query,
        read=read,
        language=language,
        index=kept.index,
        weigh=kept.table.weigh(staff=is_staff_member(user)),
        boosts=learned_boosts(query, language=language, kept=kept.learned),
        limit=limit,
    )
    texts = {pk: kept.table.shown_text(pk, language) for pk, _score, _lang in ranked}
    lines = kept.lines.read((pk, text.document) for pk, text in texts.items() if text)
    wanted = set(read.tokens)
    results = [
        _result(pk, score, texts[pk], lines, kept.table, wanted, language)
        for pk, score, _lang in ranked
    ]
    return [result for result in results if result is not None]


@dataclass(frozen=True)
class CommunityResult:
    id: int  # the topic
    title: str
    snippet: str
    score: float  # on the community index's own scale: not comparable with article scores
    language: str  # the topic's
    url: str
    answered: bool  # someone other than the asker replied, or an answer was accepted
    staff_answer: bool  # support staff replied
    accepted_answer: bool  # the asker or support accepted a reply


def search_community(
    query: str,
    *,
    language: str,
    user: AbstractBaseUser | AnonymousUser,
    limit: int = MAX_COMMUNITY_RESULTS,
) -> list[CommunityResult]:
    """Visible community topics that match the query, best first (answered ones a little
    ahead). The same for every reader: hidden topics and posts are not in the index, and a
    topic hidden since its postings were read is filtered here, for staff too."""
    query = (query or "").strip()
    if not query:
        return []
    return _search_community(read_query(query), language=language, limit=limit, kept=kept_topics())


def search_with_community(
    query: str, *, language: str, user: AbstractBaseUser | AnonymousUser
) -> tuple[list[Result], list[CommunityResult]]:
    """`search` and `search_community` of one query with their default limits, as the search
    page and the API show them (what is kept of both: one round trip to Redis)."""
    query = (query or "").strip()
    if not query:
        return [], []
    articles, topics = kept_both()
    read = read_query(query)
    return (
        _search(query, read, language=language, user=user, limit=MAX_RESULTS, kept=articles),
        _search_community(read, language=language, limit=MAX_COMMUNITY_RESULTS, kept=topics),
    )


def _search_community(
    read: QueryText, *, language: str, limit: int, kept: KeptTopics
) -> list[CommunityResult]:
    ranked = rank_topics(
        read, language=language, index=kept.index, weigh=kept.rows.weigh, limit=limit
    )
    rows = kept.rows.read(topic_id for topic_id, _s, _l in ranked)
    wanted = set(read.tokens)
    return [
        _community_result(topic_id, rows[topic_id], score, wanted, language)
        for topic_id, score, _lang in ranked
        if rows[topic_id] is not None and not rows[topic_id].hidden
    ]


def _community_result(
    topic_id: int, row: TopicRow, score: float, wanted: set[str], language: str
) -> CommunityResult:
    with translation.override(language):
        url = reverse("helpcenter:topic", args=[topic_id])  # ForumTopic.get_absolute_url
    return CommunityResult(
        id=topic_id,
        title=row.title,
        snippet=snippet(row.lines, wanted) if row.lines else "",
        score=score,
        language=row.language,
        url=url,
        answered=row.answered,
        staff_answer=row.staff_answer,
        accepted_answer=row.accepted_answer,
    )


def _result(
    pk: int,
    score: float,
    text: ShownText | None,
    lines: dict[tuple[int, str], Lines | None],
    table: ArticleTable,
    wanted: set[str],
    language: str,
) -> Result | None:
    indexed = lines.get((pk, text.document)) if text else None
    if indexed is None:  # not in the index (yet): shown as the article page shows it
        article = Article.objects.filter(pk=pk).first()  # None: deleted meanwhile
        return _result_from_article(article, score, wanted, language) if article else None
    shown = snippet(indexed, wanted)
    return Result(
        slug=table.entries[pk].slug,
        title=text.title,
        snippet=to_traditional(shown) if text.converted else shown,
        score=score,
        language=text.language,
        url=table.url(pk, language),
    )


def _result_from_article(article: Article, score: float, wanted: set[str], language: str) -> Result:
    text = article_text(article, language)
    shown = snippet(snippet_lines(text.body), wanted)
    with translation.override(language):
        url = article.get_absolute_url()
    return Result(
        slug=article.slug,
        title=text.title,
        snippet=to_traditional(shown) if text.converted else shown,
        score=score,
        language=text.language,
        url=url,
    )


def snippet(lines: Sequence, wanted: set[str]) -> str:
    """The body line that shares most tokens with the query, shortened."""
    best, _tokens = max(lines, key=lambda line: len(wanted.intersection(line[1])))
    if len(best) <= SNIPPET_CHARS:
        return best
    return best[:SNIPPET_CHARS].rstrip() + "…"


__all__ = [
    "ANSWER_THRESHOLD",
    "CommunityResult",
    "Result",
    "search",
    "search_community",
    "search_with_community",
]
