"""Saved inbox views: personal ones are their owner's alone; shared ones are shown to every
agent and only supervisors create, change or delete them."""

import pytest
from django.test import Client

from tests.tickets.inbox_helpers import make_ticket, rows, signed_in
from tickets.inbox.filters import InboxFilters
from tickets.inbox.saved import saved_view_create
from tickets.models import SavedView

VIEWS = "/console/tickets/views/"
INBOX = "/console/tickets/"


@pytest.fixture
def korean(customer, other_customer):
    return make_ticket(customer, language="ko"), make_ticket(other_customer, language="ja")


def test_an_agent_saves_a_personal_view_and_opens_it(client, agent, korean):
    client = signed_in(client, agent)
    response = client.post(VIEWS, {"name": " Korean  queue ", "view": "open", "language": "ko"})

    view = SavedView.objects.get()
    assert (view.owner, view.name, view.shared) == (agent, "Korean queue", False)
    assert view.filters == {"view": "open", "language": ["ko"]}
    assert response["Location"] == f"{INBOX}?saved={view.pk}"
    assert rows(client, INBOX, saved=view.pk) == {korean[0].reference}
    assert (
        f'href="?saved={view.pk}" aria-current="page"'
        in client.get(INBOX, {"saved": view.pk}).content.decode()
    )


def test_someone_elses_personal_view_is_missing_for_an_outsider(client, agent, teammate, korean):
    view = saved_view_create(owner=agent, name="Mine only", filters=InboxFilters(language=("ko",)))
    client = signed_in(client, teammate)

    assert client.get(INBOX, {"saved": view.pk}).status_code == 404
    assert f"?saved={view.pk}" not in client.get(INBOX).content.decode()
    assert client.post(f"{VIEWS}{view.pk}/", {"name": "Taken", "view": "open"}).status_code == 404
    assert client.post(f"{VIEWS}{view.pk}/delete/").status_code == 404
    assert client.post(f"{VIEWS}{'9' * 25}/delete/").status_code == 404
    view.refresh_from_db()
    assert view.name == "Mine only" and view.filters == {"view": "mine", "language": ["ko"]}


def test_an_agent_cannot_share_a_view(client, agent):
    response = signed_in(client, agent).post(
        VIEWS, {"name": "For all", "view": "open", "shared": "on"}
    )
    assert response.status_code == 403
    assert not SavedView.objects.exists()


def test_a_supervisors_shared_view_is_shown_to_agents_who_cannot_change_it(
    client, supervisor, agent, korean
):
    client = signed_in(client, supervisor)
    client.post(VIEWS, {"name": "Japanese", "view": "open", "language": "ja", "shared": "on"})
    view = SavedView.objects.get(shared=True)

    client = signed_in(client, agent)
    page = client.get(INBOX).content.decode()
    assert f"?saved={view.pk}" in page and "Japanese" in page
    assert rows(client, INBOX, saved=view.pk) == {korean[1].reference}
    assert "Delete this view" not in client.get(INBOX, {"saved": view.pk}).content.decode()

    assert (
        client.post(f"{VIEWS}{view.pk}/", {"name": "Mine now", "view": "mine"}).status_code == 403
    )
    assert client.post(f"{VIEWS}{view.pk}/delete/").status_code == 403
    view.refresh_from_db()
    assert (view.name, view.shared, view.filters["language"]) == ("Japanese", True, ["ja"])


def test_another_supervisor_may_change_a_shared_view(client, supervisor, db):
    from support.roles import Role
    from tests.conftest import make_person

    view = saved_view_create(
        owner=supervisor, name="VIP", filters=InboxFilters(tag=("vip",)), shared=True
    )
    other = make_person("lead@example.com", Role.SUPERVISOR)
    client = signed_in(client, other)
    client.post(
        f"{VIEWS}{view.pk}/",
        {"name": "VIP, urgent", "view": "open", "tag": "vip", "priority": "urgent", "shared": "on"},
    )
    view.refresh_from_db()
    assert view.name == "VIP, urgent"
    assert view.filters == {"view": "open", "priority": ["urgent"], "tag": ["vip"]}
    client.post(f"{VIEWS}{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_the_owner_renames_and_deletes_a_personal_view(client, agent):
    view = saved_view_create(owner=agent, name="Old", filters=InboxFilters())
    client = signed_in(client, agent)
    client.post(f"{VIEWS}{view.pk}/", {"name": "New", "view": "breached"})
    view.refresh_from_db()
    assert (view.name, view.filters) == ("New", {"view": "breached"})
    assert client.post(f"{VIEWS}{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_a_view_needs_a_name_and_valid_filters(client, agent):
    client = signed_in(client, agent)
    response = client.post(
        VIEWS, {"name": "   ", "view": "open", "next": "/console/tickets/?view=open"}
    )
    assert response.status_code == 302
    assert client.post(VIEWS, {"name": "Bad", "language": "xx"}).status_code == 400
    assert client.post(VIEWS, {"name": "Chats", "view": "chats"}).status_code == 302
    assert not SavedView.objects.exists()


def test_a_saved_filter_no_longer_valid_is_dropped_not_a_500(client, agent, korean):
    view = SavedView.objects.create(
        owner=agent, name="Old", filters={"view": "open", "language": ["klingon"], "tag": "x" * 60}
    )
    assert rows(signed_in(client, agent), INBOX, saved=view.pk) == {t.reference for t in korean}


def test_saving_needs_the_csrf_token(agent):
    """F14: saving a view from another site (no CSRF token) is a 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.post(VIEWS, {"name": "X", "view": "open"}).status_code == 403
    assert not SavedView.objects.exists()
