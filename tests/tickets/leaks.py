"""Read the whole test database back to prove a secret is stored nowhere.

`phrase()` makes a real BIP39 phrase whose words appear nowhere in the database yet nor in the
emails we send (the words of every email template), so any word of it found afterwards is a
leak, not a coincidence. `leaks()` searches every text, JSON and binary column of every table
with PostgreSQL's case-insensitive word match (`~*` with word boundaries: `ILIKE '%able%'`
would also match "available").
"""

import functools
import random
import re
from pathlib import Path

from django.db import connection
from mnemonic import Mnemonic

from support.text.common_words import COMMON_ENGLISH
from support.text.messages import MARKERS, SECURITY_NOTICE

ROOT = Path(__file__).resolve().parents[2]
WORD_RE = re.compile(r"[a-z]+")
TEXT_TYPES = ("text", "character varying", "jsonb", "json", "bytea")
# What tests write around a phrase ("Lost access:", "seed:", "please help"): never in a phrase.
AROUND = COMMON_ENGLISH | {"access", "seed", "private", "secret", "text", "plain", "image"}


def _columns() -> dict[str, list[tuple[str, str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        rows = cursor.fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables


def _as_text(column: str, kind: str) -> str:
    quoted = connection.ops.quote_name(column)
    if kind == "bytea":
        return f"coalesce(encode({quoted}, 'escape'), '')"
    return f"coalesce({quoted}::text, '')"


def database_words() -> set[str]:
    """Every lower-case Latin word stored anywhere in the database now."""
    words: set[str] = set()
    with connection.cursor() as cursor:
        for table, columns in _columns().items():
            joined = " || ' ' || ".join(_as_text(column, kind) for column, kind in columns)
            cursor.execute(f"SELECT {joined} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for (text,) in cursor.fetchall():
                words.update(WORD_RE.findall((text or "").lower()))
    return words


def template_words() -> set[str]:
    """The words of every email template and of the security notice and markers."""
    words = set(WORD_RE.findall(SECURITY_NOTICE.lower()))
    for marker in MARKERS.values():
        words.update(WORD_RE.findall(marker.lower()))
    for path in ROOT.glob("*/templates/*/emails/*"):
        words.update(WORD_RE.findall(path.read_text().lower()))
    return words


@functools.cache
def test_words() -> frozenset[str]:
    """Every word written anywhere in the tests ("Release the withdrawal.", a fixture's
    default text): a test may store any of them after it made its phrase."""
    words: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        words.update(WORD_RE.findall(path.read_text().lower()))
    return frozenset(words)


def url_words() -> set[str]:
    """The words of every URL route ("complaints/track/"): emails carry links."""
    from django.urls import get_resolver

    words: set[str] = set()

    def walk(patterns) -> None:
        for pattern in patterns:
            words.update(WORD_RE.findall(str(pattern.pattern).lower()))
            walk(getattr(pattern, "url_patterns", ()))

    walk(get_resolver().url_patterns)
    return words


def choice_words() -> set[str]:
    """The words of every model field's choices ("normal", "open", "email"): intake writes
    them after a phrase is made (a ticket's priority), so a phrase never uses them."""
    from django.apps import apps

    words: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                words.update(WORD_RE.findall(f"{value} {label}".lower()))
    return words


def phrase(*, strength: int = 128, avoid: set[str] | None = None) -> str:
    """A real BIP39 phrase (checksum valid, made now) none of whose words is in `avoid`, the
    database, the email templates, the URL routes, the fields' choices, the tests' own words
    or the frequent English words tests write around it."""
    known = database_words() | template_words() | url_words() | choice_words() | test_words()
    avoid = (avoid or set()) | known | AROUND
    generator = Mnemonic("english")
    allowed = [i for i, word in enumerate(generator.wordlist) if word not in avoid]
    words = (strength + strength // 32) // 11
    chance = random.SystemRandom()
    for _ in range(10_000):
        # All but the last word chosen from the allowed ones; the last word's free bits drawn
        # until the checksum it carries makes an allowed word too.
        bits = 0
        for index in chance.sample(allowed, words - 1):
            bits = (bits << 11) | index
        free = strength - (words - 1) * 11
        bits = (bits << free) | chance.getrandbits(free)
        candidate = generator.to_mnemonic(bits.to_bytes(strength // 8, "big"))
        if not avoid.intersection(candidate.split()) and len(set(candidate.split())) == words:
            return candidate
    raise AssertionError("no phrase avoids the database's words")


def leaks(*needles: str) -> dict[str, set[str]]:
    """{"table.column": {needle, …}} for each needle (a word or a literal) found anywhere."""
    pattern = r"\m(" + "|".join(re.escape(needle) for needle in needles) + r")\M"
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        for table, columns in _columns().items():
            for column, kind in columns:
                cursor.execute(
                    f"SELECT {_as_text(column, kind)} FROM {connection.ops.quote_name(table)} "  # noqa: S608
                    f"WHERE {_as_text(column, kind)} ~* %s",
                    [pattern],
                )
                for (text,) in cursor.fetchall():
                    hits = {n for n in needles if re.search(rf"\b{re.escape(n)}\b", text, re.I)}
                    if hits:
                        found.setdefault(f"{table}.{column}", set()).update(hits)
    return found


def phrase_leaks(secret_phrase: str, *also: str) -> dict[str, set[str]]:
    """Where any word of `secret_phrase` (or any of `also`) is stored."""
    return leaks(*secret_phrase.split(), *also)
