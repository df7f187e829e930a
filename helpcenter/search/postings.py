"""Reading the index: the postings of a query's tokens, and what is known of each document.

Postings come back one row per token, its document ids and frequencies packed as binary
arrays (`array_send`): a frequent token has thousands of postings, and one Python object per
posting would cost more than PostgreSQL's index scan.
"""

from dataclasses import dataclass

import numpy as np
from django.db import connection

from helpcenter.text import INDEXED_LANGUAGES

# array_send of a one-dimensional array: a 20-byte header, then (length, value) per element.
ARRAY_HEADER = 20
INT4_ELEMENTS = np.dtype([("length", ">i4"), ("value", ">i4")])
INT2_ELEMENTS = np.dtype([("length", ">i4"), ("value", ">i2")])

POSTINGS_SQL = (
    # Document ids as int4 (half the bytes of int8): ids grow by a few thousand per full
    # rebuild, far from 2^31.
    "SELECT token, array_send(array_agg(document_id::int4)),"
    " array_send(array_agg((%s * heading + body)::int2))"
    " FROM helpcenter_searchposting WHERE token = ANY(%s) GROUP BY token"
)

DOCUMENTS_SQL = "SELECT id, length, article_id, language FROM helpcenter_searchdocument"


@dataclass(frozen=True)
class Postings:
    documents: np.ndarray  # document ids
    frequencies: np.ndarray  # title_weight × heading count + body count, per document


def postings(tokens: list[str], title_weight: int) -> dict[str, Postings]:
    """{token: its postings} for the tokens found in the index."""
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(POSTINGS_SQL, [title_weight, tokens])
        rows = cursor.fetchall()
    return {
        token: Postings(_unpack(documents, INT4_ELEMENTS), _unpack(frequencies, INT2_ELEMENTS))
        for token, documents, frequencies in rows
    }


def _unpack(data: memoryview | bytes, elements: np.dtype) -> np.ndarray:
    return np.frombuffer(data, dtype=elements, offset=ARRAY_HEADER)["value"].astype(np.int64)


class DocumentTable:
    """Length, article and language of every document, by id (sorted), grown on demand.

    Documents never change (re-indexing creates new ones), so an entry never goes stale;
    ids this table has not seen yet are fetched when a query meets them."""

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.lengths = np.zeros(0, dtype=np.float64)
        self.articles = np.zeros(0, dtype=np.int64)
        self.languages = np.zeros(0, dtype=np.int8)
        self._load(DOCUMENTS_SQL, [])

    def positions(self, document_ids: np.ndarray) -> np.ndarray:
        """Where each of `document_ids` is in this table's arrays."""
        found = self._find(document_ids)
        if (found < 0).any():
            self._load(DOCUMENTS_SQL + " WHERE id = ANY(%s)", [document_ids[found < 0].tolist()])
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

    def _load(self, sql: str, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        ids, lengths, articles, languages = zip(*rows, strict=True)
        codes = [INDEXED_LANGUAGES.index(language) for language in languages]
        self.ids = np.concatenate([self.ids, ids])
        order = np.argsort(self.ids, kind="stable")
        self.ids = self.ids[order]
        self.lengths = np.concatenate([self.lengths, lengths])[order]
        self.articles = np.concatenate([self.articles, articles])[order]
        self.languages = np.concatenate([self.languages, np.array(codes, dtype=np.int8)])[order]
