"""Files in a chat: from the widget, images and PDFs recognised by their first bytes (never by
the name or the browser's content type), within a size limit. A channel's files (Telegram in
live-chat mode) come checked by tickets' rules instead (tickets/files.py, the same as on a
ticket) and carry the type those rules found."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from livechat import services, texts
from livechat.models import ChatAttachment, SenderKind, Status
from support.text import redact_customer_file_name

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
CHAT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    name: str  # already through the redaction gate
    content: bytes
    content_type: str = ""  # judged from the bytes by tickets' rules; "": sniffed here


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, or None when not an allowed kind."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def max_bytes() -> int:
    return min(CHAT_ATTACHMENT_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES)


def read_upload(upload: UploadedFile, *, language: str) -> Upload:
    """The file's bytes after the size and type checks; ChatError with a clear message."""
    with translation.override(language):
        if upload.size > max_bytes():
            limit = max_bytes() // (1024 * 1024)
            message = _("This file is too large (at most %(mb)s MB).") % {"mb": limit}
            raise services.ChatError("too_large", message)
        content = upload.read()
        if sniff(content) is None:
            message = _("Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.")
            raise services.ChatError("unsupported_file", message)
    # A file name is text the customer chose: it passes the gate like a message.
    name = redact_customer_file_name(upload.name or "", lang=language).text
    return Upload(name=name, content=content)


def conversation_attach(
    *,
    conversation_id: int,
    sender: str,
    author: AbstractBaseUser | None,
    client_id: str,
    upload: Upload,
) -> services.Posted:
    """Store a file as a message of the chat (once per client id)."""
    from django.core.files.base import ContentFile

    with transaction.atomic():
        conversation = services.conversation_lock(conversation_id)
        if sender == SenderKind.AGENT:
            services.check_may_act(conversation, author)
        existing = services.existing_message(conversation, client_id)
        if existing is not None:
            return services.Posted(conversation, duplicate_of=existing)
        if conversation.status == Status.ENDED:
            raise services.ChatError("ended", texts.ended(conversation.language))
        message = services.store_message(
            conversation, sender, upload.name, client_id=client_id, author=author
        )
        attachment = ChatAttachment(
            message=message,
            name=upload.name,
            content_type=upload.content_type or sniff(upload.content),
            size=len(upload.content),
        )
        attachment.file.save(upload.name, ContentFile(upload.content), save=False)
        attachment.save()
        message.attachment_rows = [attachment]
    return services.Posted(conversation, [message])
