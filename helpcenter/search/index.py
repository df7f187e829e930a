"""The search index: per article and language a document, its postings and snippet lines.

A posting is (token, document, heading count, body count, question count: in the questions
the article answers, `ArticleQuestion`); `SearchTerm` keeps each token's document frequency.
`index_article` writes what changed in an article's documents and adjusts the frequencies by
difference; `reindex_all` rebuilds everything in one transaction.
"""

import io
import logging
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from helpcenter.models import Article, SearchDocument
from helpcenter.search.analysis import normalise, tokens
from helpcenter.search.corpus import ARTICLES, Corpus, Source
from helpcenter.search.reading import reading_bigrams
from helpcenter.text import INDEXED_LANGUAGES, human_text
from support.unavailable import CACHE_ERRORS

logger = logging.getLogger(__name__)

# Index changes by this process, per corpus: it sees them before their commit bumps.
_changed_here: Counter[str] = Counter()
_unsent_bumps: set[str] = set()  # corpora changed here while Redis was unreachable
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
    counts: dict[str, tuple[int, int, int]]  # token: (title and tags, body, questions)
    lines: list[tuple[str, list[str]]]


def occurrences(
    heading: list[str], body: list[str], questions: list[str] = ()
) -> dict[str, tuple[int, int, int]]:
    """{token: (heading count, body count, question count)}, at most MAX_OCCURRENCES in all,
    heading first, then questions."""
    heading_counts, body_counts = Counter(heading), Counter(body)
    question_counts = Counter(questions)
    counts = {}
    for token in dict.fromkeys([*heading, *questions, *body]):
        if len(token) > MAX_TOKEN_CHARS:
            continue
        in_heading = min(heading_counts[token], MAX_OCCURRENCES)
        in_questions = min(question_counts[token], MAX_OCCURRENCES - in_heading)
        in_body = min(body_counts[token], MAX_OCCURRENCES - in_heading - in_questions)
        counts[token] = (in_heading, in_body, in_questions)
    return counts


def snippet_lines(body: str, *, japanese: bool | None = None) -> list[tuple[str, list[str]]]:
    """The lines a snippet may show (Markdown marks removed), each with its distinct tokens."""
    return [(line, list(dict.fromkeys(found))) for line, found in body_lines(body, japanese)[1]]


def body_lines(body: str, japanese: bool | None) -> tuple[list[str], list[tuple[str, list[str]]]]:
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


def analyse(article: Article, language: str, questions: list[str] = ()) -> AnalysedDocument | None:
    text = human_text(article, language)
    if text is None:
        return None
    japanese = language == "ja"
    heading = tokens(text.title, japanese=japanese) + tokens(" ; ".join(article.tags))
    asked = [token for question in questions for token in tokens(question, japanese=japanese)]
    body, lines = body_lines(text.body, japanese)
    shown = [(line, list(dict.fromkeys(found))) for line, found in lines]
    read = _readings(text.title, text.body, questions) if japanese else ([], [], [])
    counts = occurrences(heading + read[0], body + read[1], asked + read[2])
    return AnalysedDocument(language, len(body), counts, shown)


def _readings(title: str, body: str, questions: list[str]) -> tuple[list, list, list]:
    """The hiragana reading bigrams of a Japanese title, body and questions (for queries
    typed in hiragana; they do not lengthen the document)."""
    asked = [gram for question in questions for gram in reading_bigrams(question)]
    return reading_bigrams(title), reading_bigrams(body), asked


def analyse_article(article: Article) -> dict[str, AnalysedDocument]:
    """{language: document} for every language with human text, questions included."""
    questions = questions_by_document(article)
    return {
        lang: doc
        for lang in INDEXED_LANGUAGES
        if (doc := analyse(article, lang, questions.get(lang, [])))
    }


def questions_by_document(article: Article) -> dict[str, list[str]]:
    """{document language: the questions indexed with it}.

    A question goes to the document of its language; a question in a language the article
    has no human text in goes to the document its readers are shown (zh-hant: the zh-hans
    text they read converted; others: English). The same question in both scripts of
    Chinese counts once."""
    present = [lang for lang in INDEXED_LANGUAGES if human_text(article, lang) is not None]
    found: dict[str, dict[str, str]] = {}
    for question in article.questions.all():  # prefetched by a full rebuild
        language, text = question.language, question.text
        target = language if language in present else _shown_instead(language, present)
        if target is not None and text.strip():
            found.setdefault(target, {}).setdefault(normalise(text), text)
    return {language: list(texts.values()) for language, texts in found.items()}


def _shown_instead(language: str, present: list[str]) -> str | None:
    if language == "zh-hant" and "zh-hans" in present:
        return "zh-hans"
    return "en" if "en" in present else next(iter(present), None)


def index_article(article: Article) -> None:
    """Bring the article's documents (every language with human text) up to date, writing
    only the postings that changed: an edit of one paragraph rewrites a few rows.

    Locks the article row, so two re-indexings of one article run one after the other."""
    analysed = analyse_article(article)
    note_change(ARTICLES)
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).exists()
        stored = {doc.language: doc for doc in SearchDocument.objects.filter(article=article)}
        old = stored_counts(ARTICLES, [doc.pk for doc in stored.values()])
        gone = [stored[lang].pk for lang in stored.keys() - analysed.keys()]
        SearchDocument.objects.filter(pk__in=gone).delete()  # with their postings
        _save_documents(article.pk, analysed, stored)
        new = {stored[language].pk: doc.counts for language, doc in analysed.items()}
        write_difference(ARTICLES, old, new)
    transaction.on_commit(bump_generation)


def unindex_article(article: Article) -> None:
    """Remove the article's documents and postings, and their share of the document
    frequencies (the article is about to be deleted). Call it in the deleting transaction."""
    announce_change(ARTICLES)
    documents = list(SearchDocument.objects.filter(article=article).values_list("pk", flat=True))
    old = stored_counts(ARTICLES, documents)
    write_difference(ARTICLES, old, {})
    SearchDocument.objects.filter(pk__in=documents).delete()


Counts = dict[str, tuple[int, int, int]]  # token: (heading, body, question counts)


def stored_counts(corpus: Corpus, document_ids: list[int]) -> dict[int, Counts]:
    """{document id: {token: (heading, body, question)}} as the index holds them now."""
    counts: dict[int, Counts] = {document_id: {} for document_id in document_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            corpus.sql(
                "SELECT document_id, token, heading, body, question FROM {postings}"
                " WHERE document_id = ANY(%s)"
            ),
            [document_ids],
        )
        for document_id, token, heading, body, question in cursor.fetchall():
            counts[document_id][token] = (heading, body, question)
    return counts


def write_difference(corpus: Corpus, old: dict[int, Counts], new: dict[int, Counts]) -> None:
    """Turn the postings `old` into `new` ({document id: counts}; a document of `old` missing
    from `new` loses all of its postings), writing only the rows that differ, and adjust the
    document frequencies."""
    removed, written = [], []
    for document_id in old.keys() | new.keys():
        before, after = old.get(document_id, {}), new.get(document_id, {})
        removed += [(document_id, token) for token in before.keys() - after.keys()]
        written += [
            (document_id, token, *counts)
            for token, counts in after.items()
            if before.get(token) != counts
        ]
    _write_postings(corpus, removed, written)
    _adjust_frequencies(corpus, _frequency_changes(old, new))


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


def _write_postings(corpus: Corpus, removed: list[tuple[int, str]], written: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if removed:
            cursor.execute(
                corpus.sql(
                    "DELETE FROM {postings} p"
                    " USING unnest(%s::bigint[], %s::text[]) AS gone (document_id, token)"
                    " WHERE p.document_id = gone.document_id AND p.token = gone.token"
                ),
                [list(column) for column in zip(*removed, strict=True)],
            )
        if written:
            cursor.execute(
                corpus.sql(
                    "INSERT INTO {postings} (document_id, token, heading, body, question)"
                    " SELECT * FROM"
                    " unnest(%s::bigint[], %s::text[], %s::int[], %s::int[], %s::int[])"
                    " ON CONFLICT (document_id, token) DO UPDATE"
                    " SET heading = excluded.heading, body = excluded.body,"
                    " question = excluded.question"
                ),
                [list(column) for column in zip(*written, strict=True)],
            )


def _frequency_changes(old: dict[int, Counts], new: dict[int, Counts]) -> dict[str, int]:
    changes = Counter(token for counts in new.values() for token in counts)
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
    copy_postings(
        ARTICLES,
        (
            (document.pk, token, *counts)
            for document, doc in zip(documents, analysed, strict=True)
            for token, counts in doc.counts.items()
        ),
    )
    return documents


def copy_postings(corpus: Corpus, rows: Iterable[tuple[int, str, int, int, int]]) -> None:
    """Rows of (document id, token, heading, body, question counts)."""
    data = io.StringIO()
    for document_id, token, heading, body, question in rows:
        data.write(f"{document_id}\t{_copy_text(token)}\t{heading}\t{body}\t{question}\n")
    data.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            corpus.sql("COPY {postings} (document_id, token, heading, body, question) FROM STDIN"),
            data,
        )


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _adjust_frequencies(corpus: Corpus, changes: dict[str, int]) -> None:
    """Add each change to its token's document count (in token order: no deadlocks)."""
    if not changes:
        return
    ordered = sorted(changes)
    with connection.cursor() as cursor:
        cursor.execute(
            corpus.sql(
                "INSERT INTO {terms} AS t (token, documents)"
                " SELECT * FROM unnest(%s::text[], %s::int[])"
                " ON CONFLICT (token) DO UPDATE SET documents = t.documents + excluded.documents"
            ),
            [ordered, [changes[token] for token in ordered]],
        )
        cursor.execute(
            corpus.sql("DELETE FROM {terms} WHERE token = ANY(%s) AND documents <= 0"),
            [ordered],
        )


def reindex_articles() -> int:
    """Rebuild the article index in one transaction (searches see the old one until it ends)."""
    note_change(ARTICLES)
    with transaction.atomic():
        empty(ARTICLES)
        count = 0
        articles = (
            Article.objects.order_by("pk").prefetch_related("questions").iterator(chunk_size=BATCH)
        )
        for article in articles:
            _store(article.pk, list(analyse_article(article).values()))
            count += 1
        count_terms(ARTICLES)
    transaction.on_commit(bump_generation)
    return count


def reindex_all() -> int:
    """Rebuild the article and community indexes in one transaction; returns the number of
    articles."""
    from helpcenter.search.topics import reindex_topics  # it imports this module

    with transaction.atomic():
        count = reindex_articles()
        reindex_topics()
    return count


def empty(corpus: Corpus) -> None:
    with connection.cursor() as cursor:
        cursor.execute(corpus.sql("DELETE FROM {postings}"))
        cursor.execute(corpus.sql("DELETE FROM {documents}"))
        cursor.execute(corpus.sql("DELETE FROM {terms}"))


def count_terms(corpus: Corpus) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            corpus.sql(
                "INSERT INTO {terms} (token, documents)"
                " SELECT token, count(*) FROM {postings} GROUP BY token"
            )
        )


def bump_generation(corpus: Corpus | Source = ARTICLES) -> None:
    """Tell every process the index changed; with Redis away, at the first search it answers."""
    try:
        cache.set(corpus.generation_key, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        _unsent_bumps.add(corpus.name)
        logger.warning("Redis unreachable: search index change not announced yet")
    else:
        _unsent_bumps.discard(corpus.name)


def note_change(corpus: Corpus | Source) -> None:
    """This process is about to change the index: it sees its own change at once."""
    _changed_here[corpus.name] += 1


def announce_change(corpus: Corpus | Source) -> None:
    """The data of `corpus` changes in the current transaction: this process sees the change
    at its next search, every other one once the transaction commits."""
    note_change(corpus)
    transaction.on_commit(lambda: bump_generation(corpus))


def generation(corpus: Corpus | Source = ARTICLES) -> str:
    """Changes when the index does: what a process keeps of it is valid for one generation.
    While Redis is unreachable every search is a generation of its own (read afresh)."""
    return generations(corpus)[0]


def generations(*sources: Corpus | Source) -> list[str]:
    """The generation of each of `sources`, read from Redis in one round trip."""
    for source in sources:
        if source.name in _unsent_bumps:
            bump_generation(source)
    keys = [source.generation_key for source in sources]
    try:
        shared = cache.get_many(keys)
        for key in keys:
            if key not in shared:  # first use, or Redis emptied
                shared[key] = cache.get_or_set(key, lambda: uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        return [unreachable_generation() for _source in sources]
    return [f"{shared[source.generation_key]}.{_changed_here[source.name]}" for source in sources]


UNREACHABLE = "unreachable-"


def unreachable_generation() -> str:
    """A generation of its own: nothing kept is valid for it."""
    return f"{UNREACHABLE}{uuid.uuid4().hex}"
