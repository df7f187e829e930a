"""The inbox: views and filters list exactly the right rows, side-list counts are capped and
never slow the page, chats appear as entries, and the page's queries do not grow with rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from livechat.models import Conversation
from support.models import Team
from support.roles import Role
from tests.conftest import make_person
from tests.tickets.inbox_helpers import make_ticket, restricted_team, rows, signed_in
from tickets import live
from tickets.inbox import selectors
from tickets.inbox.filters import InboxFilters
from tickets.inbox.saved import saved_view_create
from tickets.models import Ticket

INBOX = "/console/tickets/"
COUNTS = "/console/tickets/counts/"


def counts(client) -> dict[str, str]:
    response = client.get(COUNTS)
    assert response.status_code == 200
    return response.json()["counts"]


@pytest.fixture
def other_team(db) -> Team:
    return Team.objects.create(slug="payments", name="Payments")


@pytest.fixture
def board(customer, other_customer, agent, teammate, team, other_team):
    """One ticket per situation, named for it."""
    now = timezone.now()
    return {
        "mine": make_ticket(customer, assignee=agent, team=team, status="open"),
        "teammates": make_ticket(customer, assignee=teammate, team=team, status="open"),
        "team_queue": make_ticket(other_customer, team=team, language="ko", channel="email"),
        "other_team": make_ticket(other_customer, team=other_team, category="kyc"),
        "no_team": make_ticket(customer, priority="urgent", tags=["vip", "kyc"]),
        "closed_mine": make_ticket(customer, assignee=agent, team=team, status="closed"),
        "due_soon": make_ticket(
            customer, team=other_team, status="open", resolution_due=now + timedelta(minutes=30)
        ),
        "overdue": make_ticket(
            customer,
            team=other_team,
            status="open",
            first_response_due=now - timedelta(minutes=10),
        ),
        "overdue_on_hold": make_ticket(
            customer, team=other_team, status="on_hold", resolution_due=now - timedelta(hours=1)
        ),
    }


def refs(board, *names) -> set[str]:
    return {board[name].reference for name in names}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("mine", ["mine"]),
        ("team", ["mine", "teammates", "team_queue"]),
        (
            "unassigned",
            ["team_queue", "other_team", "no_team", "due_soon", "overdue", "overdue_on_hold"],
        ),
        ("breaching", ["due_soon", "overdue"]),
        ("breached", ["overdue"]),
        (
            "open",
            ["mine", "teammates", "team_queue", "other_team", "no_team", "due_soon", "overdue"]
            + ["overdue_on_hold"],
        ),
    ],
)
def test_each_view_lists_exactly_its_tickets(client, agent, board, view, expected):
    assert rows(signed_in(client, agent), INBOX, view=view) == refs(board, *expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"language": "ko"}, ["team_queue"]),
        ({"channel": "email"}, ["team_queue"]),
        ({"category": "kyc"}, ["other_team"]),
        ({"priority": "urgent"}, ["no_team"]),
        ({"tag": "vip"}, ["no_team"]),
        ({"tag": "VIP kyc"}, ["no_team"]),
        ({"status": "on_hold"}, ["overdue_on_hold"]),
        ({"status": "closed"}, ["closed_mine"]),
        ({"view": "mine", "status": "closed"}, ["closed_mine"]),
        ({"view": "team", "channel": "web"}, ["mine", "teammates"]),
    ],
)
def test_filters_narrow_the_view_to_exact_rows(client, agent, board, filters, expected):
    params = {"view": "open", **filters}
    assert rows(signed_in(client, agent), INBOX, **params) == refs(board, *expected)


def test_team_filter_and_several_values(client, agent, board, other_team):
    client = signed_in(client, agent)
    url = f"{INBOX}?view=open&team={other_team.pk}&priority=normal&priority=urgent"
    assert rows(client, url) == refs(board, "other_team", "due_soon", "overdue", "overdue_on_hold")


@pytest.mark.parametrize("before", ["9" * 30, "9" * 12, "-1", "abc", ""])
def test_a_page_marker_out_of_range_is_no_error(client, agent, board, before):
    assert rows(signed_in(client, agent), INBOX, view="mine", before=before) == refs(board, "mine")


def test_a_saved_view_number_no_table_holds_is_ignored(client, agent, board):
    assert rows(signed_in(client, agent), INBOX, saved="9" * 25) == refs(board, "mine")


def test_search_finds_closed_tickets_too(client, agent, board):
    found = rows(signed_in(client, agent), INBOX, view="search", q=board["closed_mine"].reference)
    assert found == refs(board, "closed_mine")


@pytest.mark.parametrize(
    "query",
    [
        "language=xx",
        "status=gone",
        "team=abc",
        "team=" + "9" * 25,
        "view=everything",
        "priority=low&tag=" + "a" * 51,
    ],
)
def test_a_filter_value_not_offered_is_a_400_with_a_message(client, agent, board, query):
    response = signed_in(client, agent).get(f"{INBOX}?{query}")
    assert response.status_code == 400
    assert "<h1>" in response.content.decode()


def test_restricted_teams_tickets_stay_out_of_outsiders_views_and_counts(
    client, agent, customer, db
):
    """A restricted team's ticket is neither listed nor counted for an agent outside it."""
    secret = make_ticket(customer, team=restricted_team(), subject="Account takeover")
    page = signed_in(client, agent).get(INBOX, {"view": "open"}).content.decode()
    assert secret.reference not in page
    assert counts(client)["scope:open"] == "0"
    assert rows(client, INBOX, view="search", q=secret.reference) == set()


def test_side_list_counts_are_capped(client, agent, customer, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(5):
        make_ticket(customer, assignee=agent)
    make_ticket(customer)
    view = saved_view_create(owner=agent, name="All", filters=InboxFilters(view="open"))
    found = counts(signed_in(client, agent))
    assert found == {
        "scope:mine": "2+",
        "scope:team": "0",
        "scope:unassigned": "1",
        "scope:breaching": "0",
        "scope:breached": "0",
        "scope:open": "2+",
        f"saved:{view.pk}": "2+",
    }
    page = client.get(INBOX).content.decode()
    assert 'data-count="scope:mine"' in page and f'data-count="saved:{view.pk}"' in page


def test_counts_that_take_too_long_show_no_number_and_leave_the_connection_usable(customer):
    make_ticket(customer)
    slow = Ticket.objects.extra(where=["(SELECT true FROM pg_sleep(0.3))"])  # noqa: S610

    assert selectors.capped_counts({"slow": slow, "fast": Ticket.objects.all()}) == {
        "slow": None,
        "fast": None,
    }
    # the short timeout was undone with the savepoint: a slower query still runs
    assert Ticket.objects.extra(where=["(SELECT true FROM pg_sleep(0.2))"]).count() == 1  # noqa: S610


def test_a_slow_saved_view_loses_its_count_not_the_scopes_counts(
    client, agent, customer, monkeypatch
):
    """A saved view whose count takes longer than the timeout (here made slow in PostgreSQL
    with pg_sleep) shows no number; the views' own counts are still given."""
    make_ticket(customer, assignee=agent)
    slow = saved_view_create(owner=agent, name="Slow", filters=InboxFilters(tag=("slow",)))
    real = selectors.inbox_tickets

    def slowed(*, filters, **kwargs):
        tickets = real(filters=filters, **kwargs)
        if "slow" in filters.tag:
            return Ticket.objects.extra(where=["(SELECT true FROM pg_sleep(0.3))"])  # noqa: S610
        return tickets

    monkeypatch.setattr(selectors, "inbox_tickets", slowed)
    found = counts(signed_in(client, agent))
    assert found[f"saved:{slow.pk}"] == ""
    assert found["scope:mine"] == "1" and found["scope:open"] == "1"


def test_pages_walk_back_by_keyset(client, agent, customer, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    tickets = [make_ticket(customer) for _ in range(3)]
    client = signed_in(client, agent)
    first = client.get(INBOX, {"view": "open"}).content.decode()
    assert f"before={tickets[1].pk}" in first
    assert rows(client, INBOX, view="open", before=tickets[1].pk) == {tickets[0].reference}


def test_queries_do_not_grow_with_rows_or_saved_views(
    client, agent, customer, team, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_TIMEOUT_MS", 10_000)  # the path without a timeout

    def add(n: int) -> None:
        for i in range(n):
            make_ticket(customer, assignee=agent, team=team, tags=[f"t{i}"])
            saved_view_create(owner=agent, name=f"View {i}", filters=InboxFilters(tag=(f"t{i}",)))

    client = signed_in(client, agent)
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX, {"view": "mine", "language": "en"}).status_code == 200
    with CaptureQueriesContext(connection) as few_counts:
        assert len(counts(client)) == 6 + 2
    add(20)
    with django_assert_max_num_queries(len(few)):
        response = client.get(INBOX, {"view": "mine", "language": "en"})
    with django_assert_max_num_queries(len(few_counts)):
        assert len(counts(client)) == 6 + 22
    assert len(rows(client, INBOX, view="mine")) == 22
    assert response.content.decode().count('href="?saved=') == 22


def test_chats_waiting_and_mine_are_inbox_entries(client, agent, teammate, team, customer):
    now = timezone.now()
    waiting = Conversation.objects.create(
        customer=customer, status="queued", team=team, queued_at=now
    )
    mine = Conversation.objects.create(
        customer=customer, status="assigned", agent=agent, team=team, assigned_at=now
    )
    theirs = Conversation.objects.create(
        customer=customer, status="assigned", agent=teammate, team=team, assigned_at=now
    )
    hidden = Conversation.objects.create(
        customer=customer, status="queued", team=restricted_team(), queued_at=now
    )
    page = signed_in(client, agent).get(INBOX, {"view": "mine"}).content.decode()
    assert f'data-key="chat-{waiting.pk}"' in page
    assert f'href="/console/chats/?chat={mine.pk}"' in page
    assert f"chat-{theirs.pk}" not in page and f"chat-{hidden.pk}" not in page
    assert 'data-testid="count-chat-queue">1<' in page
    assert 'data-testid="count-chat-mine">1<' in page


def test_the_chats_view_lists_chats_only(client, agent, team, customer):
    make_ticket(customer, assignee=agent)
    chat = Conversation.objects.create(
        customer=customer, status="queued", team=team, queued_at=timezone.now()
    )
    page = signed_in(client, agent).get(INBOX, {"view": "chats"}).content.decode()
    assert f"chat-{chat.pk}" in page
    assert rows(client, INBOX, view="chats") == set()


def test_live_groups_follow_each_scope(agent, team, customer):
    assert live.queue_groups(user=agent, view="chats") == [f"tickets.agent.{agent.pk}"]
    assert live.queue_groups(user=agent, view="team") == [f"tickets.team.{team.pk}"]
    for view in ("unassigned", "breached", "open", "search"):
        assert live.queue_groups(user=agent, view=view) == ["tickets.all"]
    assert live.queue_groups(user=customer, view="unassigned") is None


def test_customers_and_signed_out_people_cannot_open_the_inbox(client, customer):
    assert client.get(INBOX).status_code in (302, 403)
    assert client.get(COUNTS).status_code in (302, 403)
    assert signed_in(client, customer).get(INBOX).status_code == 403
    assert client.get(COUNTS).status_code == 403


def test_someone_in_no_team_has_an_empty_team_view(client, db, customer):
    boss = make_person("boss@example.com", Role.SUPERVISOR)
    make_ticket(customer, team=Team.objects.create(slug="x", name="X"))
    assert rows(signed_in(client, boss), INBOX, view="team") == set()
