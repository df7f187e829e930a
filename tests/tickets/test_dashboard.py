"""Supervisors see open, unassigned, breached and soon-breaching tickets on the dashboard."""

import time_machine
from django.utils import timezone

from tickets.dashboard import sla_figures


def figures() -> dict:
    return {figure["label"]: figure["value"] for figure in sla_figures()["figures"]}


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
