"""The gate every text a customer controls passes before it is stored, indexed, logged, queued
as a task argument, broadcast or emailed: subjects, bodies, names, form fields, file names.

One named entry, so that no caller can forget a step: coerce to text (bytes, None, numbers),
drop the characters no store accepts (NUL, other C0 controls), then redact seed phrases, private
keys and disclosed passwords (`support.text.redaction`). See docs/text-analysis.md.
"""

import re
import unicodedata
from collections.abc import Mapping

from support.text.cleaning import INVISIBLE_RE, coerce_text
from support.text.redaction import Redaction, find_secrets, redact

# C0 controls but tab, newline and carriage return; DEL. PostgreSQL refuses NUL in text.
UNSTORABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FILE_NAME_LIMIT = 120
EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{1,10}$")
DEFAULT_FILE_NAME = "file"
# Short texts found to hold no secret, kept so that the next one is not searched again: an
# email's metadata repeats the same names and values (header names, mailbox addresses) in every
# message. Only clean texts are kept, so no secret stays in memory.
CLEAN_TEXT_CHARS = 64
CLEAN_TEXTS_KEPT = 4096
_clean_texts: set[str] = set()
CUT_WINDOW = 1000  # characters looked at on each side of a cut: more than any secret is long


def clean_customer_text(value: object) -> str:
    """`value` as text a database, a log line and an email header all accept."""
    return UNSTORABLE_RE.sub("", coerce_text(value))


def redact_customer_text(value: object, *, lang: str | None = None) -> Redaction:
    """The gate: `value` cleaned and with every secret replaced by a marker in `lang`
    (detected from the text when not given), and the kind of each secret removed."""
    text = clean_customer_text(value)
    if text in _clean_texts:
        return Redaction(text, [])
    redaction = redact(text, lang=lang)
    if not redaction.secrets and len(text) <= CLEAN_TEXT_CHARS:
        if len(_clean_texts) >= CLEAN_TEXTS_KEPT:
            _clean_texts.clear()
        _clean_texts.add(text)
    return redaction


def cut_customer_text(value: object, limit: int) -> str:
    """`value` cleaned and cut to at most `limit` characters, never inside a secret: a cut
    through a seed phrase would leave a few words of it, too few to be recognised as one.
    A channel that must bound what it reads cuts with this, and the gate runs after."""
    text = clean_customer_text(value)
    if len(text) <= limit:
        return text
    start = max(0, limit - CUT_WINDOW)
    for secret in find_secrets(text[start : limit + CUT_WINDOW]):
        if start + secret.start < limit < start + secret.end:
            return text[: start + secret.start]
    return text[:limit]


def redact_customer_data(value: object, *, lang: str | None = None) -> tuple[object, list[str]]:
    """Form fields and metadata (dicts, lists, strings, numbers) with every string gated;
    keys too, since a customer may choose them."""
    if isinstance(value, str | bytes):
        redaction = redact_customer_text(value, lang=lang)
        return redaction.text, redaction.secrets
    if isinstance(value, Mapping):
        gated, secrets = {}, []
        for key, item in value.items():
            gated_key, key_secrets = redact_customer_data(str(key), lang=lang)
            gated[gated_key], item_secrets = redact_customer_data(item, lang=lang)
            secrets += key_secrets + item_secrets
        return gated, secrets
    if isinstance(value, list | tuple):
        pairs = [redact_customer_data(item, lang=lang) for item in value]
        return [item for item, _ in pairs], [kind for _, kinds in pairs for kind in kinds]
    return value, []


def redact_customer_file_name(value: object, *, lang: str | None = None) -> Redaction:
    """A file name as we show it: its last path part, without controls or invisible and bidi
    characters ("invoice" RLO "gpj.exe" shows as what it is), secrets redacted, and at most
    FILE_NAME_LIMIT characters with its extension kept. Never empty. The file itself is stored
    under a random key, never under this name."""
    name = re.split(r"[/\\]", clean_customer_text(value))[-1]
    name = INVISIBLE_RE.sub("", unicodedata.normalize("NFC", name)).strip().lstrip(".")
    extension = match.group() if (match := EXTENSION_RE.search(name)) else ""
    stem = name[: len(name) - len(extension)]
    # "abandon_ability.able…": words joined by underscores or dots are words all the same.
    redaction = redact(re.sub(r"[_.]+", " ", stem), lang=lang)
    if redaction.secrets:
        name = redaction.text.strip() + extension
    return Redaction(_shorten(name) or DEFAULT_FILE_NAME, redaction.secrets)


def _shorten(name: str) -> str:
    if len(name) <= FILE_NAME_LIMIT:
        return name
    extension = match.group() if (match := EXTENSION_RE.search(name)) else ""
    return name[: FILE_NAME_LIMIT - len(extension)].rstrip() + extension
