"""What complaints report to webhook endpoints (support.webhooks, docs/webhooks.md): the
stage a complaint moved to, with ids and times, never what the customer wrote."""

from datetime import datetime

from complaints.models import Complaint
from support.webhooks import WebhookEvent, webhook_emit_many


def stage_changed_data(complaint: Complaint, *, before: str, now: datetime) -> dict:
    return {
        "complaint": {
            "id": complaint.pk,
            "reference": complaint.reference,
            "stage": complaint.stage,
            "category": complaint.category,
            "language": complaint.language,
            "source": complaint.source,
            "customer_id": complaint.customer_id,
            "officer_id": complaint.officer_id,
            "created_at": complaint.created_at,
        },
        "from_stage": before,
        "to_stage": complaint.stage,
        "changed_at": now,
    }


def webhooks_stage_changed(moves: list[tuple[Complaint, str]], *, now: datetime) -> None:
    """complaint.stage_changed for each (complaint, stage it left) of one change."""
    webhook_emit_many(
        [
            (
                WebhookEvent.COMPLAINT_STAGE_CHANGED,
                lambda complaint=complaint, before=before: stage_changed_data(
                    complaint, before=before, now=now
                ),
            )
            for complaint, before in moves
        ]
    )
