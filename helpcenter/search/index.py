"""The search index: one row per article and language, a tsvector of our own tokens."""

import uuid

from django.core.cache import cache
from django.db import transaction

from helpcenter.models import Article, SearchDocument
from helpcenter.search.analysis import tokens
from helpcenter.text import INDEXED_LANGUAGES, human_text

GENERATION_KEY = "helpcenter:search:generation"
MAX_POSITION = 16383
MAX_POSITIONS_PER_TOKEN = 255


def vector_literal(weighted: list[tuple[list[str], str]]) -> str:
    """A tsvector literal (`'token':1A,7B …`) of token lists, each with its weight letter."""
    positions: dict[str, list[str]] = {}
    position = 0
    for token_list, weight in weighted:
        for token in token_list:
            position = min(position + 1, MAX_POSITION)
            entries = positions.setdefault(token, [])
            if len(entries) < MAX_POSITIONS_PER_TOKEN:
                entries.append(f"{position}{weight}")
    return " ".join(f"{_quote(token)}:{','.join(entries)}" for token, entries in positions.items())


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def document_for(article: Article, language: str) -> SearchDocument | None:
    text = human_text(article, language)
    if text is None:
        return None
    japanese = language == "ja"
    heading = tokens(text.title, japanese=japanese) + tokens(" ; ".join(article.tags))
    body = tokens(text.body, japanese=japanese)
    literal = vector_literal([(heading, "A"), (body, "B")])
    return SearchDocument(article=article, language=language, vector=literal, length=len(body))


def index_article(article: Article) -> None:
    """Rebuild the article's documents (every language with human text)."""
    documents = [document_for(article, language) for language in INDEXED_LANGUAGES]
    with transaction.atomic():
        SearchDocument.objects.filter(article=article).delete()
        SearchDocument.objects.bulk_create([doc for doc in documents if doc is not None])
    transaction.on_commit(bump_generation)


def reindex_all() -> int:
    articles = list(Article.objects.all())
    for article in articles:
        index_article(article)
    return len(articles)


def bump_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def generation() -> str:
    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None)
