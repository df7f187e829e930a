"""Reading the index: the postings of a query's tokens, and what is known of each document.

Postings come back one row per token, its document ids and frequencies packed as binary
arrays (`array_send`): a frequent token has thousands of postings, and one Python object per
posting would cost more than PostgreSQL's index scan. A process keeps the postings it read
last (the frequent tokens, the expensive ones, are also the ones queries share) until the
index changes.
"""

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.db import connection
from psycopg2.sql import Composed

from helpcenter.search.corpus import ARTICLES, Corpus
from helpcenter.text import INDEXED_LANGUAGES

# array_send of a one-dimensional array: a 20-byte header, then (length, value) per element.
ARRAY_HEADER = 20
INT4_ELEMENTS = np.dtype([("length", ">i4"), ("value", ">i4")])
INT2_ELEMENTS = np.dtype([("length", ">i4"), ("value", ">i2")])

POSTINGS_SQL = (
    # Document ids as int4 (half the bytes of int8): ids grow by a few thousand per full
    # rebuild, far from 2^31.
    "SELECT token, array_send(array_agg(document_id::int4)),"
    " array_send(array_agg((%s * heading + %s * question + body)::int2))"
    " FROM {postings} WHERE token = ANY(%s) GROUP BY token"
)

# Packed like the postings: 50,000 documents as rows of Python objects took 0.14 s.
DOCUMENTS_SQL = (
    "SELECT array_send(array_agg(id::int4)), array_send(array_agg(length::int4)),"
    " array_send(array_agg({owner}::int4)),"
    " array_send(array_agg((array_position(%s::text[], language::text) - 1)::int2))"
    " FROM {documents}"
)
DOCUMENTS_WITH_IDS_SQL = DOCUMENTS_SQL + " WHERE id = ANY(%s)"


@dataclass(frozen=True)
class Postings:
    documents: np.ndarray  # document ids
    # title weight × heading count + question weight × question count + body count
    frequencies: np.ndarray


@dataclass(frozen=True)
class Weights:
    """What an occurrence in the title and tags, and in a question, counts as in body
    occurrences (whole numbers: the sums are packed as int2)."""

    title: int
    question: int


def postings(tokens: list[str], weights: Weights, corpus: Corpus = ARTICLES) -> dict[str, Postings]:
    """{token: its postings} for the tokens found in the index."""
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(corpus.sql(POSTINGS_SQL), [weights.title, weights.question, tokens])
        rows = cursor.fetchall()
    return {
        token: Postings(_unpack(documents, INT4_ELEMENTS), _unpack(frequencies, INT2_ELEMENTS))
        for token, documents, frequencies in rows
    }


def _unpack(data: memoryview | bytes, elements: np.dtype) -> np.ndarray:
    values = np.frombuffer(data, dtype=elements, offset=ARRAY_HEADER)["value"]
    return values.astype(values.dtype.newbyteorder("="))


class PostingsCache:
    """Postings read recently, up to `capacity` postings, least recently used out first.

    Belongs to one generation of the index: it is dropped with it, never updated."""

    def __init__(self, capacity: int, corpus: Corpus = ARTICLES) -> None:
        self.capacity = capacity
        self.corpus = corpus
        self.size = 0
        self.entries: OrderedDict[str, Postings | None] = OrderedDict()

    def read(self, tokens: list[str], weights: Weights) -> dict[str, Postings]:
        missing = [token for token in tokens if token not in self.entries]
        fetched = postings(missing, weights, self.corpus)
        kept = {token: self.entries[token] for token in tokens if token in self.entries}
        for token in kept:
            self.entries.move_to_end(token)
        for token in missing:
            self._keep(token, fetched.get(token))  # None: not in the index, also worth keeping
        found = {**kept, **fetched}
        return {token: found[token] for token in tokens if found.get(token) is not None}

    def _keep(self, token: str, posting: Postings | None) -> None:
        self.entries[token] = posting
        self.size += _size(posting)
        while self.size > self.capacity and len(self.entries) > 1:
            _token, dropped = self.entries.popitem(last=False)
            self.size -= _size(dropped)


def _size(posting: Postings | None) -> int:
    return 1 if posting is None else len(posting.documents)


class DocumentTable:
    """Length, owner (article or topic) and language of every document, by id (sorted), for
    one generation of the index; a document created since it was loaded is fetched when a
    query meets it."""

    def __init__(self, corpus: Corpus = ARTICLES) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.lengths = np.zeros(0, dtype=np.float64)
        self.owners = np.zeros(0, dtype=np.int64)
        self.languages = np.zeros(0, dtype=np.int8)
        self.corpus = corpus
        self._load(corpus.sql(DOCUMENTS_SQL), [list(INDEXED_LANGUAGES)])

    def positions(self, document_ids: np.ndarray) -> np.ndarray:
        """Where each of `document_ids` is in this table's arrays."""
        found = self._find(document_ids)
        if (found < 0).any():
            sql = self.corpus.sql(DOCUMENTS_WITH_IDS_SQL)
            self._load(sql, [list(INDEXED_LANGUAGES), document_ids[found < 0].tolist()])
            found = self._find(document_ids)
        return found

    def language(self, position: int) -> str:
        return INDEXED_LANGUAGES[self.languages[position]]

    def _find(self, document_ids: np.ndarray) -> np.ndarray:
        """Positions, or -1 for an unknown id."""
        at = np.searchsorted(self.ids, document_ids)
        inside = at < len(self.ids)
        known = np.zeros(len(document_ids), dtype=bool)
        known[inside] = self.ids[at[inside]] == document_ids[inside]
        return np.where(known, at, -1)

    def _load(self, sql: Composed, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids, lengths, owners, languages = cursor.fetchone()
        if ids is None:  # no documents
            return
        self.ids = np.concatenate([self.ids, _unpack(ids, INT4_ELEMENTS)])
        order = np.argsort(self.ids, kind="stable")
        self.ids = self.ids[order]
        lengths = _unpack(lengths, INT4_ELEMENTS)
        self.lengths = np.concatenate([self.lengths, lengths])[order]
        self.owners = np.concatenate([self.owners, _unpack(owners, INT4_ELEMENTS)])[order]
        codes = _unpack(languages, INT2_ELEMENTS).astype(np.int8)
        self.languages = np.concatenate([self.languages, codes])[order]
