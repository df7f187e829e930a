"""Team opening hours: outside them the handoff offers "leave a message" (which becomes a
ticket) instead of the queue; inside them, or with no calendar, chats queue as before; urgent
security chats reach the security team whatever the hour."""

from datetime import UTC, datetime

import pytest
import time_machine

from livechat import ending, messages, services
from livechat.models import ChatMessage, SenderKind
from support.models import AgentProfile
from tests.conftest import ensure_roles
from tests.livechat.conftest import start_guest_chat
from tickets.models import BusinessCalendar, RoutingRule, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE_HOURS = {str(day): [["09:00", "18:00"]] for day in range(5)}
WEDNESDAY_10_SEOUL = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
SATURDAY_3AM_SEOUL = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
CHRISTMAS_3AM_SEOUL = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


@pytest.fixture
def routed(team) -> RoutingRule:
    return RoutingRule.objects.create(position=100, team=team)


def seoul_office(*teams, always_open: bool = False) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(
        name="Seoul office",
        timezone="Asia/Seoul",
        always_open=always_open,
        weekly_hours=OFFICE_HOURS,
        holiday_country="KR",
    )
    calendar.teams.add(*teams)
    return calendar


def ask_for_a_person(chat, text: str = "could I talk to a human please") -> services.Posted:
    return messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id="c-1", text=text
    )


def system_texts(posted: services.Posted) -> list[str]:
    return [message.body for message in posted.messages if message.sender == SenderKind.SYSTEM]


def test_outside_hours_the_customer_is_offered_to_leave_a_message_that_becomes_a_ticket(
    team, agent, routed
):
    """Nobody of the team online (an online one would take the chat whatever the hour)."""
    AgentProfile.objects.filter(user=agent).update(presence="offline")
    seoul_office(team)
    chat = start_guest_chat(email="late@example.com")

    with time_machine.travel(SATURDAY_3AM_SEOUL, tick=False):
        posted = ask_for_a_person(chat)
        left = ending.conversation_leave_message(
            conversation_id=chat.pk, client_id="c-2", text="My deposit has not arrived"
        )

    assert (posted.offline, posted.queue_teams, posted.conversation.offered_to) == (
        True,
        set(),
        None,
    )
    assert system_texts(posted) == [
        "Our support team is outside its opening hours right now and will be back on "
        "Nov. 30, 2026, 9 a.m. (South Korea Time). Leave a message and we will answer you by email."
    ]
    assert left.conversation.status == "ended"
    chat.refresh_from_db()
    ticket = Ticket.objects.get(reference=chat.ticket_reference)
    assert ticket.channel == "chat"
    assert "My deposit has not arrived" in ticket.messages.first().body


def test_inside_hours_with_an_agent_online_the_chat_is_queued_as_before(team, agent, routed):
    seoul_office(team)
    chat = start_guest_chat()

    with time_machine.travel(WEDNESDAY_10_SEOUL, tick=False):
        posted = ask_for_a_person(chat)

    chat.refresh_from_db()
    assert (chat.status, chat.team, chat.offered_to) == ("queued", team, agent)
    assert (posted.offline, posted.queue_teams) == (False, {team.pk})
    assert system_texts(posted) == []


@pytest.mark.parametrize("always_open", [None, True])
def test_a_team_with_no_calendar_or_a_24_7_one_is_always_open(team, agent, routed, always_open):
    if always_open is not None:
        seoul_office(team, always_open=always_open)
    chat = start_guest_chat()

    with time_machine.travel(CHRISTMAS_3AM_SEOUL, tick=False):
        posted = ask_for_a_person(chat)

    chat.refresh_from_db()
    assert (chat.status, chat.offered_to, posted.offline) == ("queued", agent, False)


def test_an_urgent_chat_at_3am_on_a_holiday_still_goes_to_the_security_team(
    team, agent, routed, security_team, security_agent
):
    seoul_office(team, security_team)
    chat = start_guest_chat()

    with time_machine.travel(CHRISTMAS_3AM_SEOUL, tick=False):
        posted = ask_for_a_person(chat, "I think I got SIM swapped, my coins were stolen")

    chat.refresh_from_db()
    assert (chat.status, chat.urgent, chat.team) == ("queued", True, security_team)
    assert chat.offered_to == security_agent
    assert (posted.offline, posted.queue_teams) == (False, {security_team.pk})
    assert system_texts(posted) == []
    assert not ChatMessage.objects.filter(
        conversation=chat, body__contains="opening hours"
    ).exists()
