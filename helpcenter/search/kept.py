"""What a process keeps between searches besides the index itself (`engine.current_index`),
so that a warm process answers a search without a statement to PostgreSQL:

- `ArticleTable`: each article's slug, status, audience and human titles, read for one
  generation of the article index (every change of them re-indexes the article), and its
  prior from the view and vote counters, read again alone when only `COUNTERS` changed;
- `ShownLines`: the snippet lines of the documents shown lately, for one generation of the
  article index, least recently used out first;
- `LearnedTable`: what the search learned from its readers, for one generation of `LEARNED`;
- `TopicRows`: the community topics' weights and result rows, for one generation of the
  community index, read as queries meet them.

A search reads the generations it needs from Redis in one round trip
(`helpcenter.search.index.generations`). With Redis unreachable every search is a generation
of its own, so everything is read afresh (the learned answers of its query only).
"""

import json
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.urls import reverse
from django.utils import translation

from helpcenter.learning.models import LearnedAnswer
from helpcenter.models import Article, CommunityDocument
from helpcenter.search.corpus import ARTICLES, COMMUNITY, COUNTERS, LEARNED
from helpcenter.search.engine import PRIOR_WEIGHT, Index, Weigh, current_index, prior
from helpcenter.search.index import UNREACHABLE, generations
from helpcenter.search.learned import MOST_LEARNED
from helpcenter.text import LANGUAGES
from helpcenter.zh_hant import to_traditional

LINES_KEPT = 40_000  # snippet lines per process: ~2,500 documents of the bench, ~20 MB
LEARNED_KEPT = 100_000  # learned answers per process; with more, each query reads its own
TOPICS_KEPT = 10_000  # community topics' rows per process (of 50,000 in the bench: ~5 MB)

LINES_SQL = (
    "SELECT article_id, language, lines FROM helpcenter_searchdocument"
    " WHERE (article_id, language) IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))"
)
ARTICLES_SQL = (  # a title column per language, in the order of LANGUAGES
    "SELECT id, slug, status, audience, title_en, title_zh_hans, title_zh_hant, title_ko,"
    " title_ja FROM helpcenter_article"
)
COUNTERS_SQL = "SELECT id, view_count, helpful_count, not_helpful_count FROM helpcenter_article"

# ((line, (token, …)), …): SearchDocument.lines (and CommunityDocument.lines) as a process
# keeps them, each token string kept once (`compact`: a line's tokens as JSON gives them back
# took ~2 KB a line, 73 MB for the 2,237 documents the dev and fresh queries show).
Lines = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ArticleEntry:
    slug: str
    published: bool
    public: bool  # for every reader; an internal one only for support staff
    titles: dict[str, str]  # the human titles, by language (blank ones left out)


@dataclass(frozen=True)
class ShownText:
    """The title a reader of a language is shown, as `helpcenter.text.article_text` picks it."""

    title: str
    language: str
    converted: bool  # zh-hant made from the zh-hans text: its snippet is converted too

    @property
    def document(self) -> str:
        """The language of the document whose lines the snippet comes from."""
        return "zh-hans" if self.converted else self.language


@dataclass
class ArticleTable:
    """Every article as the search needs it, and its prior factor (in (0, 1])."""

    entries: dict[int, ArticleEntry]
    factors: dict[int, float]
    urls: dict[tuple[int, str], str] = field(default_factory=dict)
    converted_titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "ArticleTable":
        with connection.cursor() as cursor:
            cursor.execute(ARTICLES_SQL)
            rows = cursor.fetchall()
        entries = {
            pk: ArticleEntry(
                slug=slug,
                published=status == Article.Status.PUBLISHED,
                public=audience == Article.Audience.PUBLIC,
                titles={
                    language: title
                    for language, title in zip(LANGUAGES, titles, strict=True)
                    if title and title.strip()
                },
            )
            for pk, slug, status, audience, *titles in rows
        }
        return cls(entries, prior_factors())

    def with_new_counters(self) -> "ArticleTable":
        return ArticleTable(self.entries, prior_factors(), self.urls, self.converted_titles)

    def weigh(self, *, staff: bool) -> Weigh:
        """The prior factor of each article among the given ones that the reader may read
        (`Article.objects.visible_to`: published; internal ones for staff only)."""

        def weigh(article_ids: set[int]) -> dict[int, float]:
            return {pk: self.factors[pk] for pk in article_ids if self._readable(pk, staff)}

        return weigh

    def _readable(self, pk: int, staff: bool) -> bool:
        entry = self.entries.get(pk)
        return (
            entry is not None and pk in self.factors and entry.published and (staff or entry.public)
        )

    def shown_text(self, pk: int, language: str) -> ShownText | None:
        """The title shown to a reader of `language`; None for an article with no human
        text in any language (the caller reads it from the article itself)."""
        titles = self.entries[pk].titles
        if language in titles:
            return ShownText(titles[language], language, converted=False)
        if language == "zh-hant" and "zh-hans" in titles:
            if pk not in self.converted_titles:
                self.converted_titles[pk] = to_traditional(titles["zh-hans"])
            return ShownText(self.converted_titles[pk], "zh-hant", converted=True)
        fallback = next((lang for lang in ("en", *LANGUAGES) if lang in titles), None)
        return ShownText(titles[fallback], fallback, converted=False) if fallback else None

    def url(self, pk: int, language: str) -> str:
        """The article page in the reader's language (`Article.get_absolute_url`)."""
        if (pk, language) not in self.urls:
            slug = self.entries[pk].slug
            with translation.override(language):
                self.urls[pk, language] = reverse("helpcenter:article", args=[slug])
        return self.urls[pk, language]


def prior_factors() -> dict[int, float]:
    """{article id: its prior factor} from the view and vote counters (read again after
    every view or vote anywhere: plain rows, ~1 ms for 1,000 articles)."""
    with connection.cursor() as cursor:
        cursor.execute(COUNTERS_SQL)
        return {pk: prior_factor(*counts) for pk, *counts in cursor.fetchall()}


@lru_cache(maxsize=100_000)
def prior_factor(view_count: int, helpful: int, not_helpful: int) -> float:
    """In (0, 1]: most articles' counters are unchanged from one reading to the next."""
    return 1 - PRIOR_WEIGHT + PRIOR_WEIGHT * prior(view_count, helpful, not_helpful)


class ShownLines:
    """The snippet lines of documents, by (article id, language), up to `capacity` lines in
    all, least recently used out first. Belongs to one generation of the article index."""

    def __init__(self, capacity: int = LINES_KEPT) -> None:
        self.capacity = capacity
        self.size = 0
        self.entries: OrderedDict[tuple[int, str], Lines | None] = OrderedDict()

    def read(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Lines | None]:
        """{key: its lines, or None for a document the index does not have}."""
        keys = list(dict.fromkeys(keys))
        found = {key: self.entries[key] for key in keys if key in self.entries}
        for key in found:
            self.entries.move_to_end(key)
        missing = [key for key in keys if key not in found]
        fetched = _document_lines(missing) if missing else {}
        for key in missing:
            found[key] = fetched.get(key)
            self._keep(key, found[key])
        return {key: found[key] for key in keys}

    def _keep(self, key: tuple[int, str], lines: Lines | None) -> None:
        self.entries[key] = lines
        self.size += len(lines or ()) + 1
        while self.size > self.capacity and len(self.entries) > 1:
            _key, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped or ()) + 1


def _document_lines(keys: list[tuple[int, str]]) -> dict[tuple[int, str], Lines]:
    with connection.cursor() as cursor:
        cursor.execute(LINES_SQL, [[pk for pk, _l in keys], [language for _pk, language in keys]])
        rows = cursor.fetchall()
    return {(pk, language): compact(json.loads(lines)) for pk, language, lines in rows}


def compact(lines: list) -> Lines:
    """Stored lines ([[line, [token, …]], …]) as kept: tuples, each token string interned."""
    return tuple((line, tuple(sys.intern(token) for token in found)) for line, found in lines)


@dataclass(frozen=True)
class LearnedTable:
    """{(language, normalised query): {article id: boost}}, the best `MOST_LEARNED` of each;
    `complete` is False when there were more than `LEARNED_KEPT` rows (none are kept then,
    and each query reads its own: `helpcenter.search.learned.learned_boosts`)."""

    boosts: dict[tuple[str, str], dict[int, float]]
    complete: bool

    @classmethod
    def load(cls, *, keep: bool = True) -> "LearnedTable":
        if not keep:
            return cls({}, complete=False)
        rows = LearnedAnswer.objects.order_by(
            "language", "normalized_query", "-boost", "article_id"
        ).values_list("language", "normalized_query", "article_id", "boost")
        rows = list(rows[: LEARNED_KEPT + 1])
        if len(rows) > LEARNED_KEPT:
            return cls({}, complete=False)
        boosts: dict[tuple[str, str], dict[int, float]] = {}
        for language, query, article_id, boost in rows:
            found = boosts.setdefault((language, query), {})
            if len(found) < MOST_LEARNED:
                found[article_id] = boost
        return cls(boosts, complete=True)


@dataclass(frozen=True)
class TopicRow:
    """What a community result shows of a topic, and its weight among the results."""

    title: str
    language: str
    lines: Lines
    answered: bool
    staff_answer: bool
    accepted_answer: bool
    hidden: bool

    @property
    def weight(self) -> float:
        """An accepted answer weighs most, an answered topic a little less, others less again."""
        if self.accepted_answer:
            return 1.0
        return 1 - PRIOR_WEIGHT / 2 if self.answered else 1 - PRIOR_WEIGHT


class TopicRows:
    """Community topics' rows by topic id (None: no document, i.e. not searchable), read as
    queries meet them, up to `capacity`, least recently used out first. Belongs to one
    generation of the community index: every change of a topic re-indexes it."""

    def __init__(self, capacity: int = TOPICS_KEPT) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[int, TopicRow | None] = OrderedDict()

    def read(self, topic_ids: Iterable[int]) -> dict[int, TopicRow | None]:
        topic_ids = list(dict.fromkeys(topic_ids))
        found = {key: self.entries[key] for key in topic_ids if key in self.entries}
        for topic_id in found:
            self.entries.move_to_end(topic_id)
        missing = [topic_id for topic_id in topic_ids if topic_id not in found]
        fetched = _topic_rows(missing) if missing else {}
        for topic_id in missing:
            found[topic_id] = self.entries[topic_id] = fetched.get(topic_id)
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)
        return {topic_id: found[topic_id] for topic_id in topic_ids}

    def weigh(self, topic_ids: set[int]) -> dict[int, float]:
        """The weight of each visible topic among `topic_ids`."""
        rows = self.read(sorted(topic_ids))
        return {
            topic_id: row.weight
            for topic_id, row in rows.items()
            if row is not None and not row.hidden
        }


def _topic_rows(topic_ids: list[int]) -> dict[int, TopicRow]:
    rows = CommunityDocument.objects.filter(topic_id__in=topic_ids).values_list(
        "topic_id",
        "topic__title",
        "topic__language",
        "lines",
        "answered",
        "staff_answer",
        "accepted_answer",
        "topic__hidden",
    )
    return {
        topic_id: TopicRow(title, language, compact(lines), *flags)
        for topic_id, title, language, lines, *flags in rows
    }


@dataclass(frozen=True)
class KeptArticles:
    """What a search of the articles reads, for the current generations."""

    index: Index
    table: ArticleTable
    lines: ShownLines
    learned: LearnedTable


@dataclass(frozen=True)
class KeptTopics:
    """What a search of the community topics reads, for the current generation."""

    index: Index
    rows: TopicRows


@dataclass(frozen=True)
class Kept:
    generations: tuple[str, ...]
    value: object


_kept: dict[str, Kept] = {}


def kept_articles() -> KeptArticles:
    """The article index, table, shown lines and learned answers of this process, each
    read again if its generation changed (the generations: one round trip to Redis)."""
    return _articles(*generations(ARTICLES, COUNTERS, LEARNED))


def kept_topics() -> KeptTopics:
    """The community index and topic rows of this process, for the current generation."""
    return _topics(*generations(COMMUNITY))


def kept_both() -> tuple[KeptArticles, KeptTopics]:
    """`kept_articles()` and `kept_topics()`, their generations read in one round trip."""
    index_key, counters_key, learned_key, community_key = generations(
        ARTICLES, COUNTERS, LEARNED, COMMUNITY
    )
    return _articles(index_key, counters_key, learned_key), _topics(community_key)


def _articles(index_key: str, counters_key: str, learned_key: str) -> KeptArticles:
    return KeptArticles(
        index=current_index(ARTICLES, key=index_key),
        table=_article_table(index_key, counters_key),
        lines=_keep("lines", (index_key,), ShownLines),
        learned=_keep(
            "learned",
            (learned_key,),
            lambda: LearnedTable.load(keep=not learned_key.startswith(UNREACHABLE)),
        ),
    )


def _topics(community_key: str) -> KeptTopics:
    return KeptTopics(
        current_index(COMMUNITY, key=community_key), _keep("topics", (community_key,), TopicRows)
    )


def _article_table(index_key: str, counters_key: str) -> ArticleTable:
    kept = _kept.get("articles")
    if kept is not None and kept.generations == (index_key, counters_key):
        return kept.value
    if kept is not None and kept.generations[0] == index_key:
        table = kept.value.with_new_counters()
    else:
        table = ArticleTable.load()
    _kept["articles"] = Kept((index_key, counters_key), table)
    return table


def _keep(name: str, keys: tuple[str, ...], load: Callable[[], object]):
    kept = _kept.get(name)
    if kept is None or kept.generations != keys:
        kept = _kept[name] = Kept(keys, load())
    return kept.value


def forget() -> None:
    """Drop everything kept (tests start each from nothing)."""
    _kept.clear()
