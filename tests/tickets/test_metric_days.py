"""The daily roll-ups (tickets/metrics/cube.py) never show a stale figure: a change to a day
already counted marks it (database triggers), the figures count that day from the tickets until
it is rebuilt, and the rebuilt day gives the same answer. The hand-computed answers are
test_metrics.py's (every test there also runs on the roll-ups)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from support.models import Team
from tests.tickets.metrics_world import END, START, at, build, reply
from tickets import metrics
from tickets.figure_models import FigureCounted, FigureDirty
from tickets.metrics import Scope, cube
from tickets.models import SlaEvent, SlaTarget, Ticket
from tickets.tasks import figures_refresh_task

MARCH_2, MARCH_3 = date(2026, 3, 2), date(2026, 3, 3)


@pytest.fixture
def world(receive, policy, team, agent, supervisor) -> dict:
    other = Team.objects.create(slug="backoffice", name="Back office")
    built = build(receive, team=team, other_team=other, agent=agent, supervisor=supervisor)
    cube.refresh()
    return built


def marked_before_today() -> list[date]:
    return list(
        FigureDirty.objects.filter(day__lt=timezone.now().date()).values_list("day", flat=True)
    )


def counted_from_tickets(scope: Scope) -> list[date]:
    """The days a figure of `scope` counts from the tickets rather than the roll-ups."""
    return sorted(
        {
            (start + timedelta(days=n)).date()
            for start, end in cube.plan(scope).spans
            for n in range((end - start).days)
        }
    )


def test_every_ended_day_is_counted_once_and_read_from_the_roll_ups(world):
    assert counted_from_tickets(Scope(start=START, end=END)) == []
    assert cube.refresh() == 0  # nothing changed: nothing to rebuild


def test_a_ticket_moved_to_another_category_marks_its_days_and_the_figures_follow(world):
    kyc = Scope(start=START, end=END, categories=("kyc",))
    Ticket.objects.filter(pk=world["a"].pk).update(category="kyc")

    assert MARCH_2 in counted_from_tickets(kyc)
    assert metrics.volume_trend(kyc)[0] == {"day": MARCH_2, "created": 1, "solved": 1}
    assert metrics.first_contact_resolution(kyc) == {"rate": 100.0, "count": 1}

    cube.refresh()
    assert counted_from_tickets(kyc) == []
    assert metrics.volume_trend(kyc)[0] == {"day": MARCH_2, "created": 1, "solved": 1}
    assert metrics.first_contact_resolution(kyc) == {"rate": 100.0, "count": 1}


def test_a_late_second_reply_undoes_a_first_contact_resolution_on_the_solve_day(world, agent):
    period = Scope(start=START, end=END)
    assert metrics.first_contact_resolution(period) == {"rate": 50.0, "count": 2}

    reply(world["a"], agent, at(4, 12))  # A, solved on the 2nd, gets a second reply

    assert MARCH_2 in counted_from_tickets(period)
    assert metrics.first_contact_resolution(period) == {"rate": 0.0, "count": 2}
    cube.refresh()
    assert metrics.first_contact_resolution(period) == {"rate": 0.0, "count": 2}


def test_a_breach_written_late_turns_a_met_target_into_a_breach(world):
    period = Scope(start=START, end=END)
    assert metrics.sla_compliance(period)["counts"]["first_response"] == {"met": 2, "breached": 2}

    SlaEvent.objects.create(
        ticket=world["a"], target=SlaTarget.FIRST_RESPONSE, kind=SlaEvent.Kind.BREACH,
        due_at=at(2, 9, 20), created_at=at(2, 9, 20),
    )  # fmt: skip

    assert metrics.sla_compliance(period)["counts"]["first_response"] == {"met": 1, "breached": 3}
    cube.refresh()
    assert not marked_before_today()
    assert metrics.sla_compliance(period)["counts"]["first_response"] == {"met": 1, "breached": 3}


def test_a_reopening_of_an_old_ticket_moves_it_back_into_the_backlog(world, supervisor):
    period = Scope(start=START, end=END)
    assert [point["open"] for point in metrics.backlog_trend(period)] == [1, 1, 2]

    Ticket.objects.filter(pk=world["b"].pk).update(status="open")  # solved on the 3rd

    # B counts as open from its creation to its last solve, which no longer counts: open since.
    assert [point["open"] for point in metrics.backlog_trend(period)] == [1, 2, 3]
    cube.refresh()
    assert [point["open"] for point in metrics.backlog_trend(period)] == [1, 2, 3]


def test_today_is_read_from_the_roll_ups_only_while_they_are_two_minutes_old(world, receive):
    now = timezone.now()
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    scope = Scope(start=today - timedelta(days=2), end=today + timedelta(days=1))
    assert today.date() not in counted_from_tickets(scope)  # rebuilt "so far" by refresh()

    FigureCounted.objects.filter(day=today.date()).update(counted_at=now - timedelta(minutes=3))
    receive(customer_email="late@example.com", subject="Written after the last count")

    assert counted_from_tickets(scope)[-1] == today.date()
    assert (
        metrics.volume_trend(scope)[-1]["created"]
        == Ticket.objects.filter(created_at__gte=today, merged_into__isnull=True).count()
    )


def test_a_period_cut_inside_a_day_counts_that_part_from_the_tickets(world):
    seoul_days = Scope(start=START - timedelta(hours=9), end=END - timedelta(hours=9))
    spans = cube.plan(seoul_days).spans

    assert spans[0] == (START - timedelta(hours=9), START)
    assert spans[-1] == (END - timedelta(days=1), END - timedelta(hours=9))
    assert metrics.volume_trend(seoul_days)[0]["created"] == 0  # 1 March, 15:00–24:00


def snapshot(scope: Scope) -> list:
    return [
        metrics.sla_compliance(scope),
        metrics.average_handle_time(scope),
        metrics.first_contact_resolution(scope),
        metrics.volume_trend(scope),
        metrics.first_response_times(scope),
        metrics.agent_figures(scope),
    ]


def test_the_beat_task_counts_the_minutes_then_rebuilds_the_days_they_touched(world, agent):
    period = Scope(start=START, end=END)
    reply(world["d"], agent, at(4, 10))  # D, reopened, gets a second reply on the 4th
    assert date(2026, 3, 4) in counted_from_tickets(period)
    before = snapshot(period)

    figures_refresh_task.apply().get()

    assert not marked_before_today()
    assert counted_from_tickets(period) == []
    assert snapshot(period) == before


@pytest.mark.parametrize("seed", range(5))
def test_medians_from_the_histogram_are_postgresqls_percentile_cont(db, seed):
    import random
    from collections import Counter

    from django.db import connection

    from tickets.metrics.times import percentile

    values = [
        random.Random(seed).randint(0, 500) for _ in range(random.Random(seed).randint(1, 60))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY v) FROM unnest(%s::int[]) AS v",
            [values],
        )
        median, p90 = cursor.fetchone()

    assert percentile(Counter(values), 0.5) == pytest.approx(median)
    assert percentile(Counter(values), 0.9) == pytest.approx(p90)
