"""CSAT, NPS, agents' figures and deflection against hand-computed rows (period as in
test_metrics.py: 2 March 00:00 – 5 March 00:00 UTC)."""

from datetime import UTC, datetime

import pytest

from helpcenter.models import DeflectionRecord, SearchRecord
from livechat.models import ChatMessage, Conversation
from support.models import Team
from support.roles import Role
from tests.conftest import make_person
from tests.tickets.metrics_world import END, START, at, build
from tickets import metrics
from tickets.metrics import Scope, cube
from tickets.survey_models import (
    NpsAnswer,
    NpsInvitation,
    QualityReview,
    SurveyAnswer,
    SurveyInvitation,
)


@pytest.fixture
def other_team(db) -> Team:
    return Team.objects.create(slug="backoffice", name="Back office")


@pytest.fixture
def world(receive, policy, team, other_team, agent, supervisor) -> dict:
    return build(receive, team=team, other_team=other_team, agent=agent, supervisor=supervisor)


def answer(ticket, *, agent, team, sent: datetime, score: int | None) -> None:
    # Solving schedules the ticket's survey (tickets.surveys): this one was sent at `sent`.
    invitation, _new = SurveyInvitation.objects.update_or_create(
        ticket=ticket,
        defaults={
            "customer": ticket.customer,
            "email": ticket.customer.email,
            "agent": agent,
            "team": team,
            "channel": ticket.channel,
            "language": "en",
            "send_at": sent,
            "sent_at": sent,
            "answered_at": None if score is None else sent,
        },
    )
    if score is not None:
        SurveyAnswer.objects.create(
            invitation=invitation,
            ticket=ticket,
            agent=agent,
            team=team,
            channel=ticket.channel,
            language="en",
            score=score,
            created_at=sent,
        )


@pytest.fixture(params=["from the answers", "from the daily roll-ups"])
def surveys(request, world, agent, team, other_team) -> None:
    """Every survey test runs twice: counting the answers, and adding up the daily roll-ups
    rebuilt after the answers were given: the same figures."""
    answer(world["a"], agent=agent, team=team, sent=at(2, 13), score=5)
    answer(world["b"], agent=agent, team=team, sent=at(3, 12), score=2)
    answer(world["c"], agent=None, team=other_team, sent=at(4, 12), score=None)
    if request.param == "from the daily roll-ups":
        assert cube.refresh() > 0
        assert cube.plan(Scope(start=START, end=END)).spans == ()


def test_csat_averages_the_answers_and_the_response_rate_of_surveys_sent(surveys):
    assert metrics.csat(Scope(start=START, end=END)) == {
        "average": 3.5,
        "satisfied_pct": 50.0,
        "responses": 2,
        "sent": 3,
        "response_rate": 66.7,
    }


def test_csat_of_another_team_holds_none_of_ours(surveys, other_team):
    figures = metrics.csat(Scope(start=START, end=END, teams=(other_team.pk,)))
    assert figures["responses"] == 0 and figures["average"] is None and figures["sent"] == 1


def test_csat_follows_the_tickets_category_changed_after_the_answer(surveys, world):
    """A ticket recategorised after its answer was rolled up moves the answer to the new
    category: the change marks the answer's day, counted from the answers until rebuilt."""
    world["b"].category = "kyc"
    world["b"].save(update_fields=["category"])
    kyc = metrics.csat(Scope(start=START, end=END, categories=("kyc",)))
    assert (kyc["responses"], kyc["average"]) == (1, 2.0)
    cube.refresh()
    assert metrics.csat(Scope(start=START, end=END, categories=("kyc",)))["average"] == 2.0


def test_csat_trend_has_every_day(surveys):
    assert metrics.csat_trend(Scope(start=START, end=END)) == [
        {"day": at(2, 0).date(), "average": 5.0, "responses": 1},
        {"day": at(3, 0).date(), "average": 2.0, "responses": 1},
        {"day": at(4, 0).date(), "average": None, "responses": 0},
    ]


@pytest.fixture
def nps_answers(db) -> None:
    for n, score in enumerate([10, 9, 3, None]):
        person = make_person(f"nps{n}@example.com", Role.CUSTOMER)
        invitation = NpsInvitation.objects.create(
            customer=person,
            quarter="2026Q1",
            email=person.email,
            language="ko" if n == 2 else "en",
            send_at=at(2, 8),
            sent_at=at(2, 8),
            answered_at=None if score is None else at(3, 8),
        )
        if score is not None:
            NpsAnswer.objects.create(
                invitation=invitation,
                customer=person,
                language=invitation.language,
                score=score,
                created_at=at(3, 8),
            )


def test_nps_is_promoters_less_detractors_in_percent(nps_answers):
    assert metrics.nps(Scope(start=START, end=END)) == {
        "score": 33.3,
        "promoters": 2,
        "passives": 0,
        "detractors": 1,
        "responses": 3,
        "sent": 4,
        "response_rate": 75.0,
    }
    korean = metrics.nps(Scope(start=START, end=END, languages=("ko",)))
    assert korean["score"] == -100.0 and korean["responses"] == 1
    assert [point["score"] for point in metrics.nps_trend(Scope(start=START, end=END))] == [
        None,
        33.3,
        None,
    ]


def test_agent_figures_beside_their_teammates(surveys, agent, teammate, supervisor, team):
    for score in (80, 90):
        QualityReview.objects.create(
            ticket_id=SurveyAnswer.objects.first().ticket_id,
            agent=agent,
            reviewer=supervisor,
            language="en",
            score=score,
            created_at=at(4, 12),
        )

    rows = metrics.agent_figures(Scope(start=START, end=END, teams=(team.pk,)))

    assert rows == [
        {
            "agent": agent.pk,
            "name": agent.email,
            "solved": 2,
            "csat": 3.5,
            "sla_first_response": 66.7,
            "handle_minutes": 32.5,
            "reviews": 85.0,
        },
        {
            "agent": teammate.pk,
            "name": teammate.email,
            "solved": 0,
            "csat": None,
            "sla_first_response": None,
            "handle_minutes": None,
            "reviews": None,
        },
    ]
    mine = metrics.agent_figures(Scope(start=START, end=END, agent=teammate.pk))
    assert [row["agent"] for row in mine] == [teammate.pk]


def test_another_teams_supervisor_sees_none_of_our_agents(world, other_team):
    assert metrics.agent_figures(Scope(start=START, end=END, teams=(other_team.pk,))) == []


def chat(*, ended: datetime, queued: bool) -> None:
    conversation = Conversation.objects.create(status="ended", language="en")
    ChatMessage.objects.create(
        conversation=conversation, sender="bot", body="Try this article.", bot_action="answer"
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        ended_at=ended, queued_at=ended if queued else None
    )


def test_deflection_combines_the_help_center_and_the_bot(db):
    for query, results in (("fee", 0), ("fee", 0), ("deposit", 5)):
        SearchRecord.objects.create(
            query=query,
            normalized_query=query,
            language="en",
            results_count=results,
            best_score=0.9 if results else 0.0,
            created_at=at(2, 9),
        )
    for outcome in ("deflected", "submitted"):
        DeflectionRecord.objects.create(source="contact_form", outcome=outcome, created_at=at(2, 9))
    chat(ended=at(3, 9), queued=False)
    chat(ended=at(3, 10), queued=True)
    chat(ended=datetime(2026, 2, 1, tzinfo=UTC), queued=False)  # outside the period
    scope = Scope(start=START, end=END)

    assert metrics.deflection(scope) == {
        "searches": 3,
        "bot_answers": 2,
        "ended_without_ticket": 2,
        "rate": 50.0,
    }
    assert metrics.top_unanswered_searches(scope) == [{"query": "fee", "count": 2}]
    assert metrics.top_unanswered_searches(Scope(start=START, end=END, languages=("ja",))) == []
