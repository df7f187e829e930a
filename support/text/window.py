"""Redaction across one sender's consecutive messages: a secret split over several of them.

A customer may paste a seed phrase in parts — six words, then six more — and each part alone
is too short to be a secret. `redact_window` judges a new message together with the same
sender's recent messages (the window: up to `WINDOW_MESSAGES` messages, the new one included,
sent within `WINDOW_AGE` of it) and returns the new message redacted plus the earlier messages
whose text must change, each with its new text. Each message that held part of a secret gets
its own marker, so a reader of any one of them sees that something was removed.

A long phrase may be caught before its last part arrives (16 words of 24 are already a
secret); the earlier parts then hold markers, and the rest of the phrase is no longer a run
long enough to be found. So a message that follows a removed seed phrase and is made of
wordlist words — nothing else, or at least `CONTINUATION_LEADING` of them at its start; in
English mostly words too rare for a sentence — is taken as the phrase's continuation and
removed too, and so on for the message after it.

Pure: no models, no database. The caller reads the window, stores the results, and tells the
clients that saw the earlier texts.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from support.text.common_words import COMMON_ENGLISH
from support.text.gate import clean_customer_text
from support.text.language import LANGUAGES
from support.text.messages import MARKERS, SEED_PHRASE, secret_marker
from support.text.redaction import Secret, find_secrets
from support.text.seed_phrases import SEPARATOR_RE, TOKEN_RE
from support.text.wordlists import word_key, wordlists

WINDOW_MESSAGES = 4  # the new message and up to three before it
WINDOW_AGE = timedelta(minutes=5)
# How the parts are joined for the detectors: a line break, like a list written one part per
# line, so a phrase running on from one message into the next reads as one run of words.
JOIN = "\n"
# Markers already in the text are blanked out for the detectors: their words ("seed",
# "phrase", "private", "key" are BIP39 words) must not become part of a new run, and NUL is
# neither a word nor a separator, so a run never bridges a marker either.
BLANK = "\x00"
# The rest of a removed phrase: a message right after it that is nothing but wordlist words,
# or at least CONTINUATION_LEADING of them at its start. English BIP39 words include chatter
# ("sorry about that", "wait one moment", "please help"), so, as for a whole phrase
# (support.text.seed_phrases), an English run must be mostly words too rare for a sentence.
CONTINUATION_LEADING = 5


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
    text = clean_customer_text(text)
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
    if window:
        previous = changed.get(window[-1].key, window[-1].text)
        continued = _continuation(text, previous=previous, lang=lang)
        found[-1] = _union(found[-1], [continued] if continued else [])
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


def _continuation(text: str, *, previous: str, lang: str) -> Secret | None:
    """The leading wordlist words of `text` when `previous` ends with a removed seed phrase and
    they are enough to be the rest of it (see the module's docstring)."""
    seed_markers = {secret_marker(SEED_PHRASE, lang=code) for code in {lang, *LANGUAGES}}
    ending = previous.rstrip(" \t\r\n.,;:!?。，、")
    if not any(ending.endswith(marker) for marker in seed_markers):
        return None
    tokens = list(TOKEN_RE.finditer(text))
    if not tokens or not SEPARATOR_RE.fullmatch(text, 0, tokens[0].start()):
        return None
    counts = {wordlist.latin: 0 for wordlist in wordlists()}
    for wordlist in wordlists():
        words = _leading_words(text, tokens, wordlist.index)
        counts[wordlist.latin] = max(counts[wordlist.latin], words)
    count = max(counts.values())
    whole = count == len(tokens) and bool(SEPARATOR_RE.fullmatch(text, tokens[-1].end()))
    if count == 0 or not (whole or count >= CONTINUATION_LEADING):
        return None
    if counts[True] == count and not _rare_enough(text, tokens[:count], whole=whole):
        return None
    return Secret(tokens[0].start(), tokens[count - 1].end(), SEED_PHRASE)


def _rare_enough(text: str, tokens: list, *, whole: bool) -> bool:
    """Latin words that are the rest of a phrase rather than a reply: a lone word that is not
    common English; two words at most half common; three or more, or a list, fewer than three
    in four; the start of a longer message fewer than half."""
    common = sum(1 for token in tokens if word_key(token.group()) in COMMON_ENGLISH)
    share = common / len(tokens)
    if len(tokens) == 1:
        return share == 0
    if not whole:
        return share < 0.5
    laid_out = any(mark in text for mark in "\n,，、") or any(char.isdigit() for char in text)
    if laid_out or len(tokens) >= 3:
        return share < 0.75
    return share <= 0.5


def _leading_words(text: str, tokens: list, index: dict[str, int]) -> int:
    """How many tokens from the start are words of one wordlist, with only separators
    between them."""
    for number, token in enumerate(tokens):
        if word_key(token.group()) not in index:
            return number
        if number and not SEPARATOR_RE.fullmatch(text, tokens[number - 1].end(), token.start()):
            return number
    return len(tokens)


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
