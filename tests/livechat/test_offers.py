"""An offer nobody accepts: it runs out, its agent is skipped for the chat, the next agent gets
it or the chat waits in the queue; exactly once under concurrent sweeps and accepts."""

import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections

from config.celery import app as celery_app
from livechat import assignment, ending, handoff, messages, offer_sweep, services, transfer
from livechat.models import ChatOffer, Conversation, ConversationEvent, TeamChatPolicy
from livechat.tasks import conversation_expire_offers_task
from support.models import AgentProfile
from support.services import agent_set_presence
from tests.conftest import ensure_roles
from tests.livechat.conftest import (
    agent_socket,
    of_type,
    receive_until,
    session_cookie,
    start_guest_chat,
)
from tickets.models import RoutingRule

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _routed(team):
    """Every chat goes to the frontline team (agent and teammate, both online)."""
    ensure_roles()
    RoutingRule.objects.create(position=1, team=team)


def queued_chat(email: str = "guest@example.com") -> Conversation:
    chat = start_guest_chat(email=email)
    messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-1", text="could I talk to a human please"
    )
    chat.refresh_from_db()
    return chat


def offers_of(chat: Conversation) -> list[tuple[int, str]]:
    return list(chat.offers.order_by("id").values_list("agent_id", "outcome"))


def due(chat: Conversation):
    return ChatOffer.objects.get(conversation=chat, outcome="open").expires_at


def expire_now(chat: Conversation) -> None:
    """Make the chat's open offer due (instead of waiting a minute)."""
    past = ChatOffer.objects.get(conversation=chat, outcome="open").offered_at - timedelta(hours=1)
    ChatOffer.objects.filter(conversation=chat, outcome="open").update(expires_at=past)


def in_threads(*calls):
    """Run the calls at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each call raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_an_unaccepted_offer_goes_to_the_next_agent_then_the_chat_waits_in_the_queue(
    agent, teammate, team
):
    first = start_guest_chat(email="first@example.com")
    Conversation.objects.filter(pk=first.pk).update(
        status="queued", team=team, queued_at=first.created_at
    )
    chat = queued_chat()
    offered_at = chat.offers.get().offered_at
    assert (chat.offered_to, due(chat)) == (agent, offered_at + timedelta(seconds=60))

    early = offer_sweep.conversation_expire_offers(now=due(chat) - timedelta(seconds=1))
    moved = offer_sweep.conversation_expire_offers(now=due(chat))
    again = offer_sweep.conversation_expire_offers(now=offered_at + timedelta(seconds=60))
    chat.refresh_from_db()

    assert (early, again) == ([], [])
    assert [(p.conversation.pk, p.offer_withdrawn_from) for p in moved] == [(chat.pk, agent.pk)]
    assert (chat.status, chat.offered_to) == ("queued", teammate)

    offer_sweep.conversation_expire_offers(now=due(chat))
    chat.refresh_from_db()

    assert (chat.status, chat.offered_to, chat.agent) == ("queued", None, None)
    assert offers_of(chat) == [(agent.pk, "expired"), (teammate.pk, "expired")]
    assert offer_sweep.conversation_expire_offers(now=offered_at + timedelta(hours=1)) == []
    positions = assignment.queue_positions(team_id=team.pk)
    assert [(pk, position) for pk, position, _wait in positions] == [(first.pk, 1), (chat.pk, 2)]
    events = ConversationEvent.objects.filter(conversation=chat, kind="offer_expired")
    assert [event.data for event in events] == [
        {"agent": agent.pk, "offered_to": teammate.pk},
        {"agent": teammate.pk, "offered_to": None},
    ]


def test_a_teams_policy_sets_its_offer_timeout(agent, team):
    TeamChatPolicy.objects.create(team=team, offer_timeout_seconds=30)

    chat = queued_chat()

    offer = chat.offers.get()
    assert (offer.agent, offer.expires_at - offer.offered_at) == (agent, timedelta(seconds=30))


def test_the_console_sees_the_offer_withdrawn_and_the_next_agent_sees_it_offered(agent, teammate):
    chat = queued_chat()
    cookies = session_cookie(agent), session_cookie(teammate)
    expire_now(chat)

    async def scenario():
        mine, theirs = agent_socket(cookies[0]), agent_socket(cookies[1])
        await mine.connect()
        await theirs.connect()
        await receive_until(mine, of_type("chat", conversation=chat.pk))
        await receive_until(theirs, of_type("chat", conversation=chat.pk))
        expired = await sync_to_async(conversation_expire_offers_task)()
        summary = await receive_until(mine, of_type("chat", conversation=chat.pk))
        withdrawn = await receive_until(mine, of_type("offer_withdrawn"))
        offered = await receive_until(theirs, of_type("chat", conversation=chat.pk))
        nothing_else = await theirs.receive_nothing(timeout=0.5)
        await mine.disconnect()
        await theirs.disconnect()
        return expired, summary[-1], withdrawn[-1], offered[-1], nothing_else

    expired, summary, withdrawn, offered, nothing_else = async_to_sync(scenario)()

    assert expired == 1
    assert summary["offered_to"] == offered["offered_to"] == teammate.pk
    assert withdrawn == {
        "type": "offer_withdrawn",
        "conversation": chat.pk,
        "away": False,
        "expired": True,
    }
    assert nothing_else  # the other agent is not told about someone else's offer
    assert conversation_expire_offers_task() == 0  # the next beat finds nothing


def test_after_missing_the_offer_the_agent_is_told_it_went_to_someone_else(agent, teammate):
    chat = queued_chat()
    expire_now(chat)
    offer_sweep.conversation_expire_offers(now=due(chat) + timedelta(hours=2))
    cookies = session_cookie(agent), session_cookie(teammate)

    async def scenario():
        late, next_agent = agent_socket(cookies[0]), agent_socket(cookies[1])
        await late.connect()
        await next_agent.connect()
        await late.send_json_to({"type": "accept", "conversation": chat.pk})
        refused = await receive_until(late, of_type("error"))
        await next_agent.send_json_to({"type": "accept", "conversation": chat.pk})
        await receive_until(next_agent, of_type("state", status="assigned"))
        await late.disconnect()
        await next_agent.disconnect()
        return refused[-1]

    refused = async_to_sync(scenario)()

    chat.refresh_from_db()
    assert refused == {
        "type": "error",
        "code": "offered_elsewhere",
        "message": "This chat was offered to someone else.",
    }
    assert (chat.status, chat.agent, chat.offered_to) == ("assigned", teammate, None)
    assert offers_of(chat) == [(agent.pk, "expired"), (teammate.pk, "accepted")]


def test_an_accept_racing_the_expiry_either_wins_fully_or_is_refused(agent, teammate, team):
    TeamChatPolicy.objects.create(team=team, away_after_missed_offers=0)
    AgentProfile.objects.filter(user=agent).update(max_open_chats=50)
    outcomes = set()
    for round_number in range(8):
        chat = queued_chat(f"race{round_number}@example.com")
        assert chat.offered_to == agent
        expire_now(chat)

        late = due(chat) + timedelta(hours=2)
        accepted, expired = in_threads(
            lambda pk=chat.pk: handoff.conversation_accept(conversation_id=pk, agent=agent),
            lambda pk=chat.pk, at=late: offer_sweep.conversation_expire_offer(
                conversation_id=pk, now=at
            ),
        )

        chat.refresh_from_db()
        if isinstance(accepted, services.Posted):
            outcomes.add("accept won")
            assert expired is None
            assert (chat.status, chat.agent, chat.offered_to) == ("assigned", agent, None)
            assert offers_of(chat) == [(agent.pk, "accepted")]
        else:
            outcomes.add("expiry won")
            assert isinstance(accepted, services.ChatError), accepted
            assert accepted.code == "offered_elsewhere"
            assert expired.offer_withdrawn_from == agent.pk
            assert (chat.status, chat.agent, chat.offered_to) == ("queued", None, teammate)
            assert offers_of(chat) == [(agent.pk, "expired"), (teammate.pk, "open")]
        ending.conversation_end(conversation_id=chat.pk, by=None)
    assert outcomes  # which side wins is up to the database; either way the state is whole


def test_two_sweeps_at_once_expire_each_offer_exactly_once(agent, teammate, team):
    TeamChatPolicy.objects.create(team=team, away_after_missed_offers=2)
    chats = [queued_chat(f"sweep{number}@example.com") for number in range(4)]
    later = max(due(chat) for chat in chats)

    first, second = in_threads(
        lambda: offer_sweep.conversation_expire_offers(now=later),
        lambda: offer_sweep.conversation_expire_offers(now=later),
    )

    assert len(first) + len(second) == len(chats)
    for chat in chats:
        chat.refresh_from_db()
        assert offers_of(chat) == [(agent.pk, "expired"), (teammate.pk, "open")]
        assert chat.offered_to == teammate
    expired = ConversationEvent.objects.filter(kind="offer_expired")
    assert expired.count() == len(chats)
    assert ConversationEvent.objects.filter(kind="agent_set_away").count() == 1
    assert AgentProfile.objects.get(user=agent).presence == "away"


def test_an_agent_who_keeps_missing_offers_is_set_away_until_back(agent, teammate, team):
    TeamChatPolicy.objects.create(team=team, away_after_missed_offers=2)
    teammate.agent_profile.teams.clear()  # nobody else: the chats wait in the queue
    one, two = queued_chat("one@example.com"), queued_chat("two@example.com")
    cookie = session_cookie(agent)

    first = offer_sweep.conversation_expire_offers(now=due(one))  # two's offer is not due yet
    expire_now(two)
    assert AgentProfile.objects.get(user=agent).presence == "online"

    async def scenario():
        console = agent_socket(cookie)
        await console.connect()
        await receive_until(console, of_type("chat", conversation=two.pk))
        expired = await sync_to_async(conversation_expire_offers_task)()
        withdrawn = await receive_until(console, of_type("offer_withdrawn"))
        await console.send_json_to({"type": "presence", "presence": "online"})
        back = await receive_until(console, of_type("presence"))
        await console.disconnect()
        return expired, withdrawn[-1], back[-1]

    expired, withdrawn, back = async_to_sync(scenario)()

    assert [posted.marked_away for posted in first] == [False]
    assert expired == 1
    assert withdrawn == {
        "type": "offer_withdrawn",
        "conversation": two.pk,
        "away": True,
        "expired": True,
    }
    assert back == {"type": "presence", "presence": "online"}
    three = queued_chat("three@example.com")  # back online: offered again, streak restarted
    offer_sweep.conversation_expire_offers(now=due(three))
    assert AgentProfile.objects.get(user=agent).presence == "online"
    assert Conversation.objects.get(pk=three.pk).offered_to is None


def test_ending_or_handing_back_a_chat_withdraws_its_offer(agent):
    ended, handed_back = queued_chat("end@example.com"), queued_chat("back@example.com")
    Conversation.objects.filter(pk=handed_back.pk).update(status="assigned", agent=agent)

    ending.conversation_end(conversation_id=ended.pk, by=None)
    transfer.conversation_hand_back(conversation_id=handed_back.pk, by=agent)

    assert offers_of(ended) == [(agent.pk, "withdrawn")]
    assert offers_of(handed_back) == [(agent.pk, "withdrawn")]
    assert offer_sweep.conversation_expire_offers(now=ended.queued_at + timedelta(hours=1)) == []


def test_beat_runs_the_offer_sweep():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}

    assert "livechat.tasks.conversation_expire_offers_task" in tasks


def test_an_agent_set_away_sees_the_notice_with_a_way_back(client, agent, teammate):
    agent_set_presence(agent=agent, presence="away")
    client.force_login(agent)
    away = client.get("/console/chats/").content.decode()
    client.force_login(teammate)
    online = client.get("/console/chats/").content.decode()

    assert '<p class="notice" id="lc-away" role="status">' in away
    assert '<p class="notice" id="lc-away" role="status" hidden>' in online
    assert "I'm back" in away


def test_a_chat_waiting_with_no_offer_is_offered_when_an_agent_comes_online(agent, teammate):
    agent_set_presence(agent=agent, presence=AgentProfile.Presence.AWAY)
    agent_set_presence(agent=teammate, presence=AgentProfile.Presence.AWAY)
    chat = queued_chat()
    assert (chat.status, chat.offered_to) == ("queued", None)
    assert conversation_expire_offers_task() == 0  # nobody online: it keeps waiting

    agent_set_presence(agent=teammate, presence=AgentProfile.Presence.ONLINE)
    offered = conversation_expire_offers_task()
    again = conversation_expire_offers_task()
    chat.refresh_from_db()

    assert (offered, again) == (1, 0)
    assert (chat.status, chat.offered_to) == ("queued", teammate)
    assert offers_of(chat) == [(teammate.pk, "open")]
    event = ConversationEvent.objects.get(conversation=chat, kind="offered")
    assert event.data == {"offered_to": teammate.pk}


def test_the_console_is_told_of_a_waiting_chat_offered_anew(agent, teammate):
    agent_set_presence(agent=agent, presence=AgentProfile.Presence.AWAY)
    agent_set_presence(agent=teammate, presence=AgentProfile.Presence.AWAY)
    chat = queued_chat()
    agent_set_presence(agent=agent, presence=AgentProfile.Presence.ONLINE)
    cookie = session_cookie(agent)

    async def scenario():
        console = agent_socket(cookie)
        await console.connect()
        await receive_until(console, of_type("chat", conversation=chat.pk))
        await sync_to_async(conversation_expire_offers_task)()
        summary = await receive_until(console, of_type("chat", conversation=chat.pk))
        await console.disconnect()
        return summary[-1]

    assert async_to_sync(scenario)()["offered_to"] == agent.pk
