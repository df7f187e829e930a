"""The webhook's intake under a burst: the enabled bots kept in memory (a save renews them),
and the drain (tickets/channels/webhook_drain.py): one task per burst instead of one per update,
and nothing left unread when updates arrive while a drain is finishing, when a read hits an
outage, or when Redis is away. Telegram's updates (from the Bot API's documentation) through
the real webhook; Telegram's servers are the local fake."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.tickets.telegram_server import DATA
from tickets.channels import webhook_drain
from tickets.channels.webhook_drain import DRAIN_LANES, FLAG, webhook_drain_wake
from tickets.channels.webhooks import webhooks_waiting_sweep
from tickets.models import Message, RawInbound, Ticket


def update(update_id: int, chat_id: int, text: str) -> dict:
    data = json.loads((DATA / "private_text.json").read_text())
    data["update_id"] = update_id
    data["message"]["message_id"] = update_id
    data["message"]["text"] = text
    data["message"]["chat"]["id"] = data["message"]["from"]["id"] = chat_id
    return data


@pytest.fixture
def post(client, bot):
    def post(body: dict):
        url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
        headers = {"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret}
        return client.post(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return post


def hold_every_lane() -> None:
    for lane in range(DRAIN_LANES):
        cache.set(FLAG.format(lane=lane), 1, timeout=60)


def test_updates_stored_while_a_drain_runs_queue_no_task_and_are_read_by_it(
    post, django_capture_on_commit_callbacks
):
    hold_every_lane()  # a drain is running on every lane
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            assert post(update(500 + n, 7000 + n, f"withdrawal {n} pending")).status_code == 200
    assert not Message.objects.exists()  # the webhook only stored them and queued nothing
    assert RawInbound.objects.filter(processed_at__isnull=True).count() == 5

    assert webhook_drain.webhook_drain(lane=0) == 5
    assert Message.objects.count() == 5 and Ticket.objects.count() == 5
    assert cache.get(FLAG.format(lane=0)) is None  # the lane is free for the next burst


def test_an_update_stored_as_the_drain_finishes_is_read_by_its_last_look(post, monkeypatch):
    """The update commits while the drain still holds its flag (its own wake queues nothing);
    the drain's look after clearing the flag finds it."""
    hold_every_lane()
    claim = webhook_drain._claim
    arrived = []

    def claim_then_an_update_arrives():
        batch = claim()
        if not batch and not arrived:
            arrived.append(post(update(900, 9100, "my deposit is missing")))
        return batch

    monkeypatch.setattr(webhook_drain, "_claim", claim_then_an_update_arrives)
    assert webhook_drain.webhook_drain(lane=1) == 1
    assert arrived[0].status_code == 200
    assert Message.objects.get().body == "my deposit is missing"


def test_the_first_update_of_a_burst_wakes_a_drain_that_reads_it(
    post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the drain runs eagerly here
        post(update(501, 7001, "2fa code never arrives"))
    assert Message.objects.get().body == "2fa code never arrives"
    assert RawInbound.objects.get().process_attempts == 1


def test_telegram_away_leaves_the_update_to_the_sweep_which_reads_it_later(
    post,
    telegram,
    django_capture_on_commit_callbacks,
):
    photo = json.loads((DATA / "photo_caption.json").read_text())
    telegram.down = True
    with django_capture_on_commit_callbacks(execute=True):
        post(photo)
    stored = RawInbound.objects.get()
    assert stored.processed_at is None and stored.error == ""
    assert not Ticket.objects.exists()

    telegram.down = False
    for size in photo["message"]["photo"]:
        telegram.files[size["file_id"]] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_waiting_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    stored.refresh_from_db()
    assert stored.processed_at is not None and Ticket.objects.count() == 1


def test_with_redis_away_the_update_is_stored_and_the_sweep_reads_it(
    post, settings, django_capture_on_commit_callbacks
):
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "LOCATION": "redis://127.0.0.1:1/0"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert post(update(502, 7002, "account locked")).status_code == 200
    assert not Message.objects.exists()
    settings.CACHES = {"default": default}
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_waiting_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    assert Message.objects.get().body == "account locked"


def test_a_repeated_update_is_read_once(post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(update(503, 7003, "where is my btc"))
        post(update(503, 7003, "where is my btc"))
    assert Message.objects.count() == 1 and RawInbound.objects.count() == 1


def test_wake_with_the_broker_away_frees_the_lane_for_the_next_update(bot, monkeypatch):
    monkeypatch.setattr(webhook_drain, "task_queue", lambda task, *args: False)
    webhook_drain_wake(4)
    assert cache.get(FLAG.format(lane=4 % DRAIN_LANES)) is None


def test_a_bot_disabled_or_given_a_new_secret_is_refused_at_the_next_update(client, post, bot):
    """The webhook keeps the enabled bots in memory; a save renews every process's copy."""
    assert post(update(600, 7600, "hello")).status_code == 200
    old_secret = bot.webhook_secret
    bot.webhook_secret = "a-new-secret-of-enough-length-0123456789"
    bot.save()
    url = reverse("channel_webhook", kwargs={"provider": "telegram", "account": bot.pk})
    body = json.dumps(update(601, 7601, "hello again"))
    headers = {"X-Telegram-Bot-Api-Secret-Token": old_secret}
    refused = client.post(url, body, content_type="application/json", headers=headers)
    assert refused.status_code == 401
    bot.enabled = False
    bot.save()
    assert post(update(602, 7602, "still there?")).status_code == 401
    assert RawInbound.objects.count() == 1
