"""The two sets of index tables: articles, and community topics; and the other data a
process keeps a copy of between searches.

Both sets of tables are written by `helpcenter.search.index` and read by
`helpcenter.search.postings` and `helpcenter.search.engine` through the same code. They are
separate tables, not one table with a kind column, so that the article scores (document
frequencies, average length) and what each process keeps of the article index do not move
when someone posts on the forum.

Each of them, and each `Source`, has a generation (`helpcenter.search.index.generation`):
a process keeps what it read of it for one generation.
"""

from dataclasses import dataclass
from functools import cache

from psycopg2 import sql


@dataclass(frozen=True)
class Source:
    """Data a process keeps a copy of (`helpcenter.search.kept`) besides an index."""

    name: str
    generation_key: str  # cache key, changed after each change of the data commits


@dataclass(frozen=True)
class Corpus:
    name: str
    documents: str  # table of documents: id, length, owner, language, lines
    postings: str  # table of (document, token, heading, body)
    terms: str  # table of (token, documents)
    owner: str  # the documents' column naming what they index
    generation_key: str  # cache key, changed after each change of this index commits
    # How long a process may keep the statistics and document table across changes (postings
    # are always re-read after a change): 0 = reload them after every change.
    statistics_seconds: float = 0.0

    def sql(self, template: str) -> sql.Composed:
        """`template` with {documents}, {postings}, {terms} and {owner} filled in (quoted)."""
        return _compose(self, template)


@cache
def _compose(corpus: Corpus, template: str) -> sql.Composed:
    names = {
        name: sql.Identifier(getattr(corpus, name))
        for name in ("documents", "postings", "terms", "owner")
    }
    return sql.SQL(template).format(**names)


ARTICLES = Corpus(
    name="articles",
    documents="helpcenter_searchdocument",
    postings="helpcenter_searchposting",
    terms="helpcenter_searchterm",
    owner="article_id",
    generation_key="helpcenter:search:generation",
)
COMMUNITY = Corpus(
    name="community",
    documents="helpcenter_communitydocument",
    postings="helpcenter_communityposting",
    terms="helpcenter_communityterm",
    owner="topic_id",
    generation_key="helpcenter:search:generation:community",
    # Every reply changes this index: reloading 50,000 documents' lengths and the frequencies
    # took 0.2-0.3 s per process. Frequencies a few minutes old move scores a little, not what
    # is found: new postings are read at once, new documents fetched when a query meets them.
    statistics_seconds=300.0,
)

# The articles' view and vote counters (their prior): changed by every page view and vote.
COUNTERS = Source(name="article-counters", generation_key="helpcenter:search:generation:counters")
# What the search learned from its readers (`helpcenter.learning`): rebuilt every hour.
LEARNED = Source(name="learned", generation_key="helpcenter:search:generation:learned")
