"""Web addresses that may imitate others (pure functions, no models).

A phishing link to "bіnance.com" (a Cyrillic і) looks exactly like the real one. Every host
with a letter outside ASCII, or already in punycode (xn--), is shown the way the browser will
really reach it — in punycode — with a warning; a host that mixes alphabets inside one label
(Latin with Cyrillic or Greek…) is flagged as well. Hosts in one script other than Latin and the
usual CJK mixes (Han with kana, Han with Hangul) are not "mixed", but are still shown in
punycode with the warning.
"""

import re
import unicodedata
from dataclasses import dataclass

import idna

# A host name in running text: labels of letters, digits and hyphens, a top-level domain of
# letters (or punycode). Non-ASCII letters included: that is the point.
HOST_IN_TEXT = re.compile(
    r"(?<![\w@.-])((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59}))"
    r"(?![\w-])"
)
# Scripts that legitimately share a label (Unicode's "highly restrictive" profile).
ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
)
SCRIPT_ALIASES = {"CJK": "HAN", "IDEOGRAPHIC": "HAN", "KANGXI": "HAN"}


@dataclass(frozen=True)
class HostCheck:
    shown: str  # as written
    ascii: str  # how the browser reaches it (punycode)
    deceptive: bool  # not plain ASCII: show the punycode and a warning
    scripts: tuple[str, ...]  # the alphabets of a label that mixes them, else ()

    @property
    def mixed_script(self) -> bool:
        return bool(self.scripts)


def host_check(host: str) -> HostCheck | None:
    """How a host really reads, or None when it is no valid host name."""
    host = host.strip().rstrip(".")
    if not host:
        return None
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
        unicode_host = idna.decode(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError):
        try:  # IDNA 2003, which browsers still accept for some names IDNA 2008 refuses
            ascii_host = host.encode("idna").decode("ascii")
            unicode_host = ascii_host.encode("ascii").decode("idna")
        except UnicodeError:
            return None
    deceptive = not host.isascii() or "xn--" in ascii_host
    scripts = _mixed_scripts(unicode_host)
    return HostCheck(host, ascii_host, deceptive, scripts)


def deceptive_hosts(text: str) -> list[HostCheck]:
    """The hosts in a text that need a warning, in order, each once."""
    found: dict[str, HostCheck] = {}
    for match in HOST_IN_TEXT.finditer(text):
        candidate = match.group(1)
        if candidate.isascii() and "xn--" not in candidate.lower():
            continue  # the common case: nothing to check
        checked = host_check(candidate)
        if checked is not None and checked.deceptive:
            found.setdefault(candidate, checked)
    return list(found.values())


def _mixed_scripts(host: str) -> tuple[str, ...]:
    for label in host.split("."):
        scripts = {_script(char) for char in label if char.isalpha()}
        if len(scripts) > 1 and not any(scripts <= mix for mix in ALLOWED_MIXES):
            return tuple(sorted(scripts))
    return ()


def _script(char: str) -> str:
    word = unicodedata.name(char, "UNKNOWN").split(" ")[0]
    return SCRIPT_ALIASES.get(word, word)
