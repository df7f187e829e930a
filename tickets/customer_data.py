"""The tickets app's part of a customer's data (support.customer_data): export, erasure, and the
attachments' retention sweep."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from support.customer_data import (
    Erased,
    ExportFile,
    ExportPart,
    delete_file_after_commit,
    register_customer_data,
    register_retention_sweep,
)
from support.models import RetentionPeriod
from tickets.bounce_models import BouncedAddress
from tickets.models import (
    Attachment,
    CustomerIdentity,
    EmailParticipant,
    Event,
    Message,
    RawInbound,
    Remediation,
    SocialLinkCode,
    Ticket,
)
from tickets.phone.models import CallbackRequest, CallRecord, CustomerPhone
from tickets.survey_models import (
    NpsAnswer,
    NpsInvitation,
    QualityReview,
    QualityScore,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
)
from tickets.telegram_models import TelegramOutbox


def export_tickets(customer: AbstractBaseUser) -> ExportPart:
    tickets = Ticket.objects.filter(customer=customer).order_by("pk")
    messages = (
        Message.objects.filter(ticket__customer=customer)
        .exclude(kind=Message.Kind.NOTE)
        .select_related("ticket")
        .order_by("pk")
    )
    attachments = Attachment.objects.filter(
        ticket__customer=customer, message__in=messages
    ).order_by("pk")
    answers = SurveyAnswer.objects.filter(invitation__customer=customer).order_by("pk")
    nps = NpsAnswer.objects.filter(customer=customer).order_by("pk")
    records = {
        "tickets": [_ticket(ticket) for ticket in tickets],
        "messages": [_message(message) for message in messages],
        "attachments": [_attachment(attachment) for attachment in attachments],
        "survey_answers": [
            {"ticket": a.ticket.reference, "score": a.score, "comment": a.comment}
            for a in answers.select_related("ticket")
        ]
        + [{"quarter": a.invitation.quarter, "score": a.score, "comment": a.reason} for a in nps],
        **_phone_records(customer),
        "linked_accounts": _linked_accounts(customer),
    }
    files = [ExportFile(_file_name(a), _opener(a.file)) for a in attachments]
    return ExportPart(records=records, files=files)


def _phone_records(customer: AbstractBaseUser) -> dict[str, list[dict]]:
    calls = CallRecord.objects.filter(customer=customer).order_by("pk")
    callbacks = CallbackRequest.objects.filter(customer=customer).order_by("pk")
    return {
        "phone_numbers": list(
            CustomerPhone.objects.filter(customer=customer).values("number", "created_at")
        ),
        "calls": [
            {"number": c.number, "direction": c.direction, "started_at": c.started_at}
            for c in calls
        ],
        "callback_requests": [
            {"number": c.number, "details": c.details, "state": c.state, "created_at": c.created_at}
            for c in callbacks
        ],
    }


def _linked_accounts(customer: AbstractBaseUser) -> list[dict]:
    """The handles linked to the customer (tickets.identities); the codes are hashes only."""
    identities = CustomerIdentity.objects.filter(customer=customer, verified_at__isnull=False)
    return list(
        identities.order_by("pk").values("kind", "value", "label", "verified_at", "verified_by")
    )


def _ticket(ticket: Ticket) -> dict:
    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "channel": ticket.channel,
        "status": ticket.status,
        "category": ticket.category,
        "language": ticket.language,
        "created_at": ticket.created_at,
    }


def _message(message: Message) -> dict:
    return {
        "ticket": message.ticket.reference,
        "from": "you" if message.kind == Message.Kind.CUSTOMER else "support",
        "channel": message.channel,
        "body": message.body,
        "created_at": message.created_at,
    }


def _attachment(attachment: Attachment) -> dict:
    return {
        "message_created_at": attachment.created_at,
        "file_name": attachment.filename,
        "in_archive": f"files/{_file_name(attachment)}",
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def _file_name(attachment: Attachment) -> str:
    return f"{attachment.pk}-{attachment.filename.replace('/', '_')}"


def _opener(field):
    return lambda: field.open("rb")


def erase_tickets(customer: AbstractBaseUser, erased: Erased) -> None:
    """Texts replaced by the marker, files and raw payloads deleted; the rows that the
    figures count (tickets, messages with their times, scores) stay."""
    marker = erased.marker
    tickets = Ticket.objects.filter(customer=customer)
    for attachment in Attachment.objects.filter(ticket__in=tickets):
        delete_file_after_commit(attachment.file)
    Attachment.objects.filter(ticket__in=tickets).delete()
    tickets.update(subject=marker, external_conversation="")
    Message.objects.filter(ticket__in=tickets).update(
        body=marker, body_html="", new_html="", metadata={}, external_id=None
    )
    Event.objects.filter(ticket__in=tickets).update(before="", after="")
    RawInbound.objects.filter(ticket__in=tickets).update(
        payload=b"", purged_at=timezone.now(), key=_erased_key(), error=""
    )
    EmailParticipant.objects.filter(ticket__in=tickets).delete()
    BouncedAddress.objects.filter(
        Q(ticket__in=tickets) | Q(address__in=[v for v in erased.values if "@" in v])
    ).delete()
    Remediation.objects.filter(customer=customer).update(
        reason=marker, withdrawal_id="", rejection_reason="", result=""
    )
    _erase_surveys(customer, tickets, marker)
    _erase_phone(customer, tickets, marker)
    TelegramOutbox.objects.filter(message__ticket__in=tickets).update(text=marker, attachments=[])
    # The links go, with the codes that proved them: the handles' next messages are no longer
    # filed under the erased account.
    CustomerIdentity.objects.filter(customer=customer).delete()
    SocialLinkCode.objects.filter(customer=customer).delete()


def _erase_phone(customer: AbstractBaseUser, tickets, marker: str) -> None:
    """Numbers and call notes go; calls and callbacks stay with their times and outcomes."""
    numbers = list(CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True))
    CallRecord.objects.filter(
        Q(customer=customer) | Q(ticket__in=tickets) | Q(number__in=numbers)
    ).update(number="", notes=marker, recording_url="", external_id="")
    CallbackRequest.objects.filter(Q(customer=customer) | Q(number__in=numbers)).update(
        number="", details=marker
    )
    CustomerPhone.objects.filter(customer=customer).delete()


def _erased_key():
    """A raw row's key (a Message-ID) made unique again without its text."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    return Concat(Value("erased-"), F("pk"))


def _erase_surveys(customer: AbstractBaseUser, tickets, marker: str) -> None:
    SurveyInvitation.objects.filter(customer=customer).update(email="")
    NpsInvitation.objects.filter(customer=customer).update(email="")
    answers = SurveyAnswer.objects.filter(Q(invitation__customer=customer) | Q(ticket__in=tickets))
    answers.exclude(comment="").update(comment=marker)
    NpsAnswer.objects.filter(customer=customer).exclude(reason="").update(reason=marker)
    SurveyFollowUp.objects.filter(answer__in=answers).exclude(note="").update(note=marker)
    reviews = QualityReview.objects.filter(ticket__in=tickets)
    reviews.update(comment=marker, agent_reply="")
    QualityScore.objects.filter(review__in=reviews).exclude(note="").update(note=marker)


def sweep_attachments(before: datetime, held: frozenset[int], batch: int) -> int:
    """Delete ticket attachments older than `before`, but none of a held customer's."""
    due = (
        Attachment.objects.filter(created_at__lt=before)
        .exclude(ticket__customer_id__in=held)
        .order_by("pk")
    )
    deleted = 0
    while chunk := list(due[:batch]):
        for attachment in chunk:
            delete_file_after_commit(attachment.file)
        Attachment.objects.filter(pk__in=[a.pk for a in chunk]).delete()
        deleted += len(chunk)
        if len(chunk) < batch:
            break
    return deleted


def register() -> None:
    register_customer_data("tickets", exporter=export_tickets, eraser=erase_tickets)
    register_retention_sweep(RetentionPeriod.Kind.ATTACHMENT, "tickets", sweep_attachments)
