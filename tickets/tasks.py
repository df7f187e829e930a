"""Celery tasks: thin, idempotent, calling one service each."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from support.unavailable import Unavailable

logger = logging.getLogger(__name__)
OUR_OUTAGES = (OperationalError, InterfaceError, Unavailable)  # not what a message holds


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sla_sweep_task() -> int:
    from tickets.sweep import sla_notify_pending, sla_sweep

    acted = sla_sweep()
    sla_notify_pending()  # also catches up on notices a failed run left behind
    return acted


@shared_task
def ticket_follow_up_task(jobs: list[dict]) -> None:
    """After intake (tickets/follow_up.py): each job on its own, so that one failing job
    neither blocks nor repeats the others; a failed job keeps its mark and the sweep reruns it."""
    from tickets.follow_up import follow_up_run

    for job in jobs:
        try:
            follow_up_run(job)
        except Exception:
            logger.exception("intake follow-up failed", extra={"ticket_id": job.get("ticket")})


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def ticket_follow_up_sweep_task() -> int:
    from tickets.follow_up import follow_up_sweep

    return follow_up_sweep()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def raw_inbound_purge_task() -> int:
    """Empty the raw inbound payloads past their retention period (idempotent)."""
    from tickets.raw_inbound import raw_inbound_purge

    return raw_inbound_purge()


MAILBOX_POLL_EXPIRES = 55  # seconds: a poll still queued when the next one is due is dropped


@shared_task
def mailboxes_poll_task() -> int:
    """Every minute: one poll task per IMAP mailbox, so that one failing or slow mailbox
    delays no other (tickets/channels/imap.py)."""
    from tickets.channels.imap import mailboxes_to_poll

    mailbox_ids = mailboxes_to_poll()
    for mailbox_id in mailbox_ids:
        mailbox_poll_task.apply_async((mailbox_id,), expires=MAILBOX_POLL_EXPIRES)
    return len(mailbox_ids)


@shared_task
def mailbox_poll_task(mailbox_id: int) -> int | None:
    """Read one mailbox's new messages; safe to run twice at once (the second skips)."""
    from tickets.channels.imap import mailbox_poll

    return mailbox_poll(mailbox_id=mailbox_id)


@shared_task(autoretry_for=OUR_OUTAGES, retry_backoff=True, max_retries=5)
def email_process_task(raw_id: int) -> int | None:
    """Read an email the pipe stored (tickets/channels/email_raw.py); its ticket's id. Safe
    to run twice: the second finds it read. Our database or storage being out: retried, then
    left to the sweep."""
    from tickets.channels.email_raw import email_stored_process

    ticket = email_stored_process(raw_id=raw_id)
    return ticket.pk if ticket else None


@shared_task
def emails_waiting_sweep_task() -> int:
    """Every minute: the emails the pipe stored that no worker has read yet, queued again."""
    from tickets.channels.email_raw import emails_waiting_sweep

    return emails_waiting_sweep()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def survey_sweep_task() -> int:
    """Send, remind and expire the due surveys (tickets/surveys/sweep.py); safe to run twice."""
    from tickets.surveys.sweep import survey_sweep

    return survey_sweep()


# One run counts for at most this long; the next minute's run goes on where it stopped.
FIGURES_REFRESH_SECONDS = 45


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def figures_refresh_task() -> int:
    """Count the dashboards' business-minute roll-ups still to count (tickets/metrics/
    rollups.py), batch after batch, then rebuild the daily roll-ups of the days changed since
    (tickets/metrics/cube.py); safe to run twice at once (each row's numbers are the same
    whoever counts them, and a day is rebuilt whole in one transaction)."""
    import time

    from tickets.metrics import cube
    from tickets.metrics.rollups import refresh

    started, total = time.monotonic(), 0
    while time.monotonic() - started < FIGURES_REFRESH_SECONDS:
        counted = refresh()
        total += counted
        if not counted:
            break
    # Then the days those numbers (and every other change) touched, newest first.
    cube.refresh(seconds=max(1.0, FIGURES_REFRESH_SECONDS - (time.monotonic() - started)))
    # Then the usual dashboard views, when an ended day's roll-ups changed.
    from tickets.dashboards.warm import warm

    warm()
    return total


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def phone_sweep_task() -> int:
    """Every minute: callbacks at risk or overdue (call events are read like every webhook's:
    webhook_process_task, webhooks_waiting_sweep_task)."""
    from tickets.phone.sweep import callback_sweep

    return callback_sweep()


# --- Channel webhooks and Telegram (docs/channels.md) ---------------------------------------------


def _webhook_retryable() -> tuple[type[Exception], ...]:
    from tickets.channels.social_common import SocialRetryAfter, SocialUnavailable
    from tickets.channels.telegram_api import TelegramRetryAfter, TelegramUnavailable

    telegram = (TelegramUnavailable, TelegramRetryAfter)
    return (*OUR_OUTAGES, *telegram, SocialUnavailable, SocialRetryAfter)


@shared_task(bind=True, max_retries=5, acks_late=True)
def webhook_process_task(self, raw_id: int) -> int | None:
    """Read a stored webhook payload (tickets/channels/webhooks.py); its ticket's id. Safe to
    run twice. The provider (a file to fetch) or our database away: retried, then the sweep."""
    from tickets.channels.webhooks import webhook_process

    try:
        ticket = webhook_process(raw_id=raw_id)
    except _webhook_retryable() as error:
        raise self.retry(exc=error, countdown=min(2**self.request.retries * 5, 60)) from None
    return ticket.pk if ticket else None


@shared_task(acks_late=True)
def webhook_drain_task(lane: int) -> int:
    """Read the fresh webhook payloads of a burst (tickets/channels/webhook_drain.py); how many."""
    from tickets.channels.webhook_drain import webhook_drain

    return webhook_drain(lane=lane)


@shared_task
def webhooks_waiting_sweep_task() -> int:
    """Every minute: the webhook payloads no worker has read yet, queued again."""
    from tickets.channels.webhooks import webhooks_waiting_sweep

    return webhooks_waiting_sweep()


TELEGRAM_SHORT_WAIT = 30  # seconds: a retry_after up to this is waited for by the task itself


@shared_task(bind=True, max_retries=3, acks_late=True)
def telegram_deliver_task(self, outbox_id: int) -> None:
    """Send one Telegram outbox row; a short wait (429, our rate limit) is retried here, a
    longer one is left to the sweep (no long countdowns with a Redis broker)."""
    from django.utils import timezone

    from tickets.channels.telegram_outbound import telegram_outbox_deliver

    row = telegram_outbox_deliver(outbox_id=outbox_id)
    if row is None or row.sent_at is not None or row.failed_at is not None:
        return
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    if wait <= TELEGRAM_SHORT_WAIT and self.request.retries < self.max_retries:
        raise self.retry(countdown=max(wait, 0.5))


@shared_task
def telegram_outbox_sweep_task() -> int:
    """Every 15 seconds: Telegram messages due (a worker missed them, or their wait is over)."""
    from tickets.channels.telegram_outbound import telegram_outbox_sweep

    return telegram_outbox_sweep()


@shared_task(bind=True, max_retries=3, acks_late=True)
def social_deliver_task(self, outbox_id: int) -> None:
    """Send one social outbox row (tickets/channels/social_outbound.py); a short wait is
    retried here, a longer one is left to the sweep."""
    from django.utils import timezone

    from tickets.channels.social_outbound import social_outbox_deliver

    row = social_outbox_deliver(outbox_id=outbox_id)
    if row is None or row.sent_at is not None or row.failed_at is not None:
        return
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    if wait <= TELEGRAM_SHORT_WAIT and self.request.retries < self.max_retries:
        raise self.retry(countdown=max(wait, 0.5))


@shared_task
def social_outbox_sweep_task() -> int:
    """Every 15 seconds: social messages due (a worker missed them, or their wait is over)."""
    from tickets.channels.social_outbound import social_outbox_sweep

    return social_outbox_sweep()
