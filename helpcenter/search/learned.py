"""The learned query → article signal (`helpcenter.learning`) combined with the coverage.

For the exact normalised query in the reader's language, each learned article's boost (at
most `MAX_BOOST`, or a small penalty) is added to its lexical coverage; an article the
readers found but that matches no word of the query enters with the boost alone. So the
signal reorders articles whose coverage is within `MAX_BOOST` of each other and lets a
paraphrase find its article, but never beats a stronger lexical match by more than that.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from helpcenter.learning.models import LearnedAnswer
from helpcenter.learning.services import MAX_BOOST
from helpcenter.search.analysis import MAX_QUERY, normalized_query

if TYPE_CHECKING:
    from helpcenter.search.kept import LearnedTable

MOST_LEARNED = 10  # articles read per query (a query rarely has more than two)

Owner = tuple[int, float, str]  # (article id, coverage score, language of its document)


def learned_boosts(query: str, *, language: str, kept: "LearnedTable") -> dict[int, float]:
    """{article id: boost} learned for this query in this language (usually empty), from
    what this process keeps of them if it keeps them all."""
    key = normalized_query(query.strip()[:MAX_QUERY])
    if not key:
        return {}
    if kept.complete:
        return dict(kept.boosts.get((language, key), {}))
    rows = LearnedAnswer.objects.filter(language=language, normalized_query=key)
    return dict(rows.order_by("-boost").values_list("article_id", "boost")[:MOST_LEARNED])


def with_learned(
    owners: list[Owner],
    boosts: dict[int, float],
    *,
    weigh: Callable[[set[int]], dict[int, float]],
    language: str,
) -> list[Owner]:
    """The owners with their boosts added (in [0, 1]), plus the visible boosted articles
    the words did not find, best first (ties keep the lexical order)."""
    if not boosts:
        return owners
    found = {owner_id for owner_id, _score, _language in owners}
    unseen = {article_id for article_id, boost in boosts.items() if boost > 0} - found
    visible = weigh(unseen) if unseen else {}
    combined = [
        (owner_id, _bounded(score + boosts.get(owner_id, 0.0)), document_language)
        for owner_id, score, document_language in owners
    ]
    for article_id in sorted(visible):
        combined.append((article_id, _bounded(boosts[article_id]), language))
    return sorted(combined, key=lambda owner: -owner[1])


def learned_known(known: float, boosts: dict[int, float], best: int) -> float:
    """The share of the query the help center knows: readers who found the best article
    for this very query make it known, as far as their evidence goes."""
    return max(known, boosts.get(best, 0.0) / MAX_BOOST)


def _bounded(score: float) -> float:
    return min(max(score, 0.0), 1.0)
