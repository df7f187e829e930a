"""The live chat's part of a customer's data (support.customer_data): export, erasure, and the
chat transcripts' retention sweep."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from livechat.models import ChatAttachment, ChatMessage, Conversation, ConversationEvent, Status
from support.customer_data import (
    Erased,
    ExportFile,
    ExportPart,
    delete_file_after_commit,
    register_customer_data,
    register_retention_sweep,
)
from support.models import RetentionPeriod


def _conversations(customer: AbstractBaseUser, emails: tuple[str, ...] = ()):
    mine = Q(customer=customer)
    for email in emails:
        mine |= Q(customer__isnull=True, guest_email__iexact=email)
    return Conversation.objects.filter(mine)


def export_chats(customer: AbstractBaseUser) -> ExportPart:
    conversations = _conversations(customer).order_by("pk")
    messages = (
        ChatMessage.objects.filter(conversation__in=conversations)
        .select_related("conversation")
        .order_by("pk")
    )
    attachments = ChatAttachment.objects.filter(message__in=messages).order_by("pk")
    records = {
        "chats": [
            {
                "chat": c.pk,
                "language": c.language,
                "status": c.status,
                "created_at": c.created_at,
                "ended_at": c.ended_at,
                "rating_comment": c.rating_comment,
                "ticket": c.ticket_reference,
            }
            for c in conversations
        ],
        "chat_messages": [
            {"chat": m.conversation_id, "from": m.sender, "body": m.body, "at": m.created_at}
            for m in messages
        ],
    }
    files = [ExportFile(f"{a.pk}-{a.name.replace('/', '_')}", _opener(a.file)) for a in attachments]
    return ExportPart(records=records, files=files)


def _opener(field):
    return lambda: field.open("rb")


def erase_chats(customer: AbstractBaseUser, erased: Erased) -> None:
    emails = tuple(value for value in erased.values if "@" in value)
    conversations = _conversations(customer, emails)
    _delete_attachments(ChatAttachment.objects.filter(message__conversation__in=conversations))
    conversations.update(
        guest_email="",
        guest_key="",
        guest_address=None,
        bot_summary=erased.marker,
        transfer_note="",
        rating_comment="",
    )
    ChatMessage.objects.filter(conversation__in=conversations).update(
        body=erased.marker, articles=[]
    )
    ConversationEvent.objects.filter(conversation__in=conversations).update(data={})


def _delete_attachments(attachments) -> int:
    rows = list(attachments)
    for attachment in rows:
        delete_file_after_commit(attachment.file)
    ChatAttachment.objects.filter(pk__in=[a.pk for a in rows]).delete()
    return len(rows)


def sweep_transcripts(before: datetime, held: frozenset[int], batch: int) -> int:
    """Empty the messages (and delete the files) of chats ended before `before`, except held
    customers'; the chats and their times stay for the figures. Returns chats swept."""
    due = (
        Conversation.objects.filter(status=Status.ENDED, ended_at__lt=before)
        .exclude(customer_id__in=held)
        .filter(messages__body__gt="")
        .exclude(messages__body=ERASED)
        .distinct()
        .order_by("pk")
    )
    swept = 0
    while ids := list(due.values_list("pk", flat=True)[:batch]):
        _delete_attachments(ChatAttachment.objects.filter(message__conversation_id__in=ids))
        ChatMessage.objects.filter(conversation_id__in=ids).update(body=ERASED, articles=[])
        Conversation.objects.filter(pk__in=ids).update(
            bot_summary="", transfer_note="", rating_comment="", guest_address=None
        )
        swept += len(ids)
        if len(ids) < batch:
            break
    return swept


ERASED = "[erased]"


def register() -> None:
    register_customer_data("livechat", exporter=export_chats, eraser=erase_chats)
    register_retention_sweep(RetentionPeriod.Kind.CHAT_TRANSCRIPT, "livechat", sweep_transcripts)
