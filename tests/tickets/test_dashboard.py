"""Supervisors see open, unassigned, breached and soon-breaching tickets on the dashboard."""

import time_machine
from django.utils import timezone

from support.models import Team
from tickets.dashboard import sla_figures
from tickets.models import Ticket


def figures(**options) -> dict:
    return {figure["label"]: figure["value"] for figure in sla_figures(**options)["figures"]}


def test_the_sla_panel_counts_open_tickets_by_their_clocks(customer, policy, receive):
    receive(external_id="a")
    receive(external_id="b", subject="other", text="Another question about fees")
    now = timezone.now()
    assert figures()["Open tickets"] == 2
    assert figures()["SLA breached"] == 0
    with time_machine.travel(now + timezone.timedelta(minutes=30), tick=False):
        assert figures()["Breaching within 1 hour"] == 2
    with time_machine.travel(now + timezone.timedelta(minutes=61), tick=False):
        assert figures()["SLA breached"] == 2
        assert figures()["Breaching within 1 hour"] == 0


def test_the_panel_is_on_the_supervisors_dashboard(client, supervisor, customer, policy, receive):
    receive(external_id="a")
    client.force_login(supervisor)
    page = client.get("/console/dashboards/").content.decode()
    assert "Tickets and SLA" in page
    assert "Unassigned" in page


def test_the_sla_panel_counts_only_the_teams_it_is_given(customer, policy, receive):
    mine = Team.objects.create(slug="frontline", name="Frontline")
    theirs = Team.objects.create(slug="vip", name="VIP")
    for external_id, team in (("a", mine), ("b", theirs), ("c", None)):
        ticket = receive(external_id=external_id, subject=f"Question {external_id}")
        Ticket.objects.filter(pk=ticket.pk).update(
            team=team, first_response_due=timezone.now() - timezone.timedelta(minutes=5)
        )
    mine_only = figures(teams=(mine.pk,))
    assert (mine_only["Open tickets"], mine_only["SLA breached"]) == (1, 1)
    assert figures(teams=(theirs.pk, mine.pk))["SLA breached"] == 2
    assert figures(teams=None)["SLA breached"] == 3  # every team, and the ticket of no team
