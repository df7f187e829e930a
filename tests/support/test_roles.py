"""Roles are groups with permissions; the console is for staff only."""

import pytest
from django.contrib.auth.models import Group

from support.roles import Role, is_staff_member
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (Role.CUSTOMER, [], ["support.use_console"]),
        (Role.AGENT, ["support.use_console"], ["support.approve_remediation", "support.supervise"]),
        (
            Role.SUPERVISOR,
            ["support.supervise", "support.approve_remediation"],
            ["support.review_appeals"],
        ),
        (Role.COMPLAINTS_OFFICER, ["support.handle_complaints"], ["support.review_appeals"]),
        (Role.APPEAL_REVIEWER, ["support.review_appeals"], ["support.handle_complaints"]),
        (Role.ADMIN, ["support.manage_content", "support.review_appeals"], []),
    ],
)
def test_role_permissions(role, allowed, denied):
    user = make_person(f"{role}@example.com", role)
    for permission in allowed:
        assert user.has_perm(permission), permission
    for permission in denied:
        assert not user.has_perm(permission), permission
    assert is_staff_member(user) == (role != Role.CUSTOMER)


def test_customer_cannot_open_the_console(client, customer):
    client.force_login(customer)
    assert client.get("/console/").status_code == 403


def test_anonymous_visitor_is_sent_to_log_in_from_the_console(client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert "/accounts/log-in/" in response["Location"]


def test_supervisor_sees_the_panels_of_every_registered_app_on_the_dashboard(client, supervisor):
    from support import registry

    registry.register_dashboard_figure(
        "zz-test", lambda: {"title": "Test panel", "figures": [{"label": "Open", "value": 7}]}
    )
    client.force_login(supervisor)
    try:
        page = client.get("/console/dashboards/").content.decode()
    finally:
        registry._dashboard_figures.pop("zz-test")
    assert "Test panel" in page
    assert ">7<" in page


def test_the_old_dashboard_address_leads_to_the_one_dashboard(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/console/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/console/dashboards/"
    nav = [item["label"] for item in client.get("/console/").context["console_nav"]]
    assert nav.count("Live dashboard") == 1
    assert "Dashboards" not in nav


def test_agent_cannot_open_the_dashboards(client, agent):
    client.force_login(agent)
    assert client.get("/console/dashboard/", follow=True).status_code == 403
    assert client.get("/console/dashboards/").status_code == 403
    nav = [item["key"] for item in client.get("/console/").context["console_nav"]]
    assert "sla_dashboards" not in nav
