"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sla_sweep_task() -> int:
    from tickets.sweep import sla_notify_pending, sla_sweep

    acted = sla_sweep()
    sla_notify_pending()  # also catches up on notices a failed run left behind
    return acted


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def ticket_intake_follow_up_task(ticket_id: int, email_ids: list[int], *, route: bool) -> None:
    """After intake: deliver the customer's emails first (acknowledgement, secrets warning),
    then route. Both steps are idempotent; the outbox retry catches any email left behind."""
    from support.services import outbox_deliver
    from tickets.routing import ticket_route

    for email_id in email_ids:
        outbox_deliver(email_id=email_id)
    if route:
        ticket_route(ticket_id=ticket_id)
