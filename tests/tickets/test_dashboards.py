"""The supervisors' dashboards: who may open them, the period form's refusals, the figures and
their CSV downloads, the agent view, the apps' panels, and the live tiles (the viewer's teams
only) on the page and over a real websocket."""

import asyncio
import copy
import csv
import io
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from livechat import start
from livechat.models import Conversation
from support.models import AgentProfile, Team
from support.roles import Role
from tests.conftest import make_person
from tests.livechat.conftest import ORIGIN, WebsocketCommunicator, session_cookie, websocket_app
from tickets.dashboard_socket import TileRounds
from tickets.dashboards.csv import cell
from tickets.models import Ticket

URL = "/console/dashboards/"


@pytest.fixture
def my_team(team, supervisor) -> Team:
    team.supervisor = supervisor
    team.save(update_fields=["supervisor"])
    return team


@pytest.fixture
def other_team(db) -> Team:
    return Team.objects.create(slug="vip", name="VIP")


@pytest.fixture
def stranger(other_team):
    user = make_person("stranger@example.com", Role.AGENT, languages=["en"])
    user.agent_profile.teams.add(other_team)
    return user


def as_user(client, user):
    client.force_login(user)
    return client


def ticket_of(receive, team, **fields) -> Ticket:
    ticket = receive(**fields)
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    return ticket


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_an_agent_cannot_open_the_supervisors_dashboard(client, agent):
    assert as_user(client, agent).get(URL).status_code == 403
    assert client.get(f"{URL}agents/").status_code == 403


def test_a_supervisor_sees_the_live_tiles_and_when_the_figures_were_computed(client, my_team):
    response = as_user(client, my_team.supervisor).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-tile="breached"' in page
    assert "Figures as of" in page
    assert 'data-testid="figure-volume"' in page


def test_bad_dates_are_refused_in_the_users_language(client, my_team):
    as_user(client, my_team.supervisor)
    response = client.get(URL, {"start": "2024-13-45"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_a_period_ending_before_it_starts_is_refused(client, my_team):
    as_user(client, my_team.supervisor)
    response = client.get(URL, {"start": "2024-05-10", "end": "2024-05-01"})
    assert response.status_code == 400
    assert "The period must start before it ends." in response.content.decode()


def test_a_period_over_two_years_is_capped_with_a_message(client, my_team):
    as_user(client, my_team.supervisor)
    response = client.get(URL, {"start": "2019-01-01", "end": "2024-01-01"})
    assert response.status_code == 200
    assert 'data-testid="capped"' in response.content.decode()


def test_a_period_with_no_data_shows_zeros(client, my_team):
    as_user(client, my_team.supervisor)
    response = client.get(
        URL, {"start": "2001-01-01", "end": "2001-01-03", "format": "csv", "figure": "volume"}
    )
    assert csv_rows(response) == [
        ["day", "created", "solved"],
        ["2001-01-01", "0", "0"],
        ["2001-01-02", "0", "0"],
        ["2001-01-03", "0", "0"],
    ]


def test_the_volume_csv_counts_the_tickets_of_the_supervisors_team(
    client, my_team, other_team, receive, policy, routing
):
    ticket_of(receive, my_team, customer_email="one@example.com")
    ticket_of(receive, my_team, customer_email="two@example.com")
    ticket_of(receive, other_team, customer_email="three@example.com")
    today = timezone.now().date().isoformat()
    as_user(client, my_team.supervisor)
    response = client.get(URL, {"preset": "today", "format": "csv", "figure": "volume"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert csv_rows(response) == [["day", "created", "solved"], [today, "2", "0"]]


def test_the_csv_of_all_figures_has_one_value_a_line(client, my_team, receive, policy, routing):
    ticket_of(receive, my_team)
    as_user(client, my_team.supervisor)
    rows = csv_rows(client.get(URL, {"preset": "today", "format": "csv", "figure": "all"}))
    assert rows[0] == ["figure", "row", "field", "value"]
    assert ["volume", timezone.now().date().isoformat(), "created", "1"] in rows
    assert {row[0] for row in rows[1:]} >= {"sla_compliance", "volume", "backlog", "csat"}


def test_an_unknown_figure_is_a_400(client, my_team):
    as_user(client, my_team.supervisor)
    assert client.get(URL, {"format": "csv", "figure": "nonsense"}).status_code == 400


def test_csv_cells_are_values_never_formulas():
    assert cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert cell("+1") == "'+1"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("-2") == "'-2"
    assert cell(-2) == -2  # a number stays a number
    assert cell(None) == ""
    assert cell("출금") == "출금"


def test_a_supervisor_filtering_to_another_team_gets_nothing_of_it(
    client, my_team, other_team, stranger
):
    as_user(client, my_team.supervisor)
    response = client.get(URL, {"team": other_team.pk, "format": "csv", "figure": "volume"})
    assert response.status_code == 400
    page = client.get(f"{URL}agents/", {"team": other_team.pk})
    assert page.status_code == 400
    assert stranger.email not in page.content.decode()


def test_a_supervisor_lists_the_agents_of_their_teams_only(client, my_team, agent, stranger):
    page = as_user(client, my_team.supervisor).get(f"{URL}agents/").content.decode()
    assert agent.email in page
    assert stranger.email not in page


def test_a_supervisor_of_no_team_sees_no_agent(client, supervisor, agent):
    page = as_user(client, supervisor).get(f"{URL}agents/").content.decode()
    assert agent.email not in page
    assert 'data-testid="no-agents"' in page


def test_an_agent_sees_their_own_figures_beside_their_team(
    client, agent, teammate, receive, policy, routing
):
    solved = receive()
    Ticket.objects.filter(pk=solved.pk).update(
        team=agent.agent_profile.teams.get(),
        assignee=agent,
        status="solved",
        solved_at=timezone.now(),
    )
    response = as_user(client, agent).get(f"{URL}me/", {"preset": "today"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="solved"' in page
    assert teammate.email not in page
    assert "<td>1</td><td>1</td>" in page.split('data-figure="solved"')[1].split("</tr>")[0]


def test_the_agent_view_refuses_bad_dates(client, agent):
    response = as_user(client, agent).get(f"{URL}me/", {"end": "yesterday"})
    assert response.status_code == 400


def test_the_dashboard_shows_every_apps_panel_the_old_page_had(client, my_team):
    page = as_user(client, my_team.supervisor).get(URL).content.decode()
    for key in ("tickets", "livechat", "helpcenter", "complaints"):
        assert f'data-testid="panel-{key}"' in page
    assert "Tickets and SLA" in page
    assert "Live chat" in page
    assert "Help center" in page


# --- Live tiles: the viewer's teams ------------------------------------------------------------


@pytest.fixture
def split_floor(my_team, other_team, agent, stranger, customer, other_customer, receive, policy):
    """Team A (my_team) has a ticket not yet due, a queued chat and an online agent; team B
    (other_team) a breached ticket, a queued chat and an online agent."""
    calm = ticket_of(receive, my_team, customer_email="calm@example.com")
    late = ticket_of(receive, other_team, customer_email="late@example.com")
    Ticket.objects.filter(pk=calm.pk).update(first_response_due=timezone.now() + timedelta(days=1))
    Ticket.objects.filter(pk=late.pk).update(first_response_due=timezone.now() - timedelta(hours=1))
    for person, team in ((customer, my_team), (other_customer, other_team)):
        chat = start.conversation_start(customer=person, language="en", category="kyc")
        Conversation.objects.filter(pk=chat.pk).update(
            status="queued", team=team, queued_at=timezone.now()
        )
    AgentProfile.objects.filter(user=stranger).update(presence="online")
    return my_team, other_team


FLOOR_KEYS = ("breached", "unassigned", "chats_queued", "agents_online")


def tiles_of(tiles: list[dict]) -> tuple[int, ...]:
    return tuple(tile({"tiles": tiles}, key) for key in FLOOR_KEYS)


def test_a_supervisors_tiles_count_only_their_teams(client, split_floor):
    my_team, _other_team = split_floor
    response = as_user(client, my_team.supervisor).get(URL)
    assert tiles_of(response.context["tiles"]) == (0, 1, 1, 1)
    assert '<div class="figure ok" data-tile="breached"><dt>SLA breached now</dt><dd>0</dd>' in (
        response.content.decode()
    )


def test_an_administrators_tiles_count_every_team(client, split_floor, admin_user):
    response = as_user(client, admin_user).get(URL)
    assert tiles_of(response.context["tiles"]) == (1, 2, 2, 2)


def test_a_supervisor_of_no_team_counts_nothing_in_the_tiles(client, split_floor, supervisor):
    Team.objects.update(supervisor=None)
    response = as_user(client, supervisor).get(URL)
    assert tiles_of(response.context["tiles"]) == (0, 0, 0, 0)


def panel_values(response, key: str) -> dict:
    return {
        str(item["label"]): item["value"] for item in response.context["app_panels"][key]["figures"]
    }


def test_a_supervisors_panels_count_only_their_teams(client, split_floor):
    my_team, _other_team = split_floor
    response = as_user(client, my_team.supervisor).get(URL)
    tickets, chats = panel_values(response, "tickets"), panel_values(response, "livechat")
    assert (tickets["Open tickets"], tickets["SLA breached"]) == (1, 0)
    assert chats["Waiting for an agent"] == 1
    page = response.content.decode()
    assert "<h2>Your teams' tickets and chats</h2>" in page
    assert "Only the teams you supervise, as in the tiles above." in page


def test_an_administrators_panels_count_every_team(client, split_floor, admin_user):
    response = as_user(client, admin_user).get(URL)
    tickets, chats = panel_values(response, "tickets"), panel_values(response, "livechat")
    assert (tickets["Open tickets"], tickets["SLA breached"]) == (2, 1)
    assert chats["Waiting for an agent"] == 2
    assert "<h2>Every team's tickets and chats</h2>" in response.content.decode()


def test_the_panels_of_no_team_stand_apart_and_say_they_count_the_whole_floor(client, split_floor):
    my_team, _other_team = split_floor
    page = as_user(client, my_team.supervisor).get(URL).content.decode()
    floor = page.split("The whole support floor")[1]
    assert 'data-testid="panel-helpcenter"' in floor
    assert 'data-testid="panel-complaints"' in floor
    assert 'data-testid="panel-tickets"' not in floor
    assert 'data-testid="panel-livechat"' not in floor
    assert "Help articles and complaints belong to no team" in floor


def test_supervisors_of_the_same_teams_share_one_computation_a_round(db):
    # `db`: the rounds run in database_sync_to_async, which checks the connection a test
    # before may have left in its thread.
    computed = []

    def compute(teams):
        computed.append(teams)
        return {"computations": len(computed)}

    shared = TileRounds(compute)

    async def scenario():
        together = await asyncio.gather(*(shared.values((1,), 7) for _ in range(50)))
        other_teams = await shared.values((2,), 7)
        next_round = await shared.values((1,), 8)
        return together, other_teams, next_round

    together, other_teams, next_round = async_to_sync(scenario)()
    assert together == [{"computations": 1}] * 50
    assert (other_teams, next_round) == ({"computations": 2}, {"computations": 3})
    assert computed == [(1,), (2,), (1,)]


# --- Live tiles over the real channel layer --------------------------------------------------


@pytest.fixture
def _own_channel_prefix(settings):
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers


def tiles_socket(cookie, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin, cookie] if origin else [cookie]
    return WebsocketCommunicator(websocket_app(), "/ws/console/dashboards/", headers=headers)


def tile(frame: dict, key: str) -> int:
    return next(item["value"] for item in frame["tiles"] if item["key"] == key)


async def frame_where(socket, condition, limit: int = 5) -> dict:
    """The first tiles frame meeting `condition`, within `limit` pushes."""
    for _push in range(limit):
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] == "tiles" and condition(frame):
            return frame
    raise AssertionError("no such frame")


@pytest.mark.django_db(transaction=True)
def test_the_breached_tile_changes_within_the_push_interval(
    _own_channel_prefix, my_team, receive, policy, routing
):
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due=timezone.now() + timedelta(seconds=1)
    )
    cookie = session_cookie(my_team.supervisor)

    async def scenario():
        socket = tiles_socket(cookie)
        assert (await socket.connect())[0]
        first = await socket.receive_json_from()
        assert tile(first, "breached") == 0
        assert tile(first, "breaching") == 1
        later = await frame_where(socket, lambda frame: tile(frame, "breached") == 1)
        assert tile(later, "breaching") == 0
        await socket.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_an_agent_is_refused_the_tiles_socket(_own_channel_prefix, agent):
    cookie = session_cookie(agent)

    async def scenario():
        socket = tiles_socket(cookie)
        assert (await socket.connect())[0]
        frame = await socket.receive_json_from()
        assert frame["code"] == "forbidden"
        assert await socket.receive_close() == 4403

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_foreign_page_cannot_open_the_tiles_socket(_own_channel_prefix, my_team):
    cookie = session_cookie(my_team.supervisor)

    async def scenario():
        socket = tiles_socket(cookie, origin=(b"origin", b"https://evil.example"))
        assert (await socket.connect())[0]
        assert (await socket.receive_json_from())["code"] == "bad_origin"
        assert await socket.receive_close() == 4403

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_the_tiles_socket_counts_the_viewers_teams(_own_channel_prefix, split_floor, admin_user):
    my_team, _other_team = split_floor
    supervisor_cookie, admin_cookie = session_cookie(my_team.supervisor), session_cookie(admin_user)

    async def first_frame(cookie) -> dict:
        socket = tiles_socket(cookie)
        assert (await socket.connect())[0]
        frame = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return frame

    async def scenario():
        return await first_frame(supervisor_cookie), await first_frame(admin_cookie)

    supervisors, admins = async_to_sync(scenario)()
    assert tiles_of(supervisors["tiles"]) == (0, 1, 1, 1)
    assert tiles_of(admins["tiles"]) == (1, 2, 2, 2)
