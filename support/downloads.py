"""How every uploaded file is served back (tickets and chats alike).

A file a customer uploaded must never run in our origin: it is sent as a download, the browser
may not guess another type (nosniff), and if it is ever opened anyway it is sandboxed with no
script and no access to our cookies or pages (CSP sandbox). Only raster images, checked by their
bytes at upload, are shown inline (thumbnails in the chat); never SVG, HTML or XML.
"""

from django.http import FileResponse

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_download(file, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """A response serving `file`; `inline` is honoured for raster images only."""
    shown_inline = inline and content_type in INLINE_TYPES
    response = FileResponse(
        file,
        as_attachment=not shown_inline,
        filename=filename,
        content_type=content_type if content_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
