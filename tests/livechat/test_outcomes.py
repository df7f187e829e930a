"""How a chat ends up: a chat the bot resolved is no ticket, no email and no queue entry; only
the customer's words decide a chat ticket's urgency; opening hours give one consistent answer;
a security message after hours reaches the security team without ending the chat; and a ticket
step lost with the broker is finished by the sweep."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from helpcenter.models import Category as HelpCategory
from helpcenter.models import Section
from helpcenter.services import article_create
from livechat import bot, ending, messages, tasks, transcripts
from livechat.dashboard import chat_figures
from livechat.models import ChatMessage, Conversation, ConversationEvent, SenderKind
from support.models import AgentProfile, OutboxEmail
from tests.conftest import ensure_roles
from tests.livechat.conftest import start_guest_chat
from tickets.models import BusinessCalendar, Priority, RoutingRule, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE_HOURS = {str(day): [["09:00", "18:00"]] for day in range(5)}
SATURDAY_3AM_SEOUL = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
HACKED_ZH_HANT = "我的帳號被駭了，幣都被提走了，不是我操作的"


@pytest.fixture(autouse=True)
def _roles():
    ensure_roles()


@pytest.fixture
def withdrawal_article():
    """A help-center answer whose text itself talks about account takeover."""
    category = HelpCategory.objects.create(slug="funding", name="Funding")
    section = Section.objects.create(category=category, slug="withdrawals", name="Withdrawals")
    return article_create(
        section=section,
        slug="withdrawal-time",
        by=None,
        title_en="How long does a withdrawal take",
        body_en="A withdrawal takes 10 to 30 minutes after approval. If your account was "
        "hacked or coins were stolen, an account takeover is handled by our security team.",
        status="published",
    )


@pytest.fixture
def routed(team) -> RoutingRule:
    return RoutingRule.objects.create(position=100, team=team)


def seoul_office(*teams) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(
        name="Seoul office", timezone="Asia/Seoul", weekly_hours=OFFICE_HOURS, holiday_country="KR"
    )
    calendar.teams.add(*teams)
    return calendar


def say(chat, text: str, client_id: str):
    return messages.conversation_post_customer_message(
        conversation_id=chat.pk, client_id=client_id, text=text
    )


def bot_answered_chat(email: str = "asker@example.com") -> Conversation:
    chat = start_guest_chat(email=email)
    posted = say(chat, "How long does a withdrawal take?", "c-1")
    assert posted.messages[-1].bot_action == bot.ANSWER
    return chat


def sent_emails(address: str) -> list:
    return [*OutboxEmail.objects.filter(to=address), *(m for m in mail.outbox if address in m.to)]


def assert_bot_resolved(chat: Conversation, why: str) -> None:
    chat.refresh_from_db()
    assert (chat.status, chat.queued_at, chat.team_id, chat.ticket_reference) == (
        "ended",
        None,
        None,
        "",
    )
    assert not Ticket.objects.exists()
    assert sent_emails(chat.email) == []
    ended = ConversationEvent.objects.get(conversation=chat, kind="ended")
    assert ended.data == {"outcome": "bot_resolved", "record": False, "why": why}


def test_a_chat_the_bot_answered_and_the_customer_left_is_no_ticket_and_no_email(
    withdrawal_article, team, agent, routed
):
    chat = bot_answered_chat()

    ending.conversation_end(conversation_id=chat.pk, by=None)

    assert_bot_resolved(chat, "left")
    figures = {f["label"]: f["value"] for f in chat_figures()["figures"]}
    assert figures["Resolved by the bot, last 7 days"] == 1
    assert figures["Waiting for an agent"] == 0


def test_thanks_after_an_answer_is_welcomed_and_the_chat_is_bot_resolved(
    withdrawal_article, team, agent, routed
):
    chat = bot_answered_chat()

    posted = say(chat, "Great, thanks!", "c-2")
    ending.conversation_end(conversation_id=chat.pk, by=None)

    assert [m.bot_action for m in posted.messages if m.sender == SenderKind.BOT] == [bot.THANKS]
    assert posted.conversation.status == "bot" and not posted.state_changed
    assert_bot_resolved(chat, "thanks")


def test_a_bot_resolved_chat_can_be_rated_and_stays_without_a_ticket(
    withdrawal_article, team, agent, routed
):
    chat = bot_answered_chat()
    ending.conversation_end(conversation_id=chat.pk, by=None)

    ending.conversation_rate(conversation_id=chat.pk, rating=5, comment="quick answer")

    assert_bot_resolved(chat, "left")
    assert chat.rating == 5


def test_only_the_customers_words_decide_urgency_not_the_bots_answer(
    withdrawal_article, team, agent, routed
):
    """The transcript holds the bot's words about account takeover; the ticket stays normal."""
    chat = bot_answered_chat()
    say(chat, "I want to talk to a person", "c-2")
    ending.conversation_end(conversation_id=chat.pk, by=None)

    chat.refresh_from_db()
    ticket = Ticket.objects.get(reference=chat.ticket_reference)
    assert (ticket.channel, ticket.priority, ticket.category) == (
        "chat",
        Priority.NORMAL,
        "general",
    )
    body = ticket.messages.first().body
    assert "How long does a withdrawal take?" in body
    assert "hacked" not in body and "account takeover" not in body


def test_a_chat_that_showed_the_safety_notice_is_recorded_flagged_and_not_emailed_it_again(
    team, agent, routed
):
    """The chat told the customer about impersonators already; its recorded ticket warns the
    agents too, but the customer gets no second safety notice by email."""
    chat = start_guest_chat(email="called@example.com")
    say(chat, "someone from your support called me on Telegram and asked for my code", "c-1")
    say(chat, "I want to talk to a person", "c-2")
    assert ConversationEvent.objects.filter(conversation=chat, kind="impersonation_suspected")

    ending.conversation_end(conversation_id=chat.pk, by=None)

    chat.refresh_from_db()
    ticket = Ticket.objects.get(reference=chat.ticket_reference)
    assert ticket.impersonation_suspected
    keys = list(OutboxEmail.objects.filter(to=chat.email).values_list("dedupe_key", flat=True))
    assert not [key for key in keys if key.startswith("impersonation:")], keys
    subjects = [m.subject for m in mail.outbox if chat.email in m.to]
    assert f"Transcript of your live chat {chat.pk}" in subjects
    assert not [subject for subject in subjects if "Safety notice" in subject], subjects


def test_after_hours_an_online_agent_of_the_team_gets_the_chat_and_no_offline_message(
    team, agent, routed
):
    seoul_office(team)
    chat = start_guest_chat()

    with time_machine.travel(SATURDAY_3AM_SEOUL, tick=False):
        posted = say(chat, "could I talk to a human please", "c-1")

    chat.refresh_from_db()
    assert (chat.status, chat.offered_to, posted.offline) == ("queued", agent, False)
    bodies = [m.body for m in posted.messages[1:]]
    assert bodies == [bot.handoff_reply()]
    assert not ChatMessage.objects.filter(conversation=chat, body__contains="opening").exists()


def test_after_hours_with_nobody_online_only_the_offline_form_is_shown(team, agent, routed):
    AgentProfile.objects.filter(user=agent).update(presence="offline")
    seoul_office(team)
    chat = start_guest_chat()

    with time_machine.travel(SATURDAY_3AM_SEOUL, tick=False):
        posted = say(chat, "could I talk to a human please", "c-1")

    assert posted.offline is True
    replies = posted.messages[1:]
    assert [m.sender for m in replies] == [SenderKind.SYSTEM]
    assert "outside its opening hours" in replies[0].body
    assert not ChatMessage.objects.filter(conversation=chat, body__contains="connecting").exists()


def test_a_hacked_message_in_traditional_chinese_after_hours_reaches_security_and_ends_nothing(
    team, agent, routed, security_team
):
    """After hours, nobody online: the customer at the offline form writes that their account
    was hacked. The chat goes first into the security team's queue (on-call rule), is not
    ended, the customer is told what happens next in their language, the team is emailed."""
    guard = AgentProfile.objects.get(user=agent)
    guard.presence = "offline"
    guard.save()
    oncall = ensure_security_person(security_team)
    seoul_office(team, security_team)
    chat = start_guest_chat(language="zh-hant", email="hacked@example.com")

    with time_machine.travel(SATURDAY_3AM_SEOUL, tick=False):
        asked = say(chat, "請幫我轉接真人客服", "c-1")
        posted = ending.conversation_leave_message(
            conversation_id=chat.pk, client_id="c-2", text=HACKED_ZH_HANT
        )

    assert asked.offline is True
    chat.refresh_from_db()
    assert (chat.status, chat.urgent, chat.team, chat.category) == (
        "queued",
        True,
        security_team,
        "security_incident",
    )
    assert chat.ended_at is None and not Ticket.objects.exists()
    assert posted.offline is False and posted.state_changed
    with translation.override("zh-hant"):
        told = bot.security_on_call_reply()
    assert [m.body for m in posted.messages if m.sender == SenderKind.BOT] == [told]
    assert not ChatMessage.objects.filter(conversation=chat, body__contains="rate").exists()
    assert OutboxEmail.objects.filter(to=oncall.email).count() == 1


def ensure_security_person(security_team):
    from support.roles import Role
    from tests.conftest import make_person

    user = make_person("oncall@example.com", Role.AGENT, languages=["en"], presence="offline")
    user.agent_profile.teams.add(security_team)
    return user


def test_a_security_message_while_waiting_after_hours_goes_to_the_online_security_agent(
    team, agent, routed, security_team, security_agent
):
    AgentProfile.objects.filter(user=agent).update(presence="offline")
    seoul_office(team, security_team)
    chat = start_guest_chat(language="zh-hant")

    with time_machine.travel(SATURDAY_3AM_SEOUL, tick=False):
        say(chat, "請幫我轉接真人客服", "c-1")
        posted = say(chat, HACKED_ZH_HANT, "c-2")

    chat.refresh_from_db()
    assert (chat.status, chat.team, chat.offered_to) == ("queued", security_team, security_agent)
    with translation.override("zh-hant"):
        assert posted.messages[-1].body == bot.security_reply()
    assert ConversationEvent.objects.filter(conversation=chat, kind="escalated").count() == 1


def test_with_the_broker_down_the_sweep_records_the_chat_once(team, agent, routed, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    chat = start_guest_chat(email="lost@example.com")
    say(chat, "could I talk to a human please", "c-1")
    monkeypatch.setattr(tasks.conversation_record_ticket_task, "delay", broker_down)

    ending.conversation_end(conversation_id=chat.pk, by=None)

    chat.refresh_from_db()
    assert (chat.status, chat.ticket_reference) == ("ended", "")
    assert not Ticket.objects.exists()
    assert transcripts.conversation_record_sweep() == 0  # within the grace period

    later = timezone.now() + transcripts.RECORD_GRACE + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert tasks.conversation_record_sweep_task() == 1  # the beat's task
        assert tasks.conversation_record_sweep_task() == 0  # run twice: nothing more

    chat.refresh_from_db()
    assert Ticket.objects.filter(reference=chat.ticket_reference, channel="chat").count() == 1
    assert Ticket.objects.count() == 1
    recorded = ConversationEvent.objects.filter(conversation=chat, kind="recorded")
    assert list(recorded.values_list("data", flat=True)) == [{"ticket": chat.ticket_reference}]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Thanks!"),
        ("en", "ok thank you"),
        ("zh-hans", "好的，谢谢"),
        ("zh-hant", "謝謝"),
        ("ko", "감사합니다"),
        ("ja", "ありがとうございます"),
    ],
)
def test_a_thanks_after_an_answer_is_welcomed_in_every_language(lang, text):
    decision = bot.decide(text, lang=lang, history=[bot.ANSWER], record=False)

    assert decision.action == bot.THANKS
    with translation.override(lang):
        assert decision.reply == bot.thanks_reply()


@pytest.mark.parametrize(
    "text", ["thanks, but my deposit has still not arrived", "thanks. where is my withdrawal?"]
)
def test_a_thanks_with_a_question_is_not_the_end_of_it(text):
    assert bot.decide(text, lang="en", history=[bot.ANSWER], record=False).action != bot.THANKS
