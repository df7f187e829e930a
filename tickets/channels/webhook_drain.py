"""Reading the webhook payloads of a burst: a few drains instead of one task per update.

A Celery task message per stored update cost the webhook ~2 ms (kombu's publish) and the worker
as much again to take it, in the very burst where both matter. Instead, after its commit the
webhook wakes a drain: it sets a Redis flag for one of DRAIN_LANES lanes (SET NX, one round
trip) and only the update that set it queues `webhook_drain_task`. A running drain claims the
fresh payloads (never tried: `process_attempts` 0) in batches, oldest first, with SKIP LOCKED so
the lanes share the work, and reads each through its adapter (`webhook_read`).

When it finds nothing left it clears its flag and looks once more: an update stored while the
flag was still set is committed before the flag is cleared, so that last look sees it, and
either this drain reads it or the update's own wake has queued a new drain. A payload whose
reading hits an outage (ours or the provider's) keeps its counted attempt and is left to the
minute's sweep (tickets/channels/webhooks.py `webhooks_waiting_sweep`), which retries it with
backoff; so does everything a drain that died left behind, and everything stored while Redis
or the broker was away.
"""

import logging
from contextlib import suppress

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from support.queueing import task_queue
from support.unavailable import CACHE_ERRORS
from tickets.models import Channel, RawInbound

logger = logging.getLogger(__name__)

DRAIN_LANES = 2  # drains at most at once: a worker's concurrency
DRAIN_BATCH = 50
FLAG = "webhooks:drain:{lane}"
FLAG_SECONDS = 60  # a drain that died frees its lane after this; the sweep reads its rows


def webhook_drain_wake(raw_id: int) -> None:
    """After a payload's commit: queue a drain for its lane unless one is queued or running."""
    from tickets.tasks import webhook_drain_task

    lane = raw_id % DRAIN_LANES
    flag = FLAG.format(lane=lane)
    try:
        if not cache.add(flag, 1, timeout=FLAG_SECONDS):
            return  # that lane's drain will see this payload
    except CACHE_ERRORS:
        return  # Redis away: the sweep reads it within the minute
    if not task_queue(webhook_drain_task, lane):
        _clear(flag)  # the broker is away: the next update tries again, the sweep meanwhile


def webhook_drain(*, lane: int) -> int:
    """Read fresh payloads until none is left; returns how many were read."""
    flag = FLAG.format(lane=lane)
    read = 0
    while True:
        batch = _claim()
        if not batch:
            _clear(flag)
            if not _fresh_exists() or not _retake(flag):
                return read
            continue
        _hold(flag)
        for stored in batch:
            read += _read_one(stored)


def _claim() -> list[RawInbound]:
    """Up to DRAIN_BATCH never-tried payloads, oldest first, their attempt counted."""
    with transaction.atomic():
        ids = list(
            _fresh()
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:DRAIN_BATCH]
        )
        if not ids:
            return []
        RawInbound.objects.filter(pk__in=ids).update(process_attempts=F("process_attempts") + 1)
    return list(RawInbound.objects.filter(pk__in=ids).order_by("pk"))


def _fresh():
    return RawInbound.objects.filter(
        processed_at__isnull=True, process_attempts=0, error="", purged_at__isnull=True
    ).exclude(channel=Channel.EMAIL)


def _fresh_exists() -> bool:
    return _fresh().exists()


def _read_one(stored: RawInbound) -> int:
    """1 when read (or kept with its error), 0 when left to the sweep."""
    from tickets.channels.adapters import adapter_for
    from tickets.channels.webhooks import OUR_OUTAGES, webhook_read

    adapter = adapter_for(stored.channel)
    if adapter is None:
        return 0  # a provider no longer configured: the sweep gives it up after its attempts
    try:
        webhook_read(stored, adapter)
    except (*OUR_OUTAGES, *adapter.temporary):
        logger.info("webhook payload left to the sweep", extra={"raw_id": stored.pk})
        return 0
    return 1


def _hold(flag: str) -> None:
    with suppress(*CACHE_ERRORS):  # else the lane may get a second drain: the claims skip locked
        cache.set(flag, 1, timeout=FLAG_SECONDS)


def _retake(flag: str) -> bool:
    try:
        return bool(cache.add(flag, 1, timeout=FLAG_SECONDS))
    except CACHE_ERRORS:
        return True  # no flag to share: carry on, the claims keep the drains apart


def _clear(flag: str) -> None:
    with suppress(*CACHE_ERRORS):  # else it expires after FLAG_SECONDS
        cache.delete(flag)
