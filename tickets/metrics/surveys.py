"""CSAT (the survey after a solved ticket) and NPS (the relationship survey), with their
response rates and daily trends (docs/metrics.md)."""

from datetime import UTC

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from tickets.metrics import cube
from tickets.metrics.base import SATISFIED_FROM, pct
from tickets.metrics.base import days as days_of
from tickets.metrics.scope import Scope
from tickets.survey_models import NpsAnswer, NpsInvitation, SurveyAnswer, SurveyInvitation

PROMOTER_FROM, DETRACTOR_UP_TO = 9, 6


def _survey_filter(scope: Scope) -> Q:
    """The scope on an answer or invitation: team, agent, channel and language as recorded
    when the ticket was solved; category and priority of the ticket."""
    conditions = Q()
    if scope.teams is not None:
        conditions &= Q(team__in=scope.teams)
    if scope.agent is not None:
        conditions &= Q(agent=scope.agent)
    for name, values in (
        ("channel", scope.channels),
        ("language", scope.languages),
        ("ticket__category", scope.categories),
        ("ticket__priority", scope.priorities),
    ):
        if values:
            conditions &= Q(**{f"{name}__in": values})
    return conditions


def csat_answers(scope: Scope) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(
        _survey_filter(scope), created_at__gte=scope.start, created_at__lt=scope.end
    )


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 2)


ANSWER_COUNTS = ("csat_responses", "csat_score_total", "csat_satisfied")


def _answer_sums() -> dict:
    """The roll-ups' survey counts as aggregates of answers, named as in FigureDay."""
    return {
        "csat_responses": Count("pk"),
        "csat_score_total": Sum("score"),
        "csat_satisfied": Count("pk", filter=Q(score__gte=SATISFIED_FROM)),
    }


def _answer_counts(answers: QuerySet[SurveyAnswer]) -> dict:
    found = answers.aggregate(**_answer_sums())
    return {name: found[name] or 0 for name in ANSWER_COUNTS}


def _average(counts: dict) -> float | None:
    if not counts["csat_responses"]:
        return None
    return _rounded(counts["csat_score_total"] / counts["csat_responses"])


def csat(scope: Scope) -> dict:
    """Answers received in the period (average 1–5, share 4 or 5), surveys sent in the period
    and the share of those already answered: {"average", "satisfied_pct", "responses", "sent",
    "response_rate"}. The answers of the roll-ups' days are summed from them (cube.py)."""
    days, raw = cube.split(scope)
    answers = cube.add_counts(
        [cube.sums(scope, days, *ANSWER_COUNTS)]
        + [_answer_counts(csat_answers(part)) for part in raw]
    )
    sent = SurveyInvitation.objects.filter(
        _survey_filter(scope), sent_at__gte=scope.start, sent_at__lt=scope.end
    ).aggregate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    return {
        "average": _average(answers),
        "satisfied_pct": pct(answers["csat_satisfied"], answers["csat_responses"]),
        "responses": answers["csat_responses"],
        "sent": sent["sent"],
        "response_rate": pct(sent["answered"], sent["sent"]),
    }


def csat_trend(scope: Scope) -> list[dict]:
    """Per UTC day of answer: [{"day", "average", "responses"}], every day of the period."""
    days, raw = cube.split(scope)
    found = cube.per_day(scope, days, *ANSWER_COUNTS)
    for part in raw:
        rows = (
            csat_answers(part)
            .annotate(day=TruncDate("created_at", tzinfo=UTC))
            .values("day")
            .annotate(**_answer_sums())
            .order_by()
        )
        for row in rows:
            counts = {name: row[name] or 0 for name in ANSWER_COUNTS}
            found[row["day"]] = cube.add_counts([found.get(row["day"], {}), counts])
    return [
        {
            "day": day,
            "average": _average(found[day]) if day in found else None,
            "responses": found[day]["csat_responses"] if day in found else 0,
        }
        for day in days_of(scope)
    ]


def _nps_applies(scope: Scope) -> bool:
    """NPS asks about the company, not a ticket: no team, agent, channel, category or
    priority is attached to it. A scope narrowed to one agent has no NPS; the other ticket
    filters are not applied (a team's supervisor sees the company's NPS)."""
    return scope.agent is None


def _nps_rows(model, scope: Scope, field: str) -> QuerySet:
    rows = model.objects.filter(**{f"{field}__gte": scope.start, f"{field}__lt": scope.end})
    if scope.languages:
        rows = rows.filter(language__in=scope.languages)
    return rows if _nps_applies(scope) else rows.none()


def _nps_counts() -> dict:
    return {
        "promoters": Count("pk", filter=Q(score__gte=PROMOTER_FROM)),
        "detractors": Count("pk", filter=Q(score__lte=DETRACTOR_UP_TO)),
        "responses": Count("pk"),
    }


def _score(counts: dict) -> float | None:
    if not counts["responses"]:
        return None
    return round((counts["promoters"] - counts["detractors"]) * 100 / counts["responses"], 1)


def nps(scope: Scope) -> dict:
    """Promoters (9–10) % − detractors (0–6) % of the answers of the period, -100…100:
    {"score", "promoters", "passives", "detractors", "responses", "sent", "response_rate"}."""
    counts = _nps_rows(NpsAnswer, scope, "created_at").aggregate(**_nps_counts())
    sent = _nps_rows(NpsInvitation, scope, "sent_at").aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    return {
        "score": _score(counts),
        "promoters": counts["promoters"],
        "passives": counts["responses"] - counts["promoters"] - counts["detractors"],
        "detractors": counts["detractors"],
        "responses": counts["responses"],
        "sent": sent["sent"],
        "response_rate": pct(sent["answered"], sent["sent"]),
    }


def nps_trend(scope: Scope) -> list[dict]:
    """Per UTC day of answer: [{"day", "score", "responses"}], every day of the period."""
    rows = (
        _nps_rows(NpsAnswer, scope, "created_at")
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day")
        .annotate(**_nps_counts())
    )
    found = {row["day"]: row for row in rows}
    empty = {"promoters": 0, "detractors": 0, "responses": 0}
    return [
        {
            "day": day,
            "score": _score(found.get(day, empty)),
            "responses": found.get(day, empty)["responses"],
        }
        for day in days_of(scope)
    ]
