"""The periodic aggregation of the records into `LearnedAnswer`, and resetting it.

Robust to abuse by construction: a visitor counts once per (language, query, article), with
their latest outcome; a visitor with evidence on many pairs weighs less on each; nothing has
an effect before `MIN_VISITORS` distinct visitors agree; evidence halves every
`HALF_LIFE_DAYS`; and the boost it buys is bounded (`MAX_BOOST`, `MAX_PENALTY`), so it can
reorder close lexical matches but never beat a strong one on its own.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from helpcenter.learning.evidence import Outcome, outcomes
from helpcenter.learning.models import LearnedAnswer, LearningReset
from helpcenter.models import Article
from helpcenter.search.analysis import normalized_query as normalise_query
from helpcenter.search.corpus import LEARNED
from helpcenter.search.index import announce_change

HORIZON = timedelta(days=180)  # older records are not read (their weight is below 2 %)
HALF_LIFE_DAYS = 30.0
MIN_VISITORS = 5  # distinct visitors before a pair has any effect
VISITOR_PAIRS = 10  # a visitor with evidence on more pairs weighs 10/n on each
EVIDENCE_SCALE = 5.0  # visitor weight at which a boost reaches 63 % of its bound
MAX_BOOST = 0.2  # added to an article's coverage in [0, 1]
MAX_PENALTY = 0.1  # taken from the coverage of an article that only misses
REFRESH_LOCK = 7_311_402  # pg_advisory_xact_lock key: one refresh at a time

Pair = tuple[str, str, int]  # (language, normalised query, article id)


@dataclass
class Tally:
    good: float = 0.0  # decayed, capped visitor weight
    missed: float = 0.0
    good_visitors: int = 0
    missed_visitors: int = 0

    def add(self, outcome: Outcome, weight: float) -> None:
        if outcome.answered:
            self.good += weight
            self.good_visitors += 1
        else:
            self.missed += weight
            self.missed_visitors += 1

    def boost(self) -> float:
        """Good evidence from enough visitors lifts the article and cannot be lowered by
        misses; misses from enough visitors lower only an article nobody was helped by."""
        if self.good_visitors >= MIN_VISITORS:
            return MAX_BOOST * saturation(self.good)
        if self.missed_visitors >= MIN_VISITORS:
            return -MAX_PENALTY * saturation(self.missed)
        return 0.0


def saturation(weight: float) -> float:
    return 1 - math.exp(-weight / EVIDENCE_SCALE)


def decay(age: timedelta) -> float:
    return 0.5 ** (age.total_seconds() / 86400 / HALF_LIFE_DAYS)


def learned_answers_refresh(*, now: datetime | None = None) -> int:
    """Rebuild every `LearnedAnswer` from the last `HORIZON` of records; the number of rows.

    Safe to run twice at once (the second waits for the first and rebuilds again)."""
    now = now or timezone.now()
    resets = Resets.load()
    latest = latest_outcomes(o for o in outcomes(since=now - HORIZON, now=now) if resets.keeps(o))
    tallies = tally(latest, now=now)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        ids = {pair[2] for pair in tallies}
        existing = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
        rows = [
            _row(pair, counts, now)
            for pair, counts in tallies.items()
            if pair[2] in existing and counts.boost()
        ]
        LearnedAnswer.objects.all().delete()
        LearnedAnswer.objects.bulk_create(rows, batch_size=1000)
        announce_change(LEARNED)
    return len(rows)


def latest_outcomes(found: Iterable[Outcome]) -> list[Outcome]:
    """Each visitor's latest outcome per pair: repeating a search adds nothing."""
    latest: dict[tuple[str, Pair], Outcome] = {}
    for outcome in found:
        key = (outcome.visitor, (outcome.language, outcome.query, outcome.article_id))
        kept = latest.get(key)
        if kept is None or outcome.at > kept.at:
            latest[key] = outcome
    return list(latest.values())


def tally(latest: list[Outcome], *, now: datetime) -> dict[Pair, Tally]:
    pairs_of = Counter(outcome.visitor for outcome in latest)
    tallies: dict[Pair, Tally] = {}
    for outcome in latest:
        share = min(1.0, VISITOR_PAIRS / pairs_of[outcome.visitor])
        pair = (outcome.language, outcome.query, outcome.article_id)
        tallies.setdefault(pair, Tally()).add(outcome, share * decay(now - outcome.at))
    return tallies


def _row(pair: Pair, counts: Tally, now: datetime) -> LearnedAnswer:
    language, query, article_id = pair
    return LearnedAnswer(
        language=language,
        normalized_query=query,
        article_id=article_id,
        good_visitors=counts.good_visitors,
        missed_visitors=counts.missed_visitors,
        good=round(counts.good, 4),
        missed=round(counts.missed, 4),
        boost=round(counts.boost(), 4),
        refreshed_at=now,
    )


@dataclass(frozen=True)
class Resets:
    """The latest reset per scope: all, an article, a query, or a query's article."""

    latest: dict[tuple[int | None, str, str], datetime]

    @classmethod
    def load(cls) -> "Resets":
        latest: dict[tuple[int | None, str, str], datetime] = {}
        rows = LearningReset.objects.values_list(
            "article_id", "language", "normalized_query", "created_at"
        )
        for article_id, language, query, at in rows:
            key = (article_id, language, query)
            latest[key] = max(at, latest.get(key, at))
        return cls(latest)

    def keeps(self, outcome: Outcome) -> bool:
        """Whether the outcome is newer than every reset that covers it."""
        scopes = [
            (None, "", ""),
            (outcome.article_id, "", ""),
            (None, outcome.language, outcome.query),
            (outcome.article_id, outcome.language, outcome.query),
        ]
        return all(outcome.at > self.latest[scope] for scope in scopes if scope in self.latest)


def learning_reset(
    *,
    by: AbstractBaseUser | None,
    article: Article | None = None,
    language: str = "",
    query: str = "",
) -> LearningReset:
    """Forget what was learned so far: everything, an article's, a query's (in `language`),
    or one query's article. Its rows go at once; the records before now no longer count."""
    normalised = normalise_query(query) if query else ""
    with transaction.atomic():
        reset = LearningReset.objects.create(
            by=by if by is not None and by.is_authenticated else None,
            article=article,
            language=language if normalised else "",
            normalized_query=normalised,
        )
        forgotten = LearnedAnswer.objects.all()
        if article is not None:
            forgotten = forgotten.filter(article=article)
        if normalised:
            forgotten = forgotten.filter(language=language, normalized_query=normalised)
        forgotten.delete()
        announce_change(LEARNED)
    return reset
