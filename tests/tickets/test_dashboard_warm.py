"""The beat reads the usual dashboard views after the daily roll-ups of an ended day change, so
an administrator and every supervisor open them with the roll-ups' sums already in the cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import Team
from tests.tickets.metrics_world import build
from tickets.dashboards.forms import PRESETS
from tickets.dashboards.warm import WARMED_KEY, viewers, warm
from tickets.metrics import cube
from tickets.models import Ticket


@pytest.fixture
def floor(receive, policy, team, agent, supervisor, admin_user) -> dict:
    other = Team.objects.create(slug="backoffice", name="Back office")
    Team.objects.filter(pk=team.pk).update(supervisor=supervisor)
    cache.delete(WARMED_KEY)
    built = build(receive, team=team, other_team=other, agent=agent, supervisor=supervisor)
    cube.refresh()
    return built


def test_the_administrator_and_each_supervisors_teams_are_read_once_per_change(
    floor, supervisor, admin_user
):
    assert viewers() == [admin_user, supervisor]
    assert warm() == 2 * len(PRESETS)
    assert warm() == 0  # nothing ended changed

    Ticket.objects.filter(pk=floor["a"].pk).update(category="kyc")  # a March day is marked
    cube.refresh()
    assert warm() == 2 * len(PRESETS)


def test_a_warmed_view_reads_fewer_rows_than_a_cold_one(floor, client, supervisor):
    client.force_login(supervisor)
    Ticket.objects.filter(pk=floor["b"].pk).update(priority="low")  # a new version: cold
    cube.refresh()
    with CaptureQueriesContext(connection) as cold:
        client.get("/console/dashboards/?preset=90d")
    Ticket.objects.filter(pk=floor["b"].pk).update(priority="high")
    cube.refresh()
    assert warm() > 0
    with CaptureQueriesContext(connection) as warmed:
        page = client.get("/console/dashboards/?preset=90d")

    assert page.status_code == 200
    assert len(rollup_reads(warmed)) < len(rollup_reads(cold))


def rollup_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"] for query in queries.captured_queries if "tickets_figureday" in query["sql"]
    ]
