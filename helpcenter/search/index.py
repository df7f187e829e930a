"""The search index: per article and language a document, its postings and snippet lines.

A posting is (token, document, heading count, body count); `SearchTerm` keeps each token's
document frequency. `index_article` writes what changed in an article's documents and
adjusts the frequencies by difference; `reindex_all` rebuilds everything in one transaction.
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
_changed_here = 0  # index changes by this process: it sees them before their commit bumps
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
    """Bring the article's documents (every language with human text) up to date, writing
    only the postings that changed: an edit of one paragraph rewrites a few rows.

    Locks the article row, so two re-indexings of one article run one after the other."""
    analysed = {lang: doc for lang in INDEXED_LANGUAGES if (doc := analyse(article, lang))}
    _changed()
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).exists()
        stored = {doc.language: doc for doc in SearchDocument.objects.filter(article=article)}
        old = _stored_counts(stored)
        gone = [stored[lang].pk for lang in stored.keys() - analysed.keys()]
        SearchDocument.objects.filter(pk__in=gone).delete()  # with their postings
        _save_documents(article.pk, analysed, stored)
        removed, written = [], []
        for language, doc in analysed.items():
            document_id = stored[language].pk
            before = old.get(language, {})
            removed += [(document_id, token) for token in before.keys() - doc.counts.keys()]
            written += [
                (document_id, token, *counts)
                for token, counts in doc.counts.items()
                if before.get(token) != counts
            ]
        _write_postings(removed, written)
        _adjust_frequencies(_frequency_changes(old, analysed))
    transaction.on_commit(bump_generation)


def _stored_counts(stored: dict[str, SearchDocument]) -> dict[str, dict[str, tuple[int, int]]]:
    """{language: {token: (heading, body)}} as the index holds them now."""
    languages = {doc.pk: language for language, doc in stored.items()}
    counts: dict[str, dict[str, tuple[int, int]]] = {language: {} for language in stored}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_id, token, heading, body FROM helpcenter_searchposting"
            " WHERE document_id = ANY(%s)",
            [list(languages)],
        )
        for document_id, token, heading, body in cursor.fetchall():
            counts[languages[document_id]][token] = (heading, body)
    return counts


def _save_documents(
    article_id: int, analysed: dict[str, AnalysedDocument], stored: dict[str, SearchDocument]
) -> None:
    """Create or update the documents in `stored` (by language) to match `analysed`."""
    for language, doc in analysed.items():
        document = stored.get(language)
        if document is None:
            stored[language] = SearchDocument.objects.create(
                article_id=article_id, language=language, length=doc.length, lines=doc.lines
            )
            continue
        lines = [[line, found] for line, found in doc.lines]  # as JSON gives them back
        if (document.length, document.lines) != (doc.length, lines):
            document.length, document.lines = doc.length, lines
            document.save(update_fields=["length", "lines"])


def _write_postings(removed: list[tuple[int, str]], written: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if removed:
            cursor.execute(
                "DELETE FROM helpcenter_searchposting p"
                " USING unnest(%s::bigint[], %s::text[]) AS gone (document_id, token)"
                " WHERE p.document_id = gone.document_id AND p.token = gone.token",
                [list(column) for column in zip(*removed, strict=True)],
            )
        if written:
            cursor.execute(
                "INSERT INTO helpcenter_searchposting (document_id, token, heading, body)"
                " SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::int[])"
                " ON CONFLICT (document_id, token)"
                " DO UPDATE SET heading = excluded.heading, body = excluded.body",
                [list(column) for column in zip(*written, strict=True)],
            )


def _frequency_changes(
    old: dict[str, dict[str, tuple[int, int]]], analysed: dict[str, AnalysedDocument]
) -> dict[str, int]:
    changes = Counter(token for doc in analysed.values() for token in doc.counts)
    changes.subtract(token for counts in old.values() for token in counts)
    return {token: change for token, change in changes.items() if change}


def _store(article_id: int, analysed: list[AnalysedDocument]) -> list[SearchDocument]:
    """New documents and their postings (COPY: the fastest way in for a full rebuild)."""
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
    _changed()
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


def _changed() -> None:
    global _changed_here
    _changed_here += 1


def generation() -> str:
    """Changes when the index does: what a process keeps of it is valid for one generation."""
    shared = cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None)
    return f"{shared}.{_changed_here}"
