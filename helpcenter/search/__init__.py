"""Help-center search: `search(query, language=…, user=…)` → article results, best first;
`search_community(query, …)` → community topics, best first, on their own scale.

Article scores lie in [0, 1]: the share of the query's information found in the article,
times the query's answer confidence factor (`helpcenter.search.confidence`), so the first
result's score is the confidence. A caller that answers on its own (the chat bot) should only
do so at or above `ANSWER_THRESHOLD`, and only from articles: community answers are not ours.
"""

import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.utils import translation

from helpcenter.models import Article, CommunityDocument
from helpcenter.search.engine import PRIOR_WEIGHT, query_tokens, rank_articles, rank_topics
from helpcenter.search.index import snippet_lines
from helpcenter.text import LocalizedText, article_text, to_traditional

# Chosen on the tune half of the self-service queries (docs/helpcenter.md): 95 % of the
# answerable ones reach it, 73 % of those we have no article for stay below.
ANSWER_THRESHOLD = 0.10
MAX_RESULTS = 10
MAX_COMMUNITY_RESULTS = 3
SNIPPET_CHARS = 160
LINES_SQL = (
    "SELECT article_id, language, lines FROM helpcenter_searchdocument"
    " WHERE (article_id, language) IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))"
)


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
    """Published articles the user may read that answer the query, best first."""
    query = (query or "").strip()
    if not query:
        return []
    visible = Article.objects.visible_to(user)
    ranked = rank_articles(query, language=language, articles=visible, limit=limit)
    articles = Article.objects.in_bulk([article_id for article_id, _s, _l in ranked])
    texts = {pk: article_text(article, language) for pk, article in articles.items()}
    lines = _snippet_lines(texts)
    wanted = set(query_tokens(query))
    return [
        _result(articles[article_id], texts[article_id], score, lines, wanted, language)
        for article_id, score, _lang in ranked
        if article_id in articles
    ]


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
    ranked = rank_topics(query, language=language, weigh=_topic_weights, limit=limit)
    documents = CommunityDocument.objects.select_related("topic").in_bulk(
        [topic_id for topic_id, _s, _l in ranked], field_name="topic_id"
    )
    wanted = set(query_tokens(query))
    return [
        _community_result(documents[topic_id], score, wanted, language)
        for topic_id, score, _lang in ranked
        if topic_id in documents and not documents[topic_id].topic.hidden
    ]


def _topic_weights(topic_ids: set[int]) -> dict[int, float]:
    """The visible topics among `topic_ids`: one with an accepted answer weighs most, an
    answered one a little less, an unanswered one less again."""
    documents = CommunityDocument.objects.filter(topic_id__in=topic_ids, topic__hidden=False)
    rows = documents.values_list("topic_id", "answered", "accepted_answer")
    return {
        topic_id: 1.0 if accepted else 1 - PRIOR_WEIGHT / 2 if answered else 1 - PRIOR_WEIGHT
        for topic_id, answered, accepted in rows
    }


def _community_result(
    document: CommunityDocument, score: float, wanted: set[str], language: str
) -> CommunityResult:
    topic = document.topic
    with translation.override(language):
        url = topic.get_absolute_url()
    return CommunityResult(
        id=topic.pk,
        title=topic.title,
        snippet=snippet(document.lines, wanted) if document.lines else "",
        score=score,
        language=topic.language,
        url=url,
        answered=document.answered,
        staff_answer=document.staff_answer,
        accepted_answer=document.accepted_answer,
    )


def _snippet_lines(texts: dict[int, LocalizedText]) -> dict[tuple[int, str], list]:
    """{(article id, language): indexed body lines} for the texts shown (a converted
    traditional Chinese text uses the lines of the simplified one)."""
    wanted = [(pk, "zh-hans" if text.converted else text.language) for pk, text in texts.items()]
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(LINES_SQL, [[pk for pk, _l in wanted], [lang for _pk, lang in wanted]])
        rows = cursor.fetchall()
    return {(pk, language): json.loads(lines) for pk, language, lines in rows}


def _result(
    article: Article,
    text: LocalizedText,
    score: float,
    lines: dict[tuple[int, str], list],
    wanted: set[str],
    language: str,
) -> Result:
    indexed = lines.get((article.pk, "zh-hans" if text.converted else text.language))
    shown = snippet(indexed if indexed is not None else snippet_lines(text.body), wanted)
    return Result(
        slug=article.slug,
        title=text.title,
        snippet=to_traditional(shown) if text.converted else shown,
        score=score,
        language=text.language,
        url=_article_url(article, language),
    )


def _article_url(article: Article, language: str) -> str:
    """The article page in the reader's language, whatever language is active here."""
    with translation.override(language):
        return article.get_absolute_url()


def snippet(lines: list, wanted: set[str]) -> str:
    """The body line that shares most tokens with the query, shortened."""
    best, _tokens = max(lines, key=lambda line: len(wanted.intersection(line[1])))
    if len(best) <= SNIPPET_CHARS:
        return best
    return best[:SNIPPET_CHARS].rstrip() + "…"


__all__ = ["ANSWER_THRESHOLD", "CommunityResult", "Result", "search", "search_community"]
