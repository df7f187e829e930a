"""Each agent's own figures beside their team's (docs/metrics.md): solved, CSAT, first-response
SLA, handle time and quality reviews, a few grouped queries for every agent at once."""

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Least

from tickets.metrics import cube
from tickets.metrics.base import DONE_STATUSES, pct, period_end, tickets_in
from tickets.metrics.compliance import _breached
from tickets.metrics.scope import Scope
from tickets.metrics.surveys import _rounded, csat_answers
from tickets.metrics.times import handle_minutes_by_agent
from tickets.models import SlaTarget
from tickets.survey_models import QualityReview


def _agents(scope: Scope) -> list:
    """The scope's agent, else the agents of the scope's teams (every agent: teams None)."""
    people = get_user_model().objects.filter(agent_profile__isnull=False)
    if scope.agent is not None:
        people = people.filter(pk=scope.agent)
    if scope.teams is not None:
        people = people.filter(agent_profile__teams__in=scope.teams)
    return list(people.distinct().order_by("email"))


def _solved(scope: Scope) -> dict[int, int]:
    rows = (
        tickets_in(scope)
        .filter(status__in=DONE_STATUSES, solved_at__gte=scope.start, solved_at__lt=scope.end)
        .values("assignee")
        .annotate(n=Count("pk"))
    )
    return {row["assignee"]: row["n"] for row in rows}


def _first_response(scope: Scope) -> dict[int, tuple[int, int]]:
    """First-response targets decided and met (compliance.py's definition) per assignee."""
    decided = (
        tickets_in(scope)
        .filter(first_response_due__isnull=False)
        .annotate(
            decided_at=Least(F("first_responded_at"), F("first_response_due")),
            breach=_breached(SlaTarget.FIRST_RESPONSE),
        )
        .filter(decided_at__gte=scope.start, decided_at__lt=period_end(scope))
    )
    met = Q(first_responded_at__lte=F("first_response_due"), breach=False)
    rows = decided.values("assignee").annotate(n=Count("pk"), met=Count("pk", filter=met))
    return {row["assignee"]: (row["n"], row["met"]) for row in rows}


def _csat(scope: Scope) -> dict[int, float | None]:
    rows = csat_answers(scope).values("agent").annotate(average=Avg("score"))
    return {row["agent"]: _rounded(row["average"]) for row in rows}


def _reviews(scope: Scope) -> dict[int, float | None]:
    reviews = QualityReview.objects.filter(created_at__gte=scope.start, created_at__lt=scope.end)
    if scope.languages:
        reviews = reviews.filter(language__in=scope.languages)
    rows = reviews.values("agent").annotate(average=Avg("score"))
    return {row["agent"]: _rounded(row["average"]) for row in rows}


def _counted(scope: Scope) -> tuple[dict, dict, tuple, list[Scope]]:
    """Solved and first-response (decided, met) per agent: the AgentDay roll-ups of the counted
    days (when the scope filters only teams and agent) plus the rest from the tickets."""
    days, raw = cube.split_for_agents(scope)
    rolled = cube.agent_sums(scope, days, "solved", "fr_decided", "fr_met")
    solved = {agent: row["solved"] for agent, row in rolled.items()}
    first = {agent: [row["fr_decided"], row["fr_met"]] for agent, row in rolled.items()}
    for part in raw:
        for agent, n in _solved(part).items():
            solved[agent] = solved.get(agent, 0) + n
        for agent, (decided, met) in _first_response(part).items():
            total = first.setdefault(agent, [0, 0])
            total[0] += decided
            total[1] += met
    return solved, first, days, raw


def agent_figures(scope: Scope) -> list[dict]:
    """[{"agent", "name", "solved", "csat", "sla_first_response", "handle_minutes",
    "reviews"}] for the agents in scope, by email; figures count only the scope's tickets."""
    agents = _agents(scope)
    if not agents:
        return []
    solved, first, days, raw = _counted(scope)
    satisfaction, reviews = _csat(scope), _reviews(scope)
    handle = handle_minutes_by_agent(scope, days, raw)
    return [
        {
            "agent": person.pk,
            "name": person.get_full_name() or person.email,
            "solved": solved.get(person.pk, 0),
            "csat": satisfaction.get(person.pk),
            "sla_first_response": pct(first[person.pk][1], first[person.pk][0])
            if person.pk in first
            else None,
            "handle_minutes": handle.get(person.pk),
            "reviews": reviews.get(person.pk),
        }
        for person in agents
    ]
