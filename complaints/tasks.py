"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def complaint_deadline_sweep_task() -> int:
    from complaints.sweep import deadline_sweep

    return deadline_sweep()
