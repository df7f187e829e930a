"""The help center's part of the dashboard's deflection figures (tickets.metrics.deflection),
registered in support.registry: searches, contact-form suggestions that kept a customer from
writing, and the searches with no good answer. Help-center rows carry a language but no team,
channel or agent: only the scope's languages apply, and a scope narrowed to one agent has none."""

from django.db.models import Count, Q

from helpcenter.models import DeflectionRecord, SearchRecord
from helpcenter.selectors import _no_good_answer


def _in_period(model, scope):
    rows = model.objects.filter(created_at__gte=scope.start, created_at__lt=scope.end)
    return rows.none() if scope.agent is not None else rows


def deflection_figures(scope) -> dict:
    """{"searches", "suggested", "deflected"} of the period."""
    searches = _in_period(SearchRecord, scope)
    suggestions = _in_period(DeflectionRecord, scope)
    if scope.languages:
        searches = searches.filter(language__in=scope.languages)
        suggestions = suggestions.filter(search__language__in=scope.languages)
    counts = suggestions.aggregate(
        suggested=Count("pk"),
        deflected=Count("pk", filter=Q(outcome=DeflectionRecord.Outcome.DEFLECTED)),
    )
    return {"searches": searches.count(), **counts}


def unanswered_searches(scope, *, limit: int = 10) -> list[dict]:
    """[{"query", "count"}]: searches with no result or no good one, by normalised text."""
    searches = _in_period(SearchRecord, scope).filter(_no_good_answer())
    if scope.languages:
        searches = searches.filter(language__in=scope.languages)
    rows = (
        searches.values("normalized_query")
        .annotate(count=Count("pk"))
        .order_by("-count", "normalized_query")[:limit]
    )
    return [{"query": row["normalized_query"], "count": row["count"]} for row in rows]
