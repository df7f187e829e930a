"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def complaint_deadline_sweep_task() -> int:
    """The due deadlines, then the customers of complaints closed by their appeal window not
    told yet (the sweep also queues the next task for them; this catches a lost one)."""
    from complaints.notices import closed_notices_send
    from complaints.sweep import deadline_sweep

    acted = deadline_sweep()
    closed_notices_send()
    return acted


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def complaint_closed_notices_task() -> int:
    """Email the customers whose complaint the deadline sweep closed (idempotent)."""
    from complaints.notices import closed_notices_send

    return closed_notices_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def tracking_code_issue_task(reference: str) -> None:
    """The public status page hands the lookup here, so that its answer takes the same time
    whether or not the reference exists."""
    from complaints.tracking import tracking_code_issue

    tracking_code_issue(reference=reference)
