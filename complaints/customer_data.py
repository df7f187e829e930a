"""The complaints' part of a customer's data (support.customer_data): export, erasure, and the
rule that an open complaint stops an erasure (the case must be decided and closed first)."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from complaints.models import (
    Appeal,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintMessage,
)
from support.customer_data import (
    Erased,
    ExportFile,
    ExportPart,
    delete_file_after_commit,
    register_customer_data,
)


def export_complaints(customer: AbstractBaseUser) -> ExportPart:
    complaints = Complaint.objects.filter(customer=customer).order_by("pk")
    messages = (
        ComplaintMessage.objects.filter(complaint__in=complaints)
        .exclude(kind=ComplaintMessage.Kind.NOTE)
        .select_related("complaint")
        .order_by("pk")
    )
    attachments = ComplaintAttachment.objects.filter(message__in=messages).order_by("pk")
    appeals = Appeal.objects.filter(complaint__in=complaints).select_related("complaint")
    records = {
        "complaints": [_complaint(complaint) for complaint in complaints],
        "complaint_messages": [
            {"complaint": m.complaint.reference, "body": m.body, "at": m.created_at}
            for m in messages
        ],
        "appeals": [
            {"complaint": a.complaint.reference, "grounds": a.grounds, "outcome": a.outcome}
            for a in appeals
        ],
    }
    files = [
        ExportFile(f"{a.pk}-{a.filename.replace('/', '_')}", _opener(a.file)) for a in attachments
    ]
    return ExportPart(records=records, files=files)


def _complaint(complaint: Complaint) -> dict:
    return {
        "reference": complaint.reference,
        "email": complaint.email,
        "category": complaint.category,
        "description": complaint.description,
        "desired_outcome": complaint.desired_outcome,
        "stage": complaint.stage,
        "outcome": complaint.outcome,
        "decision_reason": complaint.decision_reason,
        "remedy": complaint.remedy,
        "created_at": complaint.created_at,
        "closed_at": complaint.closed_at,
    }


def _opener(field):
    return lambda: field.open("rb")


def erase_complaints(customer: AbstractBaseUser, erased: Erased) -> None:
    marker = erased.marker
    complaints = Complaint.objects.filter(customer=customer)
    attachments = list(ComplaintAttachment.objects.filter(complaint__in=complaints))
    for attachment in attachments:
        delete_file_after_commit(attachment.file)
    ComplaintAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    complaints.update(
        email=f"erased-{customer.pk}@invalid",
        description=marker,
        desired_outcome="",
        transactions=[],
        decision_reason=marker,
        remedy=marker,
    )
    Appeal.objects.filter(complaint__in=complaints).update(
        grounds=marker, decision_reason=marker, remedy=marker
    )
    ComplaintMessage.objects.filter(complaint__in=complaints).update(body=marker)
    ComplaintEvent.objects.filter(complaint__in=complaints).exclude(reason="").update(reason=marker)


def open_complaint_blocks(customer: AbstractBaseUser) -> str | None:
    if Complaint.objects.filter(customer=customer).open().exists():
        return _("The customer has an open complaint.")
    return None


def register() -> None:
    register_customer_data(
        "complaints",
        exporter=export_complaints,
        eraser=erase_complaints,
        blocker=open_complaint_blocks,
    )
