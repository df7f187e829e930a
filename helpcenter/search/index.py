"""The search index: per article and language a document, its postings and snippet lines.

A posting is (token, document, heading count, body count); `SearchTerm` keeps each token's
document frequency. `index_article` replaces an article's documents and adjusts the
frequencies by difference; `reindex_all` rebuilds everything in one transaction.
"""

import io
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from helpcenter.models import Article, SearchDocument
from helpcenter.search.analysis import tokens
from helpcenter.text import INDEXED_LANGUAGES, human_text

GENERATION_KEY = "helpcenter:search:generation"
MAX_OCCURRENCES = 255  # per token and document (a title weighs 5: fits a smallint)
MAX_TOKEN_CHARS = 200  # longer "words" are noise, and a B-tree entry has a size limit
MIN_SNIPPET_LINE = 20  # characters: shorter lines are headings or list stubs
MARKDOWN_NOISE = re.compile(r"[*_`#>\[\]]+|\(https?://[^)]*\)")
# Removing these marks can change a line's tokens (snake_case joins, a link's URL goes).
UNMARKED_TOKEN_CHANGE = re.compile(r"_|\(https?://")
BATCH = 100  # articles per round trip in a full rebuild


@dataclass(frozen=True)
class AnalysedDocument:
    language: str
    length: int  # body tokens
    counts: dict[str, tuple[int, int]]  # token: (title and tag occurrences, body occurrences)
    lines: list[tuple[str, list[str]]]


def occurrences(heading: list[str], body: list[str]) -> dict[str, tuple[int, int]]:
    """{token: (heading count, body count)}, at most MAX_OCCURRENCES in all, heading first."""
    heading_counts, body_counts = Counter(heading), Counter(body)
    counts = {}
    for token in dict.fromkeys(heading + body):
        if len(token) > MAX_TOKEN_CHARS:
            continue
        in_heading = min(heading_counts[token], MAX_OCCURRENCES)
        counts[token] = (in_heading, min(body_counts[token], MAX_OCCURRENCES - in_heading))
    return counts


def snippet_lines(body: str, *, japanese: bool | None = None) -> list[tuple[str, list[str]]]:
    """The lines a snippet may show (Markdown marks removed), each with its distinct tokens."""
    return [(line, list(dict.fromkeys(found))) for line, found in _lines(body, japanese)[1]]


def _lines(body: str, japanese: bool | None) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The body's tokens, and its snippet lines with theirs; each line is analysed once
    (tokens never span lines, so the body's tokens are its lines' tokens)."""
    body_tokens: list[str] = []
    shown = []
    for line in body.splitlines():
        found = tokens(line, japanese=japanese)
        body_tokens += found
        text = MARKDOWN_NOISE.sub("", line).strip(" -")
        if len(text) > MIN_SNIPPET_LINE:
            same = text == line or not UNMARKED_TOKEN_CHANGE.search(line)
            shown.append((text, found if same else tokens(text, japanese=japanese)))
    if not shown:
        text = MARKDOWN_NOISE.sub("", body)
        shown = [(text, tokens(text, japanese=japanese))]
    return body_tokens, shown


def analyse(article: Article, language: str) -> AnalysedDocument | None:
    text = human_text(article, language)
    if text is None:
        return None
    japanese = language == "ja"
    heading = tokens(text.title, japanese=japanese) + tokens(" ; ".join(article.tags))
    body, lines = _lines(text.body, japanese)
    shown = [(line, list(dict.fromkeys(found))) for line, found in lines]
    return AnalysedDocument(language, len(body), occurrences(heading, body), shown)


def index_article(article: Article) -> None:
    """Replace the article's documents (every language with human text) and their postings.

    Locks the article row, so two re-indexings of one article run one after the other."""
    analysed = [doc for lang in INDEXED_LANGUAGES if (doc := analyse(article, lang)) is not None]
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).exists()
        removed = _delete_documents(article.pk)
        _store(article.pk, analysed)
        added = Counter(token for doc in analysed for token in doc.counts)
        added.subtract(removed)
        _adjust_frequencies({token: change for token, change in added.items() if change})
    transaction.on_commit(bump_generation)


def _delete_documents(article_id: int) -> Counter:
    """Delete the article's documents; how many of them contained each token."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM helpcenter_searchposting p USING helpcenter_searchdocument d"
            " WHERE p.document_id = d.id AND d.article_id = %s RETURNING p.token",
            [article_id],
        )
        removed = Counter(token for (token,) in cursor.fetchall())
    SearchDocument.objects.filter(article_id=article_id).delete()
    return removed


def _store(article_id: int, analysed: list[AnalysedDocument]) -> list[SearchDocument]:
    documents = SearchDocument.objects.bulk_create(
        SearchDocument(
            article_id=article_id, language=doc.language, length=doc.length, lines=doc.lines
        )
        for doc in analysed
    )
    _copy_postings(
        (document.pk, token, heading, body)
        for document, doc in zip(documents, analysed, strict=True)
        for token, (heading, body) in doc.counts.items()
    )
    return documents


def _copy_postings(rows: Iterable[tuple[int, str, int, int]]) -> None:
    data = io.StringIO()
    for document_id, token, heading, body in rows:
        data.write(f"{document_id}\t{_copy_text(token)}\t{heading}\t{body}\n")
    data.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY helpcenter_searchposting (document_id, token, heading, body) FROM STDIN", data
        )


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _adjust_frequencies(changes: dict[str, int]) -> None:
    """Add each change to its token's document count (in token order: no deadlocks)."""
    if not changes:
        return
    ordered = sorted(changes)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO helpcenter_searchterm AS t (token, documents)"
            " SELECT * FROM unnest(%s::text[], %s::int[])"
            " ON CONFLICT (token) DO UPDATE SET documents = t.documents + excluded.documents",
            [ordered, [changes[token] for token in ordered]],
        )
        cursor.execute(
            "DELETE FROM helpcenter_searchterm WHERE token = ANY(%s) AND documents <= 0",
            [ordered],
        )


def reindex_all() -> int:
    """Rebuild the whole index in one transaction (searches see the old one until it ends)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM helpcenter_searchposting")
            cursor.execute("DELETE FROM helpcenter_searchdocument")
            cursor.execute("DELETE FROM helpcenter_searchterm")
        count = 0
        articles = Article.objects.order_by("pk").iterator(chunk_size=BATCH)
        for article in articles:
            analysed = [doc for lang in INDEXED_LANGUAGES if (doc := analyse(article, lang))]
            _store(article.pk, analysed)
            count += 1
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO helpcenter_searchterm (token, documents)"
                " SELECT token, count(*) FROM helpcenter_searchposting GROUP BY token"
            )
    transaction.on_commit(bump_generation)
    return count


def bump_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def generation() -> str:
    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None)
