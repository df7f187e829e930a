"""Ticket fixtures: an SLA policy on the 24/7 calendar, a routing rule, an intake helper, a
Telegram bot with Telegram's servers faked (tests/tickets/telegram_server.py), and the social
providers' servers faked (tests/tickets/kakao_server.py, line_server.py, meta_server.py,
x_server.py)."""

import json
from importlib import import_module

import pytest
from django.urls import reverse

from tests.tickets.kakao_server import FakeKakao
from tests.tickets.line_server import FakeLine
from tests.tickets.meta_server import FakeMeta
from tests.tickets.telegram_server import TOKEN, FakeTelegram
from tests.tickets.x_server import FakeX
from tickets.channels.telegram_api import telegram_bot_set_token
from tickets.intake import InboundMessage, intake_message
from tickets.models import RoutingRule, SlaPolicy
from tickets.telegram_models import TelegramBot


@pytest.fixture
def policy(db) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Default",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=480,
    )


@pytest.fixture
def remediation_rules(db) -> None:
    """The approval rules the migration ships (transactional tests flush them with the rest)."""
    from django.apps import apps

    import_module("tickets.migrations.0008_hardening").fill_keys_and_rules(apps, None)
    import_module("tickets.migrations.0015_compensation_rule").create_rule(apps, None)


@pytest.fixture
def routing(db, team) -> RoutingRule:
    return RoutingRule.objects.create(position=100, team=team)


def inbound(**fields) -> InboundMessage:
    fields.setdefault("channel", "web")
    fields.setdefault("customer_email", "owner@example.com")
    fields.setdefault("subject", "Withdrawal stuck")
    fields.setdefault("text", "My USDT withdrawal has been pending for six hours.")
    return InboundMessage(**fields)


@pytest.fixture
def receive(db):
    def receive(**fields):
        return intake_message(inbound(**fields))

    return receive


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Telegram ------------------------------------------------------------------------------------


@pytest.fixture
def telegram(settings):
    fake = FakeTelegram().start()
    settings.TELEGRAM_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def bot(db, team, telegram) -> TelegramBot:
    bot = TelegramBot.objects.create(team=team, username="ExchangeHelpBot")
    return telegram_bot_set_token(bot=bot, token=TOKEN)


@pytest.fixture
def deliver(client, bot, django_capture_on_commit_callbacks):
    """Post an update as Telegram does; the work after commit (the worker's task, eager here,
    and the replies it queues) runs before this returns."""

    def post(body, *, secret: str | None = None, raw: bytes | None = None):
        url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
        headers = {
            "X-Telegram-Bot-Api-Secret-Token": secret if secret is not None else bot.webhook_secret
        }
        if secret == "":
            headers = {}
        data = raw if raw is not None else json.dumps(body)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=data, content_type="application/json", headers=headers)

    return post


# --- Social channels' providers ---------------------------------------------------------------


@pytest.fixture
def kakao(settings):
    fake = FakeKakao().start()
    settings.KAKAO_BOT_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def line(settings):
    fake = FakeLine().start()
    settings.LINE_API_BASE = fake.url
    settings.LINE_DATA_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def meta(settings):
    fake = FakeMeta().start()
    settings.META_GRAPH_BASE = fake.url + "/v21.0"
    settings.META_FILE_HOSTS = [fake.url]
    yield fake
    fake.stop()


@pytest.fixture
def x(settings):
    fake = FakeX().start()
    settings.X_API_BASE = fake.url
    settings.X_MEDIA_HOSTS = [fake.url]
    yield fake
    fake.stop()
