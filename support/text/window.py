"""Redaction across one sender's consecutive messages: a secret split over several of them.

A customer may paste a seed phrase in parts — six words, then six more — and each part alone
is too short to be a secret. `redact_window` judges a new message together with the same
sender's recent messages (the window: up to `WINDOW_MESSAGES` messages, the new one included,
sent within `WINDOW_AGE` of it) and returns the new message redacted plus the earlier messages
whose text must change, each with its new text. Each message that held part of a secret gets
its own marker, so a reader of any one of them sees that something was removed.

Pure: no models, no database. The caller reads the window, stores the results, and tells the
clients that saw the earlier texts.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from support.text.cleaning import coerce_text
from support.text.language import LANGUAGES
from support.text.messages import MARKERS, secret_marker
from support.text.redaction import Secret, find_secrets

WINDOW_MESSAGES = 4  # the new message and up to three before it
WINDOW_AGE = timedelta(minutes=5)
# How the parts are joined for the detectors: a line break, like a list written one part per
# line, so a phrase running on from one message into the next reads as one run of words.
JOIN = "\n"
# Markers already in the text are blanked out for the detectors: their words ("seed",
# "phrase", "private", "key" are BIP39 words) must not become part of a new run, and NUL is
# neither a word nor a separator, so a run never bridges a marker either.
BLANK = "\x00"


@dataclass(frozen=True)
class Earlier:
    """One of the sender's earlier messages: its key (the caller's id), stored text, time."""

    key: Hashable
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class WindowRedaction:
    text: str  # the new message, redacted
    secrets: list[str]  # the kind of each secret removed from the new message or earlier ones
    earlier: dict[Hashable, str] = field(default_factory=dict)  # key -> new text, changed only

    @property
    def found(self) -> bool:
        return bool(self.secrets)


def in_window(earlier: Sequence[Earlier], *, now: datetime) -> list[Earlier]:
    """The earlier messages that belong to the window of a message sent at `now`, oldest
    first."""
    recent = [message for message in earlier if now - message.sent_at <= WINDOW_AGE]
    recent.sort(key=lambda message: message.sent_at)
    return recent[-(WINDOW_MESSAGES - 1) :] if WINDOW_MESSAGES > 1 else []


def redact_window(
    text: str, *, earlier: Sequence[Earlier] = (), now: datetime, lang: str
) -> WindowRedaction:
    """`text` redacted as part of the window that `earlier` (the sender's previous messages,
    any order) and `now` (when `text` was sent) define; markers in `lang`.

    Never redacts less than `support.text.redact(text)` alone would."""
    text = coerce_text(text)
    window = in_window(earlier, now=now)
    markers = _markers()
    parts = [message.text for message in window] + [text]
    found = _spans_per_part([_blank(part, markers) for part in parts])
    found[-1] = _union(found[-1], find_secrets(_blank(text, markers)))
    changed = {
        message.key: _replace(message.text, spans, lang=lang)
        for message, spans in zip(window, found, strict=False)
        if spans
    }
    kinds = [secret.kind for spans in found for secret in spans]
    return WindowRedaction(_replace(text, found[-1], lang=lang), kinds, changed)


def _spans_per_part(parts: list[str]) -> list[list[Secret]]:
    """The secrets of the joined parts, cut at the part boundaries, relative to each part
    (none when there is only one part: the caller redacts it alone)."""
    starts, cursor = [], 0
    for part in parts:
        starts.append(cursor)
        cursor += len(part) + len(JOIN)
    joined = JOIN.join(parts)
    found: list[list[Secret]] = [[] for _ in parts]
    for secret in find_secrets(joined) if len(parts) > 1 else []:
        for number, (start, part) in enumerate(zip(starts, parts, strict=True)):
            low, high = max(secret.start, start), min(secret.end, start + len(part))
            if low < high:
                found[number].append(Secret(low - start, high - start, secret.kind))
    return found


def _union(first: list[Secret], second: list[Secret]) -> list[Secret]:
    """Both lists of spans as one, sorted and merged where they overlap (the first kind wins)."""
    merged: list[Secret] = []
    for secret in sorted(first + second, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and secret.start < merged[-1].end:
            merged[-1] = merged[-1]._replace(end=max(secret.end, merged[-1].end))
        else:
            merged.append(secret)
    return merged


def _replace(text: str, secrets: list[Secret], *, lang: str) -> str:
    pieces, cursor = [], 0
    for secret in secrets:
        pieces += [text[cursor : secret.start], secret_marker(secret.kind, lang=lang)]
        cursor = secret.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _blank(text: str, markers: set[str]) -> str:
    """`text` with every marker in it replaced by NULs of the same length, so spans found in
    the copy are spans of `text`."""
    for marker in markers:
        if marker in text:
            text = text.replace(marker, BLANK * len(marker))
    return text


def _markers() -> set[str]:
    """Every marker, of any kind and language: a message's markers are in the language it was
    redacted in, which need not be the chat's."""
    return {secret_marker(kind, lang=lang) for kind in MARKERS for lang in LANGUAGES}
