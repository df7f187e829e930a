"""An agent who goes away (or offline) from the console: their open offers are withdrawn at
once, each chat goes to the next agent or waits in the queue, and nothing counts as missed."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from livechat import assignment, dispatch, ending, handoff, offer_sweep, offers, publish, services
from livechat.models import Conversation, ConversationEvent, TeamChatPolicy
from livechat.tasks import conversation_expire_offers_task
from support.models import AgentProfile
from support.services import agent_set_presence
from tests.livechat.conftest import agent_socket, of_type, receive_until, session_cookie
from tests.livechat.test_offers import (  # noqa: F401 - _routed is an autouse fixture
    _routed,
    due,
    expire_now,
    in_threads,
    offers_of,
    queued_chat,
)

pytestmark = pytest.mark.django_db(transaction=True)


def go(agent, presence: str) -> publish.Outcome:
    """The console's presence frame, as the agent's socket hands it to dispatch."""
    return dispatch.agent_frame(user=agent, frame={"type": "presence", "presence": presence})


@pytest.mark.parametrize("presence", ["away", "offline"])
def test_going_away_withdraws_the_offer_and_the_next_agent_gets_it(agent, teammate, presence):
    chat = queued_chat()
    assert chat.offered_to == agent

    outcome = go(agent, presence)

    chat.refresh_from_db()
    assert (chat.status, chat.offered_to) == ("queued", teammate)
    assert offers_of(chat) == [(agent.pk, "withdrawn"), (teammate.pk, "open")]
    event = ConversationEvent.objects.get(conversation=chat, kind="offer_withdrawn")
    assert event.data == {"agent": agent.pk, "offered_to": teammate.pk}
    assert outcome.replies == [{"type": "presence", "presence": presence}]
    withdrawn = {"type": "offer_withdrawn", "conversation": chat.pk, "away": False}
    assert (publish.agent_group(agent.pk), {**withdrawn, "expired": False}) in outcome.broadcasts
    summaries = [frame for group, frame in outcome.broadcasts if group == publish.AGENTS_GROUP]
    assert [frame["offered_to"] for frame in summaries] == [teammate.pk]
    assert not any(group.startswith("livechat.conversation.") for group, _ in outcome.broadcasts)


def test_with_nobody_else_the_chat_waits_in_the_queue_in_its_place(agent, teammate, team):
    teammate.agent_profile.teams.clear()
    first, chat = queued_chat("first@example.com"), queued_chat()
    queued_at = Conversation.objects.get(pk=chat.pk).queued_at
    before = [(pk, position) for pk, position, _ in assignment.queue_positions(team_id=team.pk)]

    go(agent, "away")

    chat.refresh_from_db()
    after = [(pk, position) for pk, position, _ in assignment.queue_positions(team_id=team.pk)]
    assert before == after == [(first.pk, 1), (chat.pk, 2)]
    assert (chat.status, chat.offered_to, chat.queued_at) == ("queued", None, queued_at)
    assert offers_of(first) == offers_of(chat) == [(agent.pk, "withdrawn")]
    assert conversation_expire_offers_task() == 0  # nobody online: both keep waiting


def test_a_withdrawn_offer_is_not_a_missed_one(agent, teammate, team):
    TeamChatPolicy.objects.create(team=team, away_after_missed_offers=1)
    teammate.agent_profile.teams.clear()
    chat = queued_chat()

    go(agent, "away")
    go(agent, "online")
    offered = conversation_expire_offers_task()  # the waiting chat is offered again

    chat.refresh_from_db()
    assert offered == 1
    assert chat.offered_to == agent  # not skipped for this chat
    assert offers.skipped_agent_ids(chat) == set()
    assert not offers.missed_in_a_row(agent, limit=1, since=None)
    assert AgentProfile.objects.get(user=agent).presence == "online"
    assert not ConversationEvent.objects.filter(kind__in=["offer_expired", "agent_set_away"])


def test_going_away_with_no_open_offer_changes_nothing(agent, teammate):
    chat = queued_chat()
    assert chat.offered_to == agent

    outcome = go(teammate, "away")

    chat.refresh_from_db()
    assert chat.offered_to == agent
    assert offers_of(chat) == [(agent.pk, "open")]
    assert outcome.broadcasts == []
    assert not ConversationEvent.objects.filter(kind="offer_withdrawn").exists()


def test_an_accept_that_won_leaves_nothing_to_withdraw(agent, teammate):
    chat = queued_chat()
    handoff.conversation_accept(conversation_id=chat.pk, agent=agent)

    outcome = go(agent, "away")

    chat.refresh_from_db()
    assert (chat.status, chat.agent, chat.offered_to) == ("assigned", agent, None)
    assert offers_of(chat) == [(agent.pk, "accepted")]
    assert outcome.broadcasts == []


def test_back_online_before_the_withdrawal_ran_keeps_the_offer(agent, teammate):
    chat = queued_chat()

    withdrawn = offer_sweep.conversation_withdraw_offers_of(agent=agent, now=timezone.now())

    assert withdrawn == []  # still online: nothing to take back
    assert offers_of(chat) == [(agent.pk, "open")]


def test_an_accept_racing_the_withdrawal_either_wins_fully_or_finds_it_withdrawn(
    agent, teammate, team
):
    AgentProfile.objects.filter(user=agent).update(max_open_chats=50)
    for round_number in range(6):
        chat = queued_chat(f"race{round_number}@example.com")
        assert chat.offered_to == agent
        agent_set_presence(agent=agent, presence="away")

        accepted, withdrawn = in_threads(
            lambda pk=chat.pk: handoff.conversation_accept(conversation_id=pk, agent=agent),
            lambda: offer_sweep.conversation_withdraw_offers_of(agent=agent, now=timezone.now()),
        )

        chat.refresh_from_db()
        assert isinstance(accepted, services.Posted), accepted  # a withdrawal skips nobody
        assert (chat.status, chat.agent, chat.offered_to) == ("assigned", agent, None)
        if withdrawn:
            assert offers_of(chat) == [(agent.pk, "withdrawn"), (teammate.pk, "withdrawn")]
        else:
            assert offers_of(chat) == [(agent.pk, "accepted")]
        events = ConversationEvent.objects.filter(conversation=chat, kind="offer_withdrawn")
        assert events.count() == len(withdrawn)
        ending.conversation_end(conversation_id=chat.pk, by=None)
        agent_set_presence(agent=agent, presence="online")


def test_the_sweep_racing_the_withdrawal_closes_the_offer_exactly_once(agent, teammate, team):
    TeamChatPolicy.objects.create(team=team, away_after_missed_offers=0)
    chats = [queued_chat(f"sweep{number}@example.com") for number in range(4)]
    for chat in chats:
        expire_now(chat)
    later = max(due(chat) for chat in chats) + timedelta(hours=2)
    agent_set_presence(agent=agent, presence="away")

    swept, withdrawn = in_threads(
        lambda: offer_sweep.conversation_expire_offers(now=later),
        lambda: offer_sweep.conversation_withdraw_offers_of(agent=agent, now=later),
    )

    assert len(swept) + len(withdrawn) == len(chats)
    for chat in chats:
        chat.refresh_from_db()
        first, second = offers_of(chat)
        assert first[0] == agent.pk and first[1] in ("expired", "withdrawn")
        assert second == (teammate.pk, "open")
    closed = ConversationEvent.objects.filter(kind__in=["offer_expired", "offer_withdrawn"])
    assert closed.count() == len(chats)


def test_an_agent_the_sweep_sets_away_has_their_other_offers_withdrawn(agent, teammate, team):
    TeamChatPolicy.objects.create(team=team, away_after_missed_offers=1)
    missed, other = queued_chat("missed@example.com"), queued_chat("other@example.com")
    expire_now(missed)

    posted = offer_sweep.conversation_expire_offers(now=due(missed))

    assert [(p.conversation.pk, p.offer_expired, p.marked_away) for p in posted] == [
        (missed.pk, True, True),
        (other.pk, False, False),
    ]
    assert AgentProfile.objects.get(user=agent).presence == "away"
    assert offers_of(missed) == [(agent.pk, "expired"), (teammate.pk, "open")]
    assert offers_of(other) == [(agent.pk, "withdrawn"), (teammate.pk, "open")]


def test_the_next_agents_console_sees_the_offer_when_the_first_goes_away(agent, teammate):
    chat = queued_chat()
    cookies = session_cookie(agent), session_cookie(teammate)

    async def scenario():
        mine, theirs = agent_socket(cookies[0]), agent_socket(cookies[1])
        await mine.connect()
        await theirs.connect()
        await receive_until(mine, of_type("chat", conversation=chat.pk))
        await receive_until(theirs, of_type("chat", conversation=chat.pk))
        await mine.send_json_to({"type": "presence", "presence": "away"})
        seen = await receive_until(mine, of_type("offer_withdrawn"))
        offered = await receive_until(theirs, of_type("chat", conversation=chat.pk))
        nothing_else = await theirs.receive_nothing(timeout=0.5)
        await mine.disconnect()
        await theirs.disconnect()
        return seen, offered[-1], nothing_else

    seen, offered, nothing_else = async_to_sync(scenario)()

    assert {"type": "presence", "presence": "away"} in seen
    summaries = [frame for frame in seen if of_type("chat", conversation=chat.pk)(frame)]
    assert summaries[-1]["offered_to"] == teammate.pk  # the "Offered to you" mark goes
    assert seen[-1] == {
        "type": "offer_withdrawn",
        "conversation": chat.pk,
        "away": False,
        "expired": False,
    }
    assert offered["offered_to"] == teammate.pk
    assert nothing_else
    assert conversation_expire_offers_task() == 0  # nothing left for the sweep


def test_a_presence_the_console_does_not_know_is_refused_and_changes_nothing(agent):
    cookie = session_cookie(agent)

    async def scenario():
        socket = agent_socket(cookie)
        await socket.connect()
        replies = []
        for bad in ({"type": "presence", "presence": "asleep"}, {"type": "presence"}):
            await socket.send_json_to(bad)
            replies.append((await receive_until(socket, of_type("error")))[-1])
        await socket.disconnect()
        return replies

    replies = async_to_sync(scenario)()
    assert [reply["code"] for reply in replies] == ["invalid", "invalid"]
    assert AgentProfile.objects.get(user=agent).presence == "online"
