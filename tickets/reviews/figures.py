"""The quality reviews' dashboard: average score by agent and by criterion over a period,
and where training is needed, over the agents a supervisor may see.

Definitions: a review's score is sum(marks) / (2 × applicable criteria) × 100; an agent's
average is the mean of their reviews' scores; a criterion's average is its applicable marks'
sum / (2 × their number) × 100 and its "share met" the share of applicable marks that are
"met" (2). Training is needed where an agent's share met on a criterion is below 70 %.
Criteria are counted by key, so the same line in five languages is one criterion.
"""

from datetime import datetime

from django.db.models import Avg, Count, Q, Sum

from tickets.models import QualityReview, QualityScore, ReviewCriterion
from tickets.reviews.selectors import FALLBACK_LANGUAGE, agent_names

TRAINING_THRESHOLD = 70.0  # % of applicable marks that are "met"


def review_dashboard(agent_ids: frozenset[int] | None, since: datetime, language: str) -> dict:
    """`agent_ids` None: every agent (administrators)."""
    reviews = QualityReview.objects.filter(created_at__gte=since)
    scores = QualityScore.objects.filter(review__created_at__gte=since, mark__isnull=False)
    if agent_ids is not None:
        reviews = reviews.filter(agent_id__in=agent_ids)
        scores = scores.filter(review__agent_id__in=agent_ids)
    labels = criterion_labels(language)
    by_agent = _by_agent(reviews)
    return {
        "by_agent": by_agent,
        "by_criterion": _by_criterion(scores, labels),
        "training": training_needed(scores, labels),
        "reviews": sum(row["reviews"] for row in by_agent),
    }


def _by_agent(reviews) -> list[dict]:
    rows = list(reviews.values("agent_id").annotate(reviews=Count("pk"), average=Avg("score")))
    names = agent_names({row["agent_id"] for row in rows})
    result = [
        {
            "agent": row["agent_id"],
            "name": names.get(row["agent_id"], "—"),
            "reviews": row["reviews"],
            "average": round(float(row["average"]), 1),
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (row["average"], row["name"]))


def _marks(scores, *group: str):
    return scores.values(*group).annotate(
        marked=Count("pk"), total=Sum("mark"), met=Count("pk", filter=Q(mark=2))
    )


def _by_criterion(scores, labels: dict[str, str]) -> list[dict]:
    rows = [
        {
            "key": row["criterion__key"],
            "label": labels.get(row["criterion__key"], row["criterion__key"]),
            "marked": row["marked"],
            "average": _percent(row["total"], 2 * row["marked"]),
            "met": _percent(row["met"], row["marked"]),
        }
        for row in _marks(scores, "criterion__key")
    ]
    return sorted(rows, key=lambda row: (row["average"], row["key"]))


def training_needed(scores, labels: dict[str, str]) -> list[dict]:
    """Each agent's criteria whose share met is below the threshold, weakest first."""
    rows = [row for row in _marks(scores, "review__agent_id", "criterion__key")]
    names = agent_names({row["review__agent_id"] for row in rows})
    needed = [
        {
            "agent": row["review__agent_id"],
            "name": names.get(row["review__agent_id"], "—"),
            "key": row["criterion__key"],
            "label": labels.get(row["criterion__key"], row["criterion__key"]),
            "marked": row["marked"],
            "met": _percent(row["met"], row["marked"]),
        }
        for row in rows
    ]
    needed = [row for row in needed if row["met"] < TRAINING_THRESHOLD]
    return sorted(needed, key=lambda row: (row["name"], row["met"], row["key"]))


def criterion_labels(language: str) -> dict[str, str]:
    """Each key's label in `language`, else in English, else in any language."""
    preference = {language: 0, FALLBACK_LANGUAGE: 1}
    rows = sorted(
        ReviewCriterion.objects.values("key", "language", "label"),
        key=lambda row: preference.get(row["language"], 2),
        reverse=True,
    )
    return {row["key"]: row["label"] for row in rows}


def _percent(part, whole) -> float:
    return round(100.0 * float(part or 0) / whole, 1) if whole else 0.0
