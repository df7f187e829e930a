"""Each figure against a small floor whose answers are computed by hand (metrics_world.py):
period 2 March 00:00 – 5 March 00:00 UTC, four tickets, a 24/7 calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest

from support.models import Team
from tests.tickets.metrics_world import END, START, build
from tickets import metrics
from tickets.metrics import Scope, cube


@pytest.fixture
def other_team(db) -> Team:
    return Team.objects.create(slug="backoffice", name="Back office")


@pytest.fixture(params=["from the tickets", "from the daily roll-ups"])
def world(request, receive, policy, team, other_team, agent, supervisor) -> dict:
    """Every test runs twice: with nothing rolled up (each figure counts the tickets), and
    after the daily roll-ups were rebuilt (each figure adds up days): the same answers."""
    built = build(receive, team=team, other_team=other_team, agent=agent, supervisor=supervisor)
    if request.param == "from the daily roll-ups":
        assert cube.refresh() > 0
        assert cube.plan(Scope(start=START, end=END)).spans == ()
    return built


@pytest.fixture
def period(world) -> Scope:
    return Scope(start=START, end=END)


def test_sla_compliance_counts_targets_met_among_those_decided_in_the_period(period):
    figures = metrics.sla_compliance(period)

    # First response: A and D met, B late (breach row), C never answered (due 3 March 09:00).
    assert figures["counts"]["first_response"] == {"met": 2, "breached": 2}
    assert figures["first_response"] == 50.0
    # Next response: B's second cycle (customer 12:30, reply 13:00) and no breach row.
    assert figures["counts"]["next_response"] == {"met": 1, "breached": 0}
    assert figures["next_response"] == 100.0
    # Resolution: A in 2 h; B late; C unsolved past due; D reopened and open past due.
    assert figures["counts"]["resolution"] == {"met": 1, "breached": 3}
    assert figures["resolution"] == 25.0


def test_first_response_times_are_median_and_90th_percentile_of_business_minutes(period):
    # A 30, B 120, D 10 minutes: median 30, p90 interpolated like percentile_cont (30 + 0.8 × 90).
    assert metrics.first_response_times(period) == {"median": 30.0, "p90": 102.0, "count": 3}


def test_resolution_times_count_tickets_solved_and_still_solved(period):
    # A 120, B 1440 minutes; D was reopened and is open: left out.
    assert metrics.resolution_times(period) == {"median": 780.0, "p90": 1308.0, "count": 2}


def test_first_contact_resolution_is_one_reply_and_never_reopened(period):
    assert metrics.first_contact_resolution(period) == {"rate": 50.0, "count": 2}


def test_average_handle_time_caps_each_reply_at_an_hour(period):
    # A 30; B 120 → 60 (capped) and 30; D 10.
    assert metrics.average_handle_time(period) == {"minutes": 32.5, "count": 4}


def test_reopen_rate_is_reopened_tickets_over_solved_tickets(period):
    assert metrics.reopen_rate(period) == {"rate": 33.3, "reopened": 1, "solved": 3}


def test_volume_and_backlog_trends_fill_every_day(period):
    assert metrics.volume_trend(period) == [
        {"day": date(2026, 3, 2), "created": 2, "solved": 1},
        {"day": date(2026, 3, 3), "created": 1, "solved": 1},
        {"day": date(2026, 3, 4), "created": 1, "solved": 0},
    ]
    assert [point["open"] for point in metrics.backlog_trend(period)] == [1, 1, 2]


def test_backlog_starts_from_the_tickets_open_before_the_period(world):
    later = Scope(start=datetime(2026, 3, 3, tzinfo=UTC), end=END)
    # B (created on the 2nd) is still open at the start of the 3rd.
    assert [point["open"] for point in metrics.backlog_trend(later)] == [1, 2]


def test_sentiment_trend_is_the_share_of_strongly_negative_tickets_per_day(period):
    assert metrics.sentiment_trend(period) == [
        {"day": date(2026, 3, 2), "negative_pct": 0.0, "messages": 2},
        {"day": date(2026, 3, 3), "negative_pct": 100.0, "messages": 1},
        {"day": date(2026, 3, 4), "negative_pct": 0.0, "messages": 1},
    ]


def test_a_teams_figures_leave_out_other_teams_tickets(world, team):
    scope = Scope(start=START, end=END, teams=(team.pk,))

    assert metrics.sla_compliance(scope)["counts"]["first_response"] == {"met": 2, "breached": 1}
    assert [point["created"] for point in metrics.volume_trend(scope)] == [2, 0, 1]
    assert metrics.sentiment_trend(scope)[1] == {
        "day": date(2026, 3, 3),
        "negative_pct": None,
        "messages": 0,
    }


def test_a_team_with_no_tickets_sees_zeros(world):
    scope = Scope(start=START, end=END, teams=())
    assert metrics.first_response_times(scope) == {"median": None, "p90": None, "count": 0}
    assert metrics.agent_figures(scope) == []


def test_channel_language_category_and_priority_filters_apply(world):
    assert metrics.reopen_rate(Scope(start=START, end=END, channels=("email",)))["solved"] == 0
    assert metrics.reopen_rate(Scope(start=START, end=END, channels=("web",)))["solved"] == 3
    assert metrics.first_contact_resolution(Scope(start=START, end=END, languages=("ja",))) == {
        "rate": None,
        "count": 0,
    }
    assert metrics.resolution_times(Scope(start=START, end=END, priorities=("low",)))["count"] == 0
    assert metrics.volume_trend(Scope(start=START, end=END, categories=("kyc",)))[0]["created"] == 0


def test_an_empty_period_gives_zeros_and_nothing_else(world):
    scope = Scope(start=datetime(2025, 1, 1, tzinfo=UTC), end=datetime(2025, 1, 3, tzinfo=UTC))

    assert metrics.sla_compliance(scope) == {
        "first_response": None,
        "next_response": None,
        "resolution": None,
        "counts": {
            "first_response": {"met": 0, "breached": 0},
            "next_response": {"met": 0, "breached": 0},
            "resolution": {"met": 0, "breached": 0},
        },
    }
    assert metrics.resolution_times(scope) == {"median": None, "p90": None, "count": 0}
    assert metrics.average_handle_time(scope) == {"minutes": None, "count": 0}
    assert metrics.reopen_rate(scope) == {"rate": None, "reopened": 0, "solved": 0}
    assert metrics.volume_trend(scope) == [
        {"day": date(2025, 1, 1), "created": 0, "solved": 0},
        {"day": date(2025, 1, 2), "created": 0, "solved": 0},
    ]
    assert [point["open"] for point in metrics.backlog_trend(scope)] == [0, 0]
    assert metrics.csat(scope)["average"] is None
    assert metrics.nps(scope)["score"] is None
    assert metrics.deflection(scope) == {
        "searches": 0,
        "bot_answers": 0,
        "ended_without_ticket": 0,
        "rate": None,
    }


def test_a_period_over_two_years_is_capped_and_still_answers(world):
    scope = Scope(start=END - timedelta(days=3 * 365), end=END)

    assert scope.capped and END - scope.start == timedelta(days=731)
    trend = metrics.volume_trend(scope)
    assert len(trend) == 731 and sum(point["created"] for point in trend) == 4
    assert metrics.sla_compliance(scope)["counts"]["first_response"]["met"] == 2
