"""Signed, expiring links to one file of an agent's reply, for a provider that fetches the file
from us instead of taking it uploaded (LINE's image messages: docs/channels.md, "Files in
agents' replies").

A link names one attachment and what to serve of it (the image, or its preview), signed with
`django.core.signing` under a salt of its own, and lives CHANNEL_FILE_URL_MAX_AGE seconds
(a day by default: LINE fetches the image when the customer opens the chat, then keeps it). It
is built on CHANNEL_FILES_BASE_URL, which must be https (LINE takes nothing else). Only an
image of an agent's reply that is being sent on a channel is served; anything else, a link
tampered with or expired: 404, the same answer for all.
"""

from io import BytesIO

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from support.downloads import file_download
from tickets.models import Attachment, Channel, Message

SALT = "tickets.channels.file_links"
IMAGE_TYPES = ("image/jpeg", "image/png")
PREVIEW_SIDE = 480  # pixels: LINE shows the preview in the chat, the image when tapped
PREVIEW_MAX = 1000 * 1000  # LINE's limit for a preview image


def files_base_https() -> bool:
    return settings.CHANNEL_FILES_BASE_URL.startswith("https://")


def file_link(attachment: Attachment, *, preview: bool = False) -> str:
    """The public address of the attachment (or its preview) for a provider to fetch."""
    token = signing.dumps([attachment.pk, "preview" if preview else "file"], salt=SALT)
    path = reverse("channel_file", kwargs={"token": token})
    return settings.CHANNEL_FILES_BASE_URL.rstrip("/") + path


@require_safe
def channel_file(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk, part = signing.loads(token, salt=SALT, max_age=settings.CHANNEL_FILE_URL_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    attachment = Attachment.objects.filter(
        pk=pk,
        content_type__in=IMAGE_TYPES,
        message__kind=Message.Kind.REPLY,
        message__channel=Channel.LINE,  # the one provider that fetches files from us
        delivery__isnull=False,
    ).first()
    if attachment is None or part not in ("file", "preview"):
        raise Http404
    if part == "preview":
        return _preview(attachment)
    return file_download(
        attachment.file.open("rb"),
        filename=attachment.filename,
        content_type=attachment.content_type,
        inline=True,
    )


def _preview(attachment: Attachment) -> HttpResponse:
    """The image made small, as a JPEG (LINE takes a preview of at most 1 MB); the image
    itself when it cannot be read that way but is small enough."""
    from PIL import Image, UnidentifiedImageError

    with attachment.file.open("rb") as stored:
        content = stored.read()
    try:
        with Image.open(BytesIO(content)) as image:
            image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))
            image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
            small = BytesIO()
            image.convert("RGB").save(small, "JPEG", quality=80)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        if len(content) > PREVIEW_MAX:
            raise Http404 from None
        return file_download(
            BytesIO(content),
            filename=attachment.filename,
            content_type=attachment.content_type,
            inline=True,
        )
    small.seek(0)
    return file_download(small, filename="preview.jpg", content_type="image/jpeg", inline=True)
