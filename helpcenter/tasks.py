"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def learned_answers_refresh_task() -> int:
    """Rebuild what search learned from its readers (helpcenter.learning); safe to run twice."""
    from helpcenter.learning.services import learned_answers_refresh

    return learned_answers_refresh()
