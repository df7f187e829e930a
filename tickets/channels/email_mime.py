"""One raw email read into what a ticket needs, whatever state it arrives in.

`email_read` never raises: a broken header block is mended (email_headers), every text is
decoded by email_charsets, a MIME tree the standard library cannot walk falls back to the
headers and the raw body as text, and what could not be read is listed in `problems` so the
agent sees "could not read fully" and can download the original.
"""

import functools
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.conf import settings

from tickets.channels.email_charsets import decode_text
from tickets.channels.email_headers import (
    BLANK_LINE_RE,
    first_header,
    header_bytes,
    mend_headers,
    sender_of,
)
from tickets.channels.email_html import html_sanitise, html_text, suspicious_links
from tickets.errors import AttachmentTooLarge, TicketError
from tickets.files import AttachmentQuarantined
from tickets.intake import InboundAttachment
from tickets.services import attachments_check

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 20  # kept per email; the rest are listed as not kept
MAX_BODY_BYTES = 2_000_000  # of one text part: more is no longer a message someone wrote
# Defects after which what we show may not be all the sender wrote.
STRUCTURE_DEFECTS = (
    errors.StartBoundaryNotFoundDefect,
    errors.CloseBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
    errors.MissingHeaderBodySeparatorDefect,
    errors.FirstHeaderLineIsContinuationDefect,
    errors.MisplacedEnvelopeHeaderDefect,
)
FORWARDED_TYPES = {"message/rfc822", "message/global"}
FOUND_BOUNDARY_RE = re.compile(rb"^--([^\s]{1,70})\s*$", re.MULTILINE)
KEPT_HEADER_CHARS = 1000  # parsed headers kept for reuse: Content-Type and the like, not a Cc


class Problem:
    """Why an email could not be read fully (codes kept on the message, worded in the console)."""

    STRUCTURE = "structure"  # broken MIME: a boundary missing, headers run into the body
    CHARSET = "charset"  # some text could not be decoded
    NO_SENDER = "no_sender"  # no address to answer
    FAILED = "failed"  # the MIME tree could not be walked: headers and raw text only


class Dropped:
    """Why an attachment was not kept (codes kept on the message, worded in the console)."""

    TOO_LARGE = "too_large"
    TYPE = "type"
    MALWARE = "malware"
    TOO_MANY = "too_many"


@dataclass
class ReadEmail:
    message: EmailMessage | None
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[InboundAttachment] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return first_header(self.message, name) if self.message is not None else ""


@dataclass
class _Parts:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    files: list[EmailMessage] = field(default_factory=list)
    lossy: bool = False

    def has_text(self) -> bool:
        return any(text.strip() for text in self.plain)


class _HeadersParsedOnce(policy.EmailPolicy):
    """The standard library's default policy, but a header is parsed once: it parses one again
    at every read, and reading a message asks for each part's Content-Type a dozen times
    (type, charset, disposition, file name), which was about half of reading a message. The
    parsed headers are immutable, so messages may share them. Only short values are kept, so
    that mail with huge headers cannot fill the memory."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if len(value) > KEPT_HEADER_CHARS:
            return super().header_fetch_parse(name, value)
        return self._parsed(name, value)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one policy object, kept for the process)
    def _parsed(self, name: str, value: str) -> str:
        return super().header_fetch_parse(name, value)


PARSING = _HeadersParsedOnce()


def email_parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=PARSING).parsebytes(mend_headers(raw))


def email_read(raw: bytes) -> ReadEmail:
    """What `raw` says, as far as it can be read (never raises)."""
    try:
        return _read(email_parse(raw))
    except Exception:  # a tree the parser built but cannot walk: keep what is readable
        logger.warning("email could not be read fully", exc_info=True)
        return _read_plainly(raw)


def _read(message: EmailMessage) -> ReadEmail:
    hint = message.get_content_charset() if not message.is_multipart() else None
    name, sender = sender_of(message, hint=hint)
    read = ReadEmail(message=message, sender=sender, sender_name=name)
    read.subject = first_header(message, "Subject", hint=hint)
    read.message_id = first_header(message, "Message-ID").strip()
    read.in_reply_to = first_header(message, "In-Reply-To").strip()
    read.references = first_header(message, "References").split()
    parts = _Parts()
    _collect(message, parts)
    _body(read, parts)
    _attachments(read, parts.files)
    read.problems = _problems(message, read, lossy=parts.lossy)
    return read


def _read_plainly(raw: bytes) -> ReadEmail:
    """Headers only, and the rest as text: for a message whose MIME tree broke the reader."""
    mended = mend_headers(raw)
    split = BLANK_LINE_RE.search(mended)
    head, body = (mended[: split.start()], mended[split.end() :]) if split else (mended, b"")
    try:
        message = BytesParser(policy=PARSING).parsebytes(head, headersonly=True)
        name, sender = sender_of(message)
        subject = first_header(message, "Subject")
        message_id = first_header(message, "Message-ID").strip()
    except Exception:
        logger.warning("email headers could not be read", exc_info=True)
        message, name, sender, subject, message_id = None, "", "", "", ""
    read = ReadEmail(message=message, sender=sender, sender_name=name, subject=subject)
    read.message_id = message_id
    read.text = decode_text(body[:MAX_BODY_BYTES]).text.strip()
    read.problems = [Problem.FAILED] + ([] if sender else [Problem.NO_SENDER])
    return read


# --- The MIME tree -----------------------------------------------------------------------------


def _collect(part: EmailMessage, parts: _Parts) -> None:
    """Texts and files of `part` in order; of an alternative, the one best to show."""
    content_type = part.get_content_type()
    if content_type in FORWARDED_TYPES:
        parts.files.append(part)
    elif content_type.startswith("multipart/") and not part.is_multipart():
        _collect_unsplit(part, parts)
    elif part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, EmailMessage)]
        if content_type == "multipart/alternative":
            _collect_alternative(children, parts)
        else:
            for child in children:
                _collect(child, parts)
    elif content_type in ("text/plain", "text/html") and not _is_file(part):
        decoded = decode_text(_payload(part)[:MAX_BODY_BYTES], part.get_content_charset())
        parts.lossy = parts.lossy or decoded.lossy
        (parts.plain if content_type == "text/plain" else parts.html).append(decoded.text)
    elif content_type not in ("message/delivery-status", "text/rfc822-headers"):
        parts.files.append(part)


def _collect_unsplit(part: EmailMessage, parts: _Parts) -> None:
    """A multipart whose boundary never came (the sender's program wrote another one, or cut
    the mail short): split it again at the boundary its first line shows, else keep it all
    as text."""
    payload = part.get_payload()
    raw = header_bytes(payload) if isinstance(payload, str) else b""
    found = FOUND_BOUNDARY_RE.search(raw)
    if found is None:
        parts.plain.append(decode_text(raw[:MAX_BODY_BYTES]).text)
        return
    boundary = found.group(1).decode("ascii", "replace")
    mended = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode() + raw
    again = BytesParser(policy=PARSING).parsebytes(mended)
    if again.is_multipart():
        _collect(again, parts)
    else:
        parts.plain.append(decode_text(raw[:MAX_BODY_BYTES]).text)


def _collect_alternative(children: list[EmailMessage], parts: _Parts) -> None:
    """Plain text when it says something, else the HTML (an empty text/plain beside a full
    HTML part is common); the files of the shown alternative only (the others repeat them)."""
    readings = []
    for child in children:
        reading = _Parts()
        _collect(child, reading)
        readings.append(reading)
    chosen = next((r for r in readings if r.has_text()), None) or next(
        (r for r in readings if any(text.strip() for text in r.html)), None
    )
    if chosen is None:
        chosen = readings[0] if readings else _Parts()
    parts.plain += chosen.plain
    parts.html += chosen.html
    parts.files += chosen.files
    parts.lossy = parts.lossy or chosen.lossy


def _is_file(part: EmailMessage) -> bool:
    return part.get_content_disposition() == "attachment" or bool(_file_name(part, ""))


def _file_name(part: EmailMessage, default: str) -> str:
    try:
        return part.get_filename() or default
    except Exception:  # a malformed RFC 2231 parameter
        return default


def _payload(part: EmailMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _body(read: ReadEmail, parts: _Parts) -> None:
    if parts.has_text():
        read.text = "\n\n".join(text.strip() for text in parts.plain if text.strip())
        read.links = suspicious_links(text=read.text)
        return
    markup = "\n".join(parts.html)
    read.text = html_text(markup) if markup else ""
    read.html = html_sanitise(markup) if markup else ""
    read.links = suspicious_links(markup=markup, text=read.text)


# --- Attachments -------------------------------------------------------------------------------


def _attachments(read: ReadEmail, files: list[EmailMessage]) -> None:
    """Each file checked like an upload (size, type by its bytes, malware test signature);
    one refused is listed with the reason, and the email is kept. Archives are never
    unpacked: their type is refused before anything reads inside them."""
    for part in files:
        name = _file_name(part, _default_name(part))
        content_type = part.get_content_type()
        if len(read.attachments) >= MAX_ATTACHMENTS:
            read.dropped.append(_dropped(name, content_type, 0, Dropped.TOO_MANY))
            continue
        estimate = _encoded_size(part)
        if estimate > settings.ATTACHMENT_MAX_BYTES:  # not even decoded
            read.dropped.append(_dropped(name, content_type, estimate, Dropped.TOO_LARGE))
            continue
        content = _file_bytes(part)
        upload = InboundAttachment(name, content_type, content)
        reason = _refusal(upload)
        if reason is None:
            read.attachments.append(upload)
        else:
            read.dropped.append(_dropped(name, content_type, len(content), reason))


def _default_name(part: EmailMessage) -> str:
    content_type = part.get_content_type()
    if content_type in FORWARDED_TYPES:
        return "forwarded.eml"
    extension = mimetypes.guess_extension(content_type) or ""
    return f"{content_type.split('/')[0]}{extension}"


def _encoded_size(part: EmailMessage) -> int:
    """About the decoded size, from the encoded text (base64 is 4 bytes for 3)."""
    if part.is_multipart() or part.get_content_type() in FORWARDED_TYPES:
        return 0
    payload = part.get_payload()
    size = len(payload) if isinstance(payload, str | bytes) else 0
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    return size * 3 // 4 if encoding == "base64" else size


def _file_bytes(part: EmailMessage) -> bytes:
    if part.get_content_type() in FORWARDED_TYPES:
        inner = part.get_payload()
        return inner[0].as_bytes() if isinstance(inner, list) and inner else b""
    return _payload(part)


def _refusal(upload: InboundAttachment) -> str | None:
    try:
        attachments_check([upload])
    except AttachmentTooLarge:
        return Dropped.TOO_LARGE
    except AttachmentQuarantined:
        return Dropped.MALWARE
    except TicketError:
        return Dropped.TYPE
    return None


def _dropped(name: str, content_type: str, size: int, reason: str) -> dict:
    return {"name": name[:200], "type": content_type[:100], "size": size, "reason": reason}


def _problems(message: EmailMessage, read: ReadEmail, *, lossy: bool) -> list[str]:
    found = []
    defects = (defect for part in message.walk() for defect in part.defects)
    if any(isinstance(defect, STRUCTURE_DEFECTS) for defect in defects):
        found.append(Problem.STRUCTURE)
    if lossy:
        found.append(Problem.CHARSET)
    if not read.sender:
        found.append(Problem.NO_SENDER)
    return found
