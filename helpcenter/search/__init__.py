"""Help-center search: `search(query, language=…, user=…)` → results, best first.

Scores lie in [0, 1]: the share of the query's information found in the article. A caller
that answers on its own (the chat bot) should only do so at or above `ANSWER_THRESHOLD`.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import translation

from helpcenter.models import Article
from helpcenter.search.engine import query_tokens, rank_articles
from helpcenter.text import article_text

# Measured (docs/helpcenter.md): 99 % of the correct first answers of the dev and probe queries
# score ≥ 0.15; questions the help center does not cover scored ≤ 0.14 (but crypto price talk 0.17).
ANSWER_THRESHOLD = 0.15
MAX_RESULTS = 10
SNIPPET_CHARS = 160
MARKDOWN_NOISE = re.compile(r"[*_`#>\[\]]+|\(https?://[^)]*\)")


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
    ranked = rank_articles(query, language=language, articles=visible)[:limit]
    articles = Article.objects.in_bulk([article_id for article_id, _s, _l in ranked])
    return [
        _result(articles[article_id], score, query, language)
        for article_id, score, _lang in ranked
        if article_id in articles
    ]


def _result(article: Article, score: float, query: str, language: str) -> Result:
    text = article_text(article, language)
    return Result(
        slug=article.slug,
        title=text.title,
        snippet=snippet(text.body, query),
        score=score,
        language=text.language,
        url=_article_url(article, language),
    )


def _article_url(article: Article, language: str) -> str:
    """The article page in the reader's language, whatever language is active here."""
    with translation.override(language):
        return article.get_absolute_url()


def snippet(body: str, query: str) -> str:
    """The line of the body that shares most tokens with the query, shortened."""
    lines = [MARKDOWN_NOISE.sub("", line).strip(" -") for line in body.splitlines()]
    lines = [line for line in lines if len(line) > 20] or [MARKDOWN_NOISE.sub("", body)]
    wanted = set(query_tokens(query))
    best = max(lines, key=lambda line: len(wanted & set(query_tokens(line))))
    if len(best) <= SNIPPET_CHARS:
        return best
    return best[:SNIPPET_CHARS].rstrip() + "…"


__all__ = ["ANSWER_THRESHOLD", "Result", "search"]
