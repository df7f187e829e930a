"""Query → ranked articles: candidates from the GIN index, then BM25-style scoring in Python.

The score of an article is the share of the query's information (idf-weighted concepts) that
the article's best document covers, each concept saturating with term frequency (title and tag
hits weigh more than body hits); a small prior for helpful and popular articles and a
preference for the query's own language follow. The result lies in [0, 1].
"""

import math
import re
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from helpcenter.models import SearchDocument
from helpcenter.search.analysis import (
    MAX_QUERY_CHARS,
    normalise,
    script_languages,
    terms,
    tokens,
)
from helpcenter.search.index import generation
from helpcenter.search.synonyms import SYNONYM_GROUPS

TITLE_WEIGHT = 5.0  # a title or tag occurrence counts as this many body occurrences
K1 = 5.0
B = 0.5
UNKNOWN_WORD_SHARE = 0.5  # weight of a query word absent from the index, × the highest idf
SYNONYM_SHARE = 2.0
SYNONYM_DISCOUNT = 0.8  # a synonym matches a little less than the words the reader typed
OTHER_LANGUAGE_FACTOR = 0.9
PRIOR_WEIGHT = 0.05
MAX_CONCEPTS = 40
TYPO_MIN_LETTERS = 5  # one edit in a shorter word is another word (game → name)
CANDIDATES = 300


@dataclass
class Concept:
    """One thing the query asks for: alternative token tuples, any of which may match."""

    alternatives: list[tuple[str, ...]]
    weight: float
    own: list[tuple[str, ...]] = field(default_factory=list)  # typed by the reader

    def discount(self, alternative: tuple[str, ...]) -> float:
        if not self.own or alternative in self.own:
            return 1.0
        return SYNONYM_DISCOUNT


@dataclass
class IndexStats:
    documents: int
    average_length: float
    document_frequency: dict[str, int]
    latin_vocabulary: dict[int, list[str]] = field(default_factory=dict)

    def idf(self, token: str) -> float:
        df = self.document_frequency.get(token, 0)
        return math.log(1 + (self.documents - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Candidate:
    article_id: int
    language: str
    length: int
    views: int
    helpful: int
    not_helpful: int
    counts: dict[str, tuple[int, int]]  # token: (heading occurrences, body occurrences)


_stats: dict[str, IndexStats] = {}


def index_stats() -> IndexStats:
    key = generation()
    if key not in _stats:
        _stats.clear()
        _stats[key] = _load_stats()
    return _stats[key]


def _load_stats() -> IndexStats:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(avg(length), 0) FROM helpcenter_searchdocument")
        documents, average = cursor.fetchone()
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT vector FROM helpcenter_searchdocument')"
        )
        frequency = dict(cursor.fetchall())
    vocabulary: dict[int, list[str]] = {}
    for word in frequency:
        if word.isascii() and word.isalpha() and len(word) >= 4:
            vocabulary.setdefault(len(word), []).append(word)
    return IndexStats(documents, float(average) or 1.0, frequency, vocabulary)


def build_concepts(query: str, stats: IndexStats) -> list[Concept]:
    """A concept per synonym group the query mentions, then one per token.

    A typed word that belongs to a group counts twice (as itself and through the group):
    support vocabulary is what a query is about, and the benchmark agrees."""
    synonyms = synonym_concepts(query, stats)
    concepts: dict[str, Concept] = {}
    for term in terms(query):
        if term.text in concepts:
            continue
        alternatives = [(term.text,)]
        if term.text not in stats.document_frequency and term.word:
            alternatives += [(fix,) for fix in typo_fixes(term.text, stats)]
        weight = _weight(alternatives, term.word, stats)
        # Typo fixes count like synonyms: a little less than what was typed.
        concepts[term.text] = Concept(alternatives, weight, own=[(term.text,)])
    return synonyms + list(concepts.values())[:MAX_CONCEPTS]


def _weight(alternatives: list[tuple[str, ...]], word: bool, stats: IndexStats) -> float:
    """The idf of the best-known alternative; unknown words count, unknown n-grams do not."""
    weights = [stats.idf(alt[0]) for alt in alternatives if alt[0] in stats.document_frequency]
    if weights:
        return max(weights)
    return UNKNOWN_WORD_SHARE * stats.idf("") if word else 0.0


def synonym_concepts(query: str, stats: IndexStats) -> list[Concept]:
    text = " " + " ".join(normalise(query).split()) + " "
    found = []
    for phrases in _synonym_table():
        own = [tokens_ for phrase, tokens_ in phrases if tokens_ and _contains(text, phrase)]
        if not own:
            continue
        alternatives = [tokens_ for _phrase, tokens_ in phrases if tokens_]
        # The group's weight does not depend on which of its phrases the reader typed.
        idfs = _synonym_idfs(alternatives, stats)
        if idfs:
            found.append(Concept(alternatives, SYNONYM_SHARE * max(idfs), own=own))
    return found


def _synonym_idfs(alternatives: list[tuple[str, ...]], stats: IndexStats) -> list[float]:
    return [stats.idf(t) for alt in alternatives for t in alt if t in stats.document_frequency]


def _contains(text: str, phrase: str) -> bool:
    if phrase.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None
    return phrase in text


@cache
def _synonym_table() -> list[list[tuple[str, tuple[str, ...]]]]:
    table = []
    for group in SYNONYM_GROUPS:
        table.append(
            [(normalise(phrase), _phrase_tokens(phrase)) for phrase in dict.fromkeys(group)]
        )
    return table


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    found = terms(phrase)
    words = [term.text for term in found if term.word] or [term.text for term in found]
    return tuple(dict.fromkeys(words))


def typo_fixes(word: str, stats: IndexStats) -> list[str]:
    """Index words within one edit (two for words of eight letters or more)."""
    if len(word) < TYPO_MIN_LETTERS or not word.isascii():
        return []
    limit = 2 if len(word) >= 8 else 1
    fixes = []
    for length in range(len(word) - limit, len(word) + limit + 1):
        for candidate in stats.latin_vocabulary.get(length, []):
            if edit_distance(word, candidate, limit) <= limit:
                fixes.append(candidate)
    return sorted(fixes, key=lambda fix: -stats.document_frequency[fix])[:3]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein (adjacent transpositions), stopping early past `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def tsquery_literal(needed: list[str]) -> str:
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in needed)


def candidates(concepts: list[Concept], articles) -> list[Candidate]:
    """Documents matching any query token (GIN index), with the counts of those tokens."""
    needed = list(dict.fromkeys(t for c in concepts for alt in c.alternatives for t in alt))
    literal = tsquery_literal(needed)
    if not literal:
        return []
    matches = RawSQL(
        '"helpcenter_searchdocument"."vector" @@ %s::tsquery', [literal], BooleanField()
    )
    rank = RawSQL(
        'ts_rank("helpcenter_searchdocument"."vector", %s::tsquery)', [literal], FloatField()
    )
    rows = list(
        SearchDocument.objects.filter(matches, article__in=articles)
        .annotate(rank=rank)
        .order_by("-rank")
        .values_list(
            "pk",
            "article_id",
            "language",
            "length",
            "article__view_count",
            "article__helpful_count",
            "article__not_helpful_count",
        )[:CANDIDATES]
    )
    counts = token_counts([row[0] for row in rows], needed)
    return [Candidate(*row[1:], counts=counts.get(row[0], {})) for row in rows]


def token_counts(document_ids: list[int], needed: list[str]) -> dict[int, dict]:
    """{document id: {token: (heading occurrences, body occurrences)}} for the needed tokens."""
    if not document_ids:
        return {}
    sql = (
        "SELECT d.id, u.lexeme, cardinality(array_positions(u.weights, 'A')),"
        " cardinality(u.weights)"
        " FROM helpcenter_searchdocument d CROSS JOIN LATERAL unnest(d.vector) u"
        " WHERE d.id = ANY(%s) AND u.lexeme = ANY(%s)"
    )
    found: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [document_ids, needed])
        for document_id, token, heading, total in cursor.fetchall():
            found.setdefault(document_id, {})[token] = (heading, total - heading)
    return found


def document_score(concepts: list[Concept], candidate: Candidate, stats: IndexStats) -> float:
    counts = candidate.counts
    norm = K1 * (1 - B + B * candidate.length / stats.average_length)
    total = sum(concept.weight for concept in concepts) or 1.0

    def saturation(token: str) -> float:
        heading, body = counts.get(token, (0, 0))
        frequency = TITLE_WEIGHT * heading + body
        return frequency / (frequency + norm)

    covered = 0.0
    for concept in concepts:
        best = max(
            concept.discount(alt) * sum(saturation(t) for t in alt) / len(alt)
            for alt in concept.alternatives
        )
        covered += concept.weight * best
    return covered / total


def prior(candidate: Candidate) -> float:
    """Helpfulness (smoothed share of yes votes) and popularity, each in [0, 1]."""
    votes = candidate.helpful + candidate.not_helpful
    helpfulness = (candidate.helpful + 1) / (votes + 2)
    popularity = min(math.log1p(candidate.views) / math.log1p(100_000), 1.0)
    return (helpfulness + popularity) / 2


def rank_articles(query: str, *, language: str, articles) -> list[tuple[int, float, str]]:
    """[(article id, score in [0, 1], language of the best document)], best first."""
    query = query[:MAX_QUERY_CHARS]
    stats = index_stats()
    if not stats.documents:
        return []
    concepts = [c for c in build_concepts(query, stats) if c.weight > 0]
    if not concepts:
        return []
    preferred = script_languages(query) | {"zh-hans" if language == "zh-hant" else language}
    best: dict[int, tuple[float, str]] = {}
    for candidate in candidates(concepts, articles):
        score = document_score(concepts, candidate, stats)
        if candidate.language not in preferred and _family(candidate.language) not in preferred:
            score *= OTHER_LANGUAGE_FACTOR
        score *= 1 - PRIOR_WEIGHT + PRIOR_WEIGHT * prior(candidate)
        if score > best.get(candidate.article_id, (-1.0, ""))[0]:
            best[candidate.article_id] = (score, candidate.language)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    return [(article_id, round(min(score, 1.0), 4), lang) for article_id, (score, lang) in ranked]


def _family(language: str) -> str:
    return "zh-hans" if language == "zh-hant" else language


def query_tokens(query: str) -> list[str]:
    return tokens(query[:MAX_QUERY_CHARS])
