"""What an uploaded file really is: its type from its first bytes, never from its name or the
browser's word for it. A file whose name or declared type says something else is refused, and
so are markup (HTML, SVG, XML: a script in the browser), executables and the antivirus test file.

We run no antivirus engine: the allowed kinds (images, PDF, plain text) are checked by their
bytes, everything else is refused, and the industry's test signature (EICAR) is refused so that
a scanner can be put in its place (`attachment_scan`) and tested the same way.
"""

import re
from pathlib import PurePath

from django.utils.translation import gettext as _

from tickets.errors import AttachmentTypeRefused

HEAD_BYTES = 8192
BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"OggS", "audio/ogg"),  # voice notes (Telegram's are Opus in Ogg)
)
# Programs and archives (Windows, Linux, macOS, zip/jar/apk/docx) even when short or printable.
PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"PK\x03\x04",
    b"#!",
)
EXTENSIONS = {
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
    "audio/ogg": {".ogg", ".oga", ".opus"},
    "text/plain": {".txt", ".log", ".text"},
}
# Names a program, a page or a script would be opened as, whatever the bytes are.
RISKY_EXTENSIONS = {
    ".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".msi", ".ps1", ".vbs", ".js", ".jse",
    ".wsf", ".hta", ".jar", ".apk", ".app", ".lnk", ".sh", ".py", ".html", ".htm", ".xhtml",
    ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".mht", ".mhtml",
}  # fmt: skip
KNOWN_EXTENSIONS = set().union(*EXTENSIONS.values())
# What browsers and mail programs send when they do not know: the bytes decide.
UNDECLARED = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# Markup a browser would run if it ever rendered the file (it starts the file, or hides in it).
MARKUP = re.compile(rb"^\s*<[a-z!?/]|<(script|svg|html|iframe|object|embed)\b|<!doctype", re.I)
# Control characters that never occur in text (tab, newlines, form feed and escape do).
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


class AttachmentMismatch(AttachmentTypeRefused):
    """The bytes are not what the name or the declared type says (a .png that is a program)."""

    def __init__(self, name: str) -> None:
        Exception.__init__(
            self,
            _("The file %(name)s is not what its name or type says, so it was refused.")
            % {"name": name},
        )


class AttachmentQuarantined(AttachmentTypeRefused):
    """The file matches a malware signature: refused before it is stored, so nobody opens it."""

    def __init__(self, name: str) -> None:
        Exception.__init__(
            self,
            _("The file %(name)s looks like malware, so it was refused.") % {"name": name},
        )


def sniff(content: bytes) -> str | None:
    """The allowed kind these bytes are, or None (executables, archives, markup, other)."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in BINARY_SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content.startswith(PROGRAM_SIGNATURES):
        return None
    head = content[:HEAD_BYTES].removeprefix(b"\xef\xbb\xbf")
    if BINARY_BYTES.search(head) or MARKUP.search(head):
        return None
    return "text/plain"


def attachment_scan(content: bytes) -> bool:
    """True when the file must be quarantined (the EICAR test file, by its signature)."""
    return EICAR in content[:HEAD_BYTES]


def upload_head(upload) -> bytes:
    """The first bytes of an upload (an UploadedFile or an InboundAttachment), left unread."""
    content = getattr(upload, "content", None)
    if content is not None:
        return bytes(content[:HEAD_BYTES])
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def upload_type(upload, *, allowed: tuple[str, ...]) -> str:
    """The content type to store and serve the upload as; refuses what does not fit."""
    name = upload.name or "file"
    head = upload_head(upload)
    if attachment_scan(head):
        raise AttachmentQuarantined(name)
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared not in UNDECLARED and declared not in allowed:
        raise AttachmentTypeRefused(content_type=declared, allowed=allowed)
    kind = sniff(head)
    if kind is None and declared in allowed:
        raise AttachmentMismatch(name)
    if kind is None or kind not in allowed:
        raise AttachmentTypeRefused(content_type=kind or declared or "?", allowed=allowed)
    if declared not in UNDECLARED and declared != kind:
        raise AttachmentMismatch(name)
    suffix = PurePath(name).suffix.lower()
    if declared not in UNDECLARED and declared != kind:
        raise AttachmentMismatch(name)
    if suffix in (KNOWN_EXTENSIONS | RISKY_EXTENSIONS) - EXTENSIONS.get(kind, set()):
        raise AttachmentMismatch(name)
    return kind
