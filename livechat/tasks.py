"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task
from django.utils import timezone

from livechat import notify, offer_sweep, publish, transcripts


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def conversation_record_ticket_task(conversation_id: int) -> None:
    transcripts.conversation_record_ticket(conversation_id=conversation_id)


@shared_task
def conversation_record_sweep_task() -> int:
    """Beat: record the ended chats whose ticket step was lost (broker down) or failed."""
    return transcripts.conversation_record_sweep()


@shared_task
def conversation_expire_offers_task() -> int:
    """The offer sweep (beat): expire offers past their time, then offer waiting chats to
    agents who came free (came online, ended a chat). Safe to run twice, or in two workers at
    once. A broadcast lost with Redis is recovered by the consoles' snapshot when they
    reconnect."""
    now = timezone.now()
    expired = offer_sweep.conversation_expire_offers(now=now)
    offered = offer_sweep.conversation_offer_waiting_chats(now=now)
    for posted in [*expired, *offered]:
        notify.broadcast(publish.publish(posted))
    return len(expired) + len(offered)


@shared_task
def channel_chats_relay_task() -> int:
    """Every 5 seconds, the safety net behind the relay after each commit: messages of ours in
    chats with a Telegram customer not relayed yet (livechat/channel_relay.py)."""
    from livechat.channel_relay import channel_chats_relay

    return channel_chats_relay()
