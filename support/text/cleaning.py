"""Make any inbound value safe to analyse: a str without lone surrogates or invisible controls."""

import re

# Zero-width characters, bidi controls (incl. the RTL override) and the soft hyphen: they are
# invisible to a reader, so they must not split a secret or hide a keyword from the analysers.
INVISIBLE_CHARS = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")
SURROGATE_RE = re.compile("[\ud800-\udfff]")
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Language, category and sentiment read at most this many characters; redaction reads all.
ANALYSIS_PREFIX_CHARS = 3000


def coerce_text(value: object) -> str:
    """Return `value` as text: bytes are decoded leniently, lone surrogates become U+FFFD."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str):
        value = str(value)
    return SURROGATE_RE.sub("\ufffd", value)


def strip_invisible(text: str) -> str:
    return INVISIBLE_RE.sub("", text)


def analysis_view(text: str) -> str:
    """A bounded, visible-only prefix of `text` for the statistical analysers."""
    visible = CONTROL_RE.sub(" ", strip_invisible(text[: ANALYSIS_PREFIX_CHARS * 2]))
    return visible[:ANALYSIS_PREFIX_CHARS]
