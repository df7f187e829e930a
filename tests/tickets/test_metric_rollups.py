"""The business-minute roll-ups behind the dashboards' time figures: counted once per row by the
beat's task, counted again when a ticket is solved a second time, left out until counted (and
the dashboard told up to when the figures are complete), on the ticket's business calendar."""

from datetime import timedelta

from django.urls import reverse

from tests.tickets.metrics_world import END, START, at, count_rollups, move, open_ticket, reply
from tickets import metrics
from tickets.metrics import Scope, rollups
from tickets.models import BusinessCalendar, Status, Ticket
from tickets.tasks import figures_refresh_task

PERIOD = Scope(start=START, end=END)


def test_a_row_is_counted_once_and_again_only_when_solved_again(receive, team, agent, supervisor):
    ticket = open_ticket(receive, created=at(2, 9), team=team, assignee=agent)
    reply(ticket, agent, at(2, 9, 30))
    move(ticket, Status.SOLVED, agent, at(2, 11))
    count_rollups()
    assert rollups.refresh() == 0  # nothing left: a second run counts nothing
    assert metrics.resolution_times(PERIOD) == {"median": 120.0, "p90": 120.0, "count": 1}

    move(ticket, Status.OPEN, supervisor, at(2, 12))
    move(ticket, Status.SOLVED, agent, at(2, 13))

    assert rollups.refresh() == 1  # only the new solve
    counted = Ticket.objects.get(pk=ticket.pk)
    assert (counted.resolution_minutes, counted.resolution_of) == (240, at(2, 13))
    assert counted.first_response_minutes == 30


def test_rows_not_counted_yet_are_left_out_and_the_figures_say_since_when(receive, team, agent):
    early = open_ticket(receive, created=at(2, 9), team=team, assignee=agent)
    reply(early, agent, at(2, 9, 20))
    count_rollups()
    late = open_ticket(receive, created=at(3, 9), team=team, assignee=agent)
    reply(late, agent, at(3, 10))

    assert metrics.first_response_times(PERIOD)["count"] == 1  # the late reply not yet
    assert rollups.freshness() == at(3, 10)

    assert figures_refresh_task.apply().get() == 2  # the ticket and its reply
    assert metrics.first_response_times(PERIOD) == {"median": 40.0, "p90": 56.0, "count": 2}
    assert rollups.freshness(now=at(4, 0)) == at(4, 0)


def test_minutes_are_counted_on_the_team_business_calendar(receive, team, agent):
    """Weekdays 09:00–18:00: a ticket written on Friday 17:30 and answered on Monday 09:15 waited
    45 business minutes, not three days."""
    calendar = BusinessCalendar.objects.create(
        name="Office hours",
        timezone="UTC",
        always_open=False,
        weekly_hours={str(day): [["09:00", "18:00"]] for day in range(5)},
    )
    calendar.teams.add(team)
    friday = at(6, 17, 30)
    ticket = open_ticket(receive, created=friday, team=team, assignee=agent)
    reply(ticket, agent, friday.replace(day=9, hour=9, minute=15))

    count_rollups()

    assert Ticket.objects.get(pk=ticket.pk).first_response_minutes == 45
    week = Scope(start=START, end=START + timedelta(days=14))
    assert metrics.first_response_times(week)["median"] == 45.0


def test_the_dashboard_says_up_to_when_the_times_are_counted(
    client, receive, team, agent, supervisor
):
    team.supervisor = supervisor
    team.save(update_fields=["supervisor"])
    ticket = open_ticket(receive, created=at(3, 9), team=team, assignee=agent)
    reply(ticket, agent, at(3, 10))  # not counted yet
    client.force_login(supervisor)

    page = client.get(reverse("dashboards:supervisor"), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "The figures include everything up to" in page.text
    assert "include everything up to March 3, 2026, 10 a.m.;" in page.text  # the first pending

    count_rollups()
    page = client.get(reverse("dashboards:supervisor"), HTTP_ACCEPT_LANGUAGE="en")
    assert "include everything up to March 3, 2026" not in page.text  # now: nothing pending
