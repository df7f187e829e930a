"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sla_sweep_task() -> int:
    from tickets.sweep import sla_notify_pending, sla_sweep

    acted = sla_sweep()
    sla_notify_pending()  # also catches up on notices a failed run left behind
    return acted


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def ticket_route_task(ticket_id: int) -> None:
    from tickets.routing import ticket_route

    ticket_route(ticket_id=ticket_id)
