"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def complaint_deadline_sweep_task() -> int:
    from complaints.sweep import deadline_sweep

    return deadline_sweep()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def tracking_code_issue_task(reference: str) -> None:
    """The public status page hands the lookup here, so that its answer takes the same time
    whether or not the reference exists."""
    from complaints.tracking import tracking_code_issue

    tracking_code_issue(reference=reference)
