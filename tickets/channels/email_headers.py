"""Headers as people wrote them: RFC 2047 words in any charset (malformed ones kept as they
are, readable), raw 8-bit bytes read by detection, and a header block broken by a line that
is no header (a mangled fold, a pasted banner) mended so that From and Subject are not lost.
"""

import base64
import binascii
import re
from email.message import EmailMessage
from email.utils import getaddresses

from tickets.channels.email_charsets import decode_text

ENCODED_WORD_RE = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
FOLD_RE = re.compile(rb"\r?\n(?=[ \t])")
QP_HEX_RE = re.compile(rb"=([0-9A-Fa-f]{2})")
HEADER_LINE_RE = re.compile(rb"^[!-9;-~]+[ \t]*:")
BLANK_LINE_RE = re.compile(rb"\r?\n\r?\n")
ADDRESS_RE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
# Where an answerable address may be when From has none ("<>", garbage, missing).
SENDER_HEADERS = ("From", "Reply-To", "Sender", "Return-Path", "X-Original-From")
MAX_HEADER_CHARS = 2000


def header_bytes(value: str) -> bytes:
    """A header as the parser stored it (8-bit bytes kept as surrogates) back to its bytes."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def decode_header(value: str, *, hint: str | None = None) -> str:
    """A header's text: encoded words decoded (adjacent ones in the same charset joined as
    bytes first, since senders split a multi-byte character across two words), the space
    between two encoded words dropped, raw bytes decoded by `hint` or detection; a word that
    does not decode stays as written."""
    raw = FOLD_RE.sub(b"", header_bytes(value))[: MAX_HEADER_CHARS * 4]
    out: list[str] = []
    run: list[tuple[str, bytes]] = []  # consecutive encoded words not yet decoded
    position = 0
    for match in ENCODED_WORD_RE.finditer(raw):
        between = raw[position : match.start()]
        if between.strip() or not run:
            out.append(_words(run))
            run = []
            out.append(decode_text(between, hint).text)
        word = _word_bytes(match)
        if word is None:
            out.append(_words(run) + match.group(0).decode("ascii", "replace"))
            run = []
        else:
            run.append(word)
        position = match.end()
    out.append(_words(run))
    out.append(decode_text(raw[position:], hint).text)
    return " ".join("".join(out).split())[:MAX_HEADER_CHARS]


def _word_bytes(match: re.Match) -> tuple[str, bytes] | None:
    charset, kind, payload = match.group(1), match.group(2).upper(), match.group(3)
    if kind == b"Q":
        return charset.decode("ascii", "replace"), QP_HEX_RE.sub(
            lambda hexa: bytes([int(hexa.group(1), 16)]), payload.replace(b"_", b" ")
        )
    payload = re.sub(rb"[^A-Za-z0-9+/]", b"", payload)
    try:
        return charset.decode("ascii", "replace"), base64.b64decode(
            payload + b"=" * (-len(payload) % 4)
        )
    except (binascii.Error, ValueError):
        return None


def _words(run: list[tuple[str, bytes]]) -> str:
    """Decode a run of encoded words, joining the bytes of neighbours in the same charset."""
    out, index = [], 0
    while index < len(run):
        charset, data = run[index]
        index += 1
        while index < len(run) and run[index][0].lower() == charset.lower():
            data += run[index][1]
            index += 1
        out.append(decode_text(data, charset).text)
    return "".join(out)


def message_headers(message: EmailMessage, name: str, *, hint: str | None = None) -> list[str]:
    """Every `name` header of `message`, decoded (several From headers happen)."""
    wanted = name.lower()
    values = [value for key, value in message.raw_items() if key.lower() == wanted]
    return [decode_header(value, hint=hint) for value in values]


def first_header(message: EmailMessage, name: str, *, hint: str | None = None) -> str:
    values = message_headers(message, name, hint=hint)
    return values[0] if values else ""


def sender_of(message: EmailMessage, *, hint: str | None = None) -> tuple[str, str]:
    """(display name, address) of whoever can be answered: the first real address in From,
    else Reply-To, Sender, Return-Path; ("", "") when the message names nobody."""
    for name in SENDER_HEADERS:
        for value in message_headers(message, name, hint=hint):
            found = _address_in(value)
            if found is not None:
                return found
    return "", ""


def _address_in(value: str) -> tuple[str, str] | None:
    for display, address in getaddresses([value]):
        if "@" in address and not address.startswith("@"):
            return display.strip(), address.strip()
    found = ADDRESS_RE.search(value)
    return ("", found.group(0)) if found else None


# --- Mending a broken header block -------------------------------------------------------------


def mend_headers(raw: bytes) -> bytes:
    """The message with its header block mended: a line in the headers that is neither a
    header nor a fold (a base64 tail that lost its indent, a "---- Original message ----"
    banner) is folded into the header before it, or dropped when it comes first. Only the
    header block (up to the first blank line) changes."""
    split = BLANK_LINE_RE.search(raw)
    end = split.start() if split else len(raw)
    lines = raw[:end].splitlines(keepends=True)
    mended: list[bytes] = []
    for index, line in enumerate(lines):
        if HEADER_LINE_RE.match(line) or line[:1] in (b" ", b"\t"):
            mended.append(line)
        elif index == 0 and line.startswith(b"From "):
            mended.append(line)  # the mbox envelope line
        elif mended:
            mended.append(b" " + line)
    return b"".join(mended) + raw[end:]
