"""Telegram with a real Celery worker (`celery -A config.celery worker`, as in production) on
our own Redis and the test database: the webhook only stores and answers, the worker reads
the update into a ticket, and the agent's reply reaches Telegram's servers (a local fake, the
only thing mocked) from the worker. A stored update no worker was told about (the broker was
down when it came) is read once the sweep hands it out. Nothing here runs eagerly."""

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import ensure_roles
from tests.faults.conftest import (
    BIN,
    ChildProcess,
    broker_at,
    point_redis_at,
    project_env,
    wait_for,
)
from tests.faults.test_worker import database_url
from tests.tickets.telegram_server import FakeTelegram
from tickets.channels.telegram_api import telegram_bot_set_token
from tickets.channels.webhooks import webhooks_waiting_sweep
from tickets.models import RawInbound, Ticket
from tickets.services import ticket_reply
from tickets.telegram_models import TelegramBot

pytestmark = pytest.mark.django_db(transaction=True)
DATA = Path(__file__).resolve().parent.parent / "data" / "telegram"
TOKEN = "7000000001:AAEhBP0av28FKSnvDkA9X3kQyF0wEJm1uQs"


@pytest.fixture
def telegram(settings) -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    settings.TELEGRAM_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def start_worker(settings, redis_server, telegram) -> Iterator[Callable[[], ChildProcess]]:
    point_redis_at(settings, redis_server.url)
    env = project_env(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_server.url,
        CHANNEL_LAYER_PREFIX=f"faults-{uuid.uuid4().hex[:8]}",
        TELEGRAM_API_BASE=telegram.url,
        EMAIL_URL="console://",
        SECRET_KEY=settings.SECRET_KEY,  # raw updates and the token are sealed under it
    )
    workers: list[ChildProcess] = []

    def start() -> ChildProcess:
        name = f"telegram-{uuid.uuid4().hex[:6]}@%h"
        command = [str(BIN / "celery"), "-A", "config.celery", "worker", "-c", "1"]
        command += ["-l", "info", "-n", name, "--without-gossip", "--without-mingle"]
        worker = ChildProcess("worker", command, env)
        workers.append(worker)
        wait_for(
            lambda: " ready." in worker.output() or not worker.running,
            timeout=60,
            what="the worker to start",
        )
        assert worker.running, worker.output()
        return worker

    with broker_at(redis_server.url):
        yield start
    for worker in workers:
        worker.stop(graceful=False)


@pytest.fixture
def bot(team, telegram) -> TelegramBot:
    ensure_roles()  # a transactional test's database starts without them
    bot = TelegramBot.objects.create(team=team, username="ExchangeHelpBot")
    return telegram_bot_set_token(bot=bot, token=TOKEN)


def post(client, bot: TelegramBot, name: str):
    url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
    body = (DATA / name).read_text()
    headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
    return client.post(url, data=body, content_type="application/json", headers=headers)


def test_a_worker_reads_the_update_and_sends_the_agents_reply(
    start_worker, client, bot, agent, telegram
):
    start_worker()
    assert post(client, bot, "private_text.json").status_code == 200
    ticket = wait_for(lambda: Ticket.objects.filter(channel="telegram").first(), what="a ticket")
    assert ticket.customer.username == "telegram:601234568"
    assert post(client, bot, "private_text.json").status_code == 200  # Telegram's retry
    ticket_reply(ticket=ticket, author=agent, body="We are on it.")
    wait_for(lambda: telegram.sent(), what="the reply to reach Telegram")
    sent = telegram.sent()
    # The agent's words, then the line with the code our verification page knows.
    assert [(int(c.data["chat_id"]), c.data["text"].split("\n\n")[0]) for c in sent] == [
        (601234568, "We are on it.")
    ]
    assert ticket.messages.filter(kind="customer").count() == 1


def test_an_update_stored_while_the_broker_was_down_is_read_after_the_sweep(
    start_worker, client, bot, redis_server
):
    redis_server.stop()
    assert post(client, bot, "private_korean.json").status_code == 200  # stored, not queued
    stored = RawInbound.objects.get(channel="telegram")
    assert stored.processed_at is None
    redis_server.start()
    start_worker()
    RawInbound.objects.filter(pk=stored.pk).update(process_after=stored.received_at)
    assert webhooks_waiting_sweep() == 1
    ticket = wait_for(lambda: Ticket.objects.filter(channel="telegram").first(), what="a ticket")
    assert ticket.language == "ko"
    assert json.loads(json.dumps(ticket.messages.get().metadata))["telegram"]["message_id"] == 3
