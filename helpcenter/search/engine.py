"""Query → ranked articles: the postings of the query's tokens, scored with numpy.

The score of an article is the share of the query's information (idf-weighted concepts) that
the article's best document covers, each concept saturating with term frequency (title and tag
hits weigh more than body hits); a small prior for helpful and popular articles and a
preference for the query's own language follow. The result lies in [0, 1].
"""

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from django.db import connection

from helpcenter.search.analysis import (
    MAX_QUERY_CHARS,
    Term,
    normalise,
    script_languages,
    terms,
)
from helpcenter.search.confidence import confidence_factor
from helpcenter.search.corpus import ARTICLES, Corpus
from helpcenter.search.index import generation
from helpcenter.search.learned import learned_known, with_learned
from helpcenter.search.out_of_scope import (
    OUT_OF_SCOPE_FACTOR,
    asks_about_another_service,
    asks_for_a_prediction,
    is_not_a_support_question,
)
from helpcenter.search.postings import DocumentTable, Postings, PostingsCache, Weights
from helpcenter.search.synonyms import SYNONYM_GROUPS

TITLE_WEIGHT = 5  # a title or tag occurrence counts as this many body occurrences
QUESTION_WEIGHT = 3  # so does an occurrence in a question the article answers
K1 = 5.0
B = 0.5
UNKNOWN_WORD_SHARE = 0.5  # weight of a query word absent from the index, × the highest idf
SYNONYM_SHARE = 2.0
SYNONYM_DISCOUNT = 0.8  # a synonym matches a little less than the words the reader typed
OTHER_LANGUAGE_FACTOR = 0.9
PRIOR_WEIGHT = 0.05
MAX_CONCEPTS = 40
TYPO_MIN_LETTERS = 5  # one edit in a shorter word is another word (game → name)
FIRST_ROUND = 64  # documents whose article, visibility and prior are read at once
# Community topics: at most this many documents, best coverage first, are read (two rounds).
# Thousands of topics can share one coverage (the same question asked again), and no factor
# lifts a topic above its coverage, so reading them all would cost far more than it changes.
MOST_TOPICS = 192
POSTINGS_KEPT = 2_000_000  # per process: about 10 MB (the 5,000-document bench has 1.7 M)


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
class Index:
    """What a process keeps of the index between queries, for one generation of it."""

    stats: IndexStats
    documents: DocumentTable
    postings: PostingsCache


@dataclass(frozen=True)
class Kept:
    generation: str
    index: Index
    loaded_at: float  # time.monotonic() when its statistics were read


_index: dict[str, Kept] = {}  # by corpus name


def current_index(corpus: Corpus = ARTICLES, *, key: str | None = None) -> Index:
    """What this process keeps of the corpus's index, for its current generation (`key`, if
    the caller read it already).

    After a change the postings are read again; the statistics and document table are too,
    unless they are younger than `corpus.statistics_seconds` (and not of an empty index,
    which finds nothing)."""
    key = generation(corpus) if key is None else key
    kept = _index.get(corpus.name)
    if kept is not None and kept.generation == key:
        return kept.index
    postings = PostingsCache(POSTINGS_KEPT, corpus)
    if kept is not None and kept.index.stats.documents and _young(kept, corpus):
        index = Index(kept.index.stats, kept.index.documents, postings)
        _index[corpus.name] = Kept(key, index, kept.loaded_at)
    else:
        index = Index(_load_stats(corpus), DocumentTable(corpus), postings)
        _index[corpus.name] = Kept(key, index, time.monotonic())
    return index


def _young(kept: Kept, corpus: Corpus) -> bool:
    return time.monotonic() - kept.loaded_at < corpus.statistics_seconds


def index_stats(corpus: Corpus = ARTICLES) -> IndexStats:
    return current_index(corpus).stats


def _load_stats(corpus: Corpus) -> IndexStats:
    with connection.cursor() as cursor:
        cursor.execute(corpus.sql("SELECT count(*), coalesce(avg(length), 0) FROM {documents}"))
        documents, average = cursor.fetchone()
        cursor.execute(corpus.sql("SELECT token, documents FROM {terms}"))
        frequency = dict(cursor.fetchall())
    vocabulary: dict[int, list[str]] = {}
    for word in frequency:
        if word.isascii() and word.isalpha() and len(word) >= 4:
            vocabulary.setdefault(len(word), []).append(word)
    return IndexStats(documents, float(average) or 1.0, frequency, vocabulary)


@dataclass(frozen=True)
class QueryText:
    """What a query says, whatever index it is searched in: its terms, the synonym groups it
    names and the languages of its scripts. Read once per search, however many indexes."""

    terms: tuple[Term, ...]
    # Per synonym group the query names: every phrase's tokens, and those of the ones typed.
    synonyms: tuple[tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]], ...]
    scripts: frozenset[str]

    @property
    def tokens(self) -> list[str]:
        return [term.text for term in self.terms]


def read_query(query: str) -> QueryText:
    query = query[:MAX_QUERY_CHARS]
    return QueryText(
        tuple(terms(query)), tuple(_synonym_groups(query)), frozenset(script_languages(query))
    )


def build_concepts(query: QueryText, stats: IndexStats) -> list[Concept]:
    """A concept per synonym group the query mentions, then one per token.

    A typed word that belongs to a group counts twice (as itself and through the group):
    support vocabulary is what a query is about, and the benchmark agrees."""
    synonyms = synonym_concepts(query, stats)
    concepts: dict[str, Concept] = {}
    for term in query.terms:
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


def synonym_concepts(query: QueryText, stats: IndexStats) -> list[Concept]:
    found = []
    for alternatives, own in query.synonyms:
        # The group's weight does not depend on which of its phrases the reader typed.
        idfs = _synonym_idfs(alternatives, stats)
        if idfs:
            found.append(Concept(list(alternatives), SYNONYM_SHARE * max(idfs), own=list(own)))
    return found


def _synonym_groups(query: str) -> list[tuple[tuple, tuple]]:
    """(every phrase's tokens, the typed phrases' tokens) of each synonym group the query
    names, in the groups' order. Only the groups with a phrase that starts with two
    characters of the query (or is one of its characters) are looked at."""
    text = " " + " ".join(normalise(query).split()) + " "
    starts = {text[i : i + 2] for i in range(len(text) - 1)} | set(text) | {""}
    table, groups_by_start = _synonym_table(), _synonym_starts()
    named = sorted({group for start in starts for group in groups_by_start.get(start, ())})
    found = []
    for group in named:
        phrases = table[group]
        own = [tokens_ for phrase, tokens_ in phrases if tokens_ and _contains(text, phrase)]
        if own:
            alternatives = [tokens_ for _phrase, tokens_ in phrases if tokens_]
            found.append((tuple(alternatives), tuple(own)))
    return found


def _synonym_idfs(alternatives: tuple[tuple[str, ...], ...], stats: IndexStats) -> list[float]:
    return [stats.idf(t) for alt in alternatives for t in alt if t in stats.document_frequency]


def _contains(text: str, phrase: str) -> bool:
    if phrase not in text:
        return False
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


@cache
def _synonym_starts() -> dict[str, tuple[int, ...]]:
    """{the first two characters of a phrase (all of a shorter one): the groups it is in},
    for the phrases with tokens (a phrase without any names nothing)."""
    starts: dict[str, set[int]] = {}
    for group, phrases in enumerate(_synonym_table()):
        for phrase, tokens_ in phrases:
            if tokens_:
                starts.setdefault(phrase[:2], set()).add(group)
    return {start: tuple(sorted(groups)) for start, groups in starts.items()}


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


def query_postings(concepts: list[Concept], index: Index) -> dict[str, Postings]:
    needed = list(dict.fromkeys(t for c in concepts for alt in c.alternatives for t in alt))
    return index.postings.read(needed, Weights(TITLE_WEIGHT, QUESTION_WEIGHT))


@dataclass(frozen=True)
class Matches:
    """The documents matching any query token: their positions in the document table and
    coverage scores (before the language preference and the prior), in the same order."""

    positions: np.ndarray
    coverage: np.ndarray


def coverage(concepts: list[Concept], found: dict[str, Postings], index: Index) -> Matches:
    """Each concept's best alternative, its tokens saturating with frequency (title and
    tag hits weigh more, long documents need more hits), weighted by the concept's idf."""
    if not found:
        return Matches(np.zeros(0, dtype=np.int64), np.zeros(0))
    document_ids, where = np.unique(
        np.concatenate([p.documents for p in found.values()]), return_inverse=True
    )
    positions = index.documents.positions(document_ids)
    lengths = index.documents.lengths[positions]
    norm = K1 * (1 - B + B * lengths / index.stats.average_length)
    saturation, start = {}, 0
    for token, posting in found.items():
        at = where[start : start + len(posting.documents)]
        start += len(posting.documents)
        values = np.zeros(len(document_ids))
        values[at] = posting.frequencies / (posting.frequencies + norm[at])
        saturation[token] = values
    covered = np.zeros(len(document_ids))
    for concept in concepts:
        covered += concept.weight * _best_alternative(concept, saturation, len(document_ids))
    total = sum(concept.weight for concept in concepts) or 1.0
    known = positions >= 0  # a document deleted since its postings were read is skipped
    return Matches(positions[known], covered[known] / total)


def _best_alternative(concept: Concept, saturation: dict, size: int) -> np.ndarray:
    best = np.zeros(size)
    for alt in concept.alternatives:
        present = [saturation[token] for token in alt if token in saturation]
        if present:
            np.maximum(best, concept.discount(alt) * sum(present) / len(alt), out=best)
    return best


def prior(view_count: int, helpful: int, not_helpful: int) -> float:
    """Helpfulness (smoothed share of yes votes) and popularity, each in [0, 1]."""
    votes = helpful + not_helpful
    helpfulness = (helpful + 1) / (votes + 2)
    popularity = min(math.log1p(view_count) / math.log1p(100_000), 1.0)
    return (helpfulness + popularity) / 2


# {owner id: prior factor in (0, 1]} for the visible ones among the given owner ids.
Weigh = Callable[[set[int]], dict[int, float]]


def best_owners(
    matches: Matches,
    index: Index,
    *,
    preferred: set[str],
    weigh: Weigh,
    limit: int,
    most: int | None = None,
) -> list[tuple[int, float, str]]:
    """The `limit` best visible articles (or topics), reading documents best coverage first
    (at most `most` of them, if given: then the top is exact among those).

    A final score never exceeds the coverage (both factors are at most 1), so once the next
    document's coverage is at most the `limit`-th best score found, no later one can enter
    (a later one tying that score would not pass the one read first)."""
    order = np.argsort(-matches.coverage, kind="stable")
    if most is not None:
        order = order[:most]
    best: dict[int, tuple[float, str]] = {}
    start, size = 0, FIRST_ROUND
    while start < len(order) and not _settled(best, limit, matches.coverage[order[start]]):
        _score_batch(matches, index, order[start : start + size], preferred, weigh, best)
        start, size = start + size, size * 2
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [(owner_id, _rounded(score), language) for owner_id, (score, language) in ranked]


def _settled(best: dict[int, tuple[float, str]], limit: int, next_coverage: float) -> bool:
    """Whether `limit` owners already score at least what the next document could."""
    if len(best) < limit:
        return False
    scores = sorted((score for score, _language in best.values()), reverse=True)
    return next_coverage <= scores[limit - 1]


def _score_batch(
    matches: Matches,
    index: Index,
    batch: np.ndarray,
    preferred: set[str],
    weigh: Weigh,
    best: dict[int, tuple[float, str]],
) -> None:
    positions = matches.positions[batch]
    owner_ids = index.documents.owners[positions]
    factors = weigh(set(owner_ids.tolist()))
    for position, owner_id, score in zip(
        positions.tolist(), owner_ids.tolist(), matches.coverage[batch].tolist(), strict=True
    ):
        if owner_id not in factors:
            continue
        language = index.documents.language(position)
        if language not in preferred and _family(language) not in preferred:
            score *= OTHER_LANGUAGE_FACTOR
        score *= factors[owner_id]
        if score > best.get(owner_id, (-1.0, ""))[0]:
            best[owner_id] = (score, language)


def _rounded(score: float) -> float:
    return round(min(score, 1.0), 4)


def rank_articles(
    query: str,
    *,
    read: QueryText,
    language: str,
    index: Index,
    weigh: Weigh,
    boosts: dict[int, float],
    limit: int,
) -> list[tuple[int, float, str]]:
    """[(article id, confidence-scaled score in [0, 1], language of the best document)],
    best first: each coverage, plus what readers taught the search for this query (`boosts`:
    `helpcenter.search.learned`), times the query's `confidence_factor`, so the first score
    is the answer confidence (`helpcenter.search.confidence`). `read` is `read_query(query)`;
    `weigh` gives the prior of the articles the reader may read
    (`helpcenter.search.kept.ArticleTable.weigh`)."""
    wanted = max(limit, 2) + len(boosts)  # a boosted article may come from below the top
    found = ranking(read, language=language, index=index, weigh=weigh, limit=wanted)
    owners = with_learned(found.owners, boosts, weigh=weigh, language=language)
    if not owners:
        return []
    scores = [score for _owner, score, _language in owners] + [0.0]
    known = learned_known(found.known, boosts, owners[0][0])
    factor = confidence_factor(known=known, best=scores[0], second=scores[1])
    if (
        asks_for_a_prediction(query)
        or asks_about_another_service(query)
        or is_not_a_support_question(query)
    ):
        factor *= OUT_OF_SCOPE_FACTOR  # no article answers it, whatever words it shares
    return [
        (owner_id, _rounded(score * factor), language)
        for owner_id, score, language in owners[:limit]
    ]


def rank_topics(
    read: QueryText, *, language: str, index: Index, weigh: Weigh, limit: int
) -> list[tuple[int, float, str]]:
    """[(topic id, score in [0, 1], language)], best first, from the community index (its
    own document frequencies: article scores and topic scores are not on one scale)."""
    return ranking(
        read, language=language, index=index, weigh=weigh, limit=limit, most=MOST_TOPICS
    ).owners


@dataclass(frozen=True)
class Ranking:
    owners: list[tuple[int, float, str]]  # (owner id, coverage score, language), best first
    known: float  # the idf-weighted share of the query's concepts found in the index at all


def ranking(
    read: QueryText,
    *,
    language: str,
    index: Index,
    weigh: Weigh,
    limit: int,
    most: int | None = None,
) -> Ranking:
    if not index.stats.documents or limit < 1:
        return Ranking([], 0.0)
    concepts = [c for c in build_concepts(read, index.stats) if c.weight > 0]
    if not concepts:
        return Ranking([], 0.0)
    preferred = read.scripts | {"zh-hans" if language == "zh-hant" else language}
    found = query_postings(concepts, index)
    matches = coverage(concepts, found, index)
    owners = best_owners(matches, index, preferred=preferred, weigh=weigh, limit=limit, most=most)
    return Ranking(owners, known_share(concepts, found))


def known_share(concepts: list[Concept], found: dict[str, Postings]) -> float:
    """The idf-weighted share of the concepts of which some alternative is in the index."""
    total = sum(concept.weight for concept in concepts) or 1.0
    known = sum(
        concept.weight
        for concept in concepts
        if any(all(token in found for token in alt) for alt in concept.alternatives)
    )
    return known / total


def _family(language: str) -> str:
    return "zh-hans" if language == "zh-hant" else language
