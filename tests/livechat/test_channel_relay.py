"""A Telegram customer's live chat, answered from the agents' console socket: what the agent
says reaches Telegram as soon as it is stored (the relay after commit), with no sweep running,
over the real consumer, the Redis channel layer and PostgreSQL commits. Telegram's servers
are the local fake (tests/tickets/telegram_server.py), the only thing mocked."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse

from livechat.models import Conversation, SenderKind
from support.models import Team
from support.roles import Role
from tests.conftest import ensure_roles, make_person
from tests.livechat.conftest import agent_socket, of_type, receive_until, session_cookie
from tests.tickets.telegram_server import TOKEN, FakeTelegram, update
from tickets.channels.telegram_api import telegram_bot_set_token
from tickets.telegram_models import TelegramBot, TelegramOutbox

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 601234568


@pytest.fixture
def telegram(settings):
    fake = FakeTelegram().start()
    settings.TELEGRAM_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def live_bot(telegram) -> TelegramBot:
    ensure_roles()
    team = Team.objects.create(slug="frontline", name="Frontline")
    bot = TelegramBot.objects.create(
        team=team, username="ExchangeHelpBot", mode=TelegramBot.Mode.LIVE_CHAT
    )
    return telegram_bot_set_token(bot=bot, token=TOKEN)


@pytest.fixture
def agent(live_bot):
    user = make_person("kim@example.com", Role.AGENT, languages=["en"], presence="online")
    user.agent_profile.teams.add(live_bot.team)
    return user


def customer_writes(bot: TelegramBot) -> Conversation:
    """Telegram posts the customer's update; the worker (eager) puts them in the queue."""
    url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
    headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
    body = json.dumps(update("private_text.json"))
    response = Client().post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 200
    return Conversation.objects.get()


def test_an_agents_reply_on_the_console_socket_reaches_telegram_at_once(live_bot, agent, telegram):
    chat = customer_writes(live_bot)
    told_before = len(telegram.texts_to(CHAT))
    last = chat.messages.last().pk
    cookie = session_cookie(agent)

    async def console():
        socket = agent_socket(cookie)
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "accept", "conversation": chat.pk})
        await receive_until(socket, of_type("message", sender="system"))
        frame = {"type": "message", "conversation": chat.pk, "client_id": "k1"}
        await socket.send_json_to({**frame, "text": "We are checking your withdrawal."})
        await receive_until(socket, of_type("ack", client_id="k1"))
        await socket.send_json_to({**frame, "type": "note", "client_id": "k2", "text": "VIP?"})
        await receive_until(socket, of_type("ack", client_id="k2"))
        await socket.disconnect()

    async_to_sync(console)()

    told = [text.split("\n\n")[0] for text in telegram.texts_to(CHAT)[told_before:]]
    ours = chat.messages.filter(pk__gt=last, internal=False).order_by("pk")
    assert [m.sender for m in ours] == [SenderKind.SYSTEM, SenderKind.AGENT]  # joined, reply
    assert told == [ours[0].body, "We are checking your withdrawal."]
    reply = chat.messages.get(client_message_id="k1")
    assert TelegramOutbox.objects.get(dedupe_key=f"chat:{reply.pk}").sent_at is not None
    assert not TelegramOutbox.objects.filter(text__contains="VIP?").exists()
