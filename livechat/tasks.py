"""Celery tasks: thin, idempotent, calling one service each."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def conversation_record_ticket_task(conversation_id: int) -> None:
    from livechat.transcripts import conversation_record_ticket

    conversation_record_ticket(conversation_id=conversation_id)
