"""Is a handle, address, number or domain ours? Pure functions, no database.

`normalise` turns what a customer types (`@Name`, `https://t.me/name`, `WWW.Example.COM/path`,
`+82 2-123-4567`) into the one form official values are stored in; `matches` compares it with
the official values of its kind: equal is official, else it may *look like* one of them.

A look-alike is judged on skeletons (Unicode TR #39 confusables, through the
`confusable-homoglyphs` data, then our own folds for l/1/I/i, 0/o, rn/m, vv/w): the same
skeleton, the same skeleton once words impostors add are removed (`_support`, `official`,
`help`…), a skeleton one or two edits away, or an official name inside a longer one.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import phonenumbers

TELEGRAM = "telegram"
X = "x"
EMAIL = "email"
PHONE = "phone"
DOMAIN = "domain"
FACEBOOK = "facebook"
INSTAGRAM = "instagram"
LINE = "line"
KAKAOTALK = "kakaotalk"
HANDLE_KINDS = (TELEGRAM, X, FACEBOOK, INSTAGRAM, LINE, KAKAOTALK)
KINDS = (*HANDLE_KINDS, EMAIL, PHONE, DOMAIN)

MAX_VALUE_CHARS = 254
# Words impostors add to an official name: binance_support, officialbinance, binance-help.
ADDED_WORDS = (
    "official",
    "support",
    "helpdesk",
    "help",
    "service",
    "services",
    "customer",
    "care",
    "team",
    "admin",
    "desk",
    "global",
    "verify",
    "verified",
    "real",
    "live",
    "chat",
    "kr",
    "jp",
    "cn",
    "tw",
    "hk",
    "cs",
)
# After the confusables map: letters and digits people swap by eye.
FOLDS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("1", "l"), ("i", "l"), ("|", "l"), ("0", "o"))
SEPARATORS_RE = re.compile(r"[\s_.\-·•]+")
MIN_CONTAINED = 4  # an official name this long inside another one is a look-alike
LIKENESS_SAME = 5  # the highest likeness: the same skeleton


@dataclass(frozen=True)
class Official:
    """An official value as matching needs it (the model's rows are turned into these)."""

    kind: str
    value: str  # normalised
    covers_subdomains: bool = False


@dataclass(frozen=True)
class Match:
    official: Official | None = None  # the value is this official one
    looks_like: Official | None = None  # not official, but looks like this one


def normalise(kind: str, value: str) -> str:
    """`value` in the stored form of `kind`; "" when it cannot be one (empty, too long, a
    number that is no phone number)."""
    value = (value or "").strip()
    if not value or len(value) > MAX_VALUE_CHARS or kind not in KINDS:
        return ""
    if kind == EMAIL:
        return _email(value)
    if kind == PHONE:
        return _phone(value)
    if kind == DOMAIN:
        return _domain(value)
    return _handle(value)


def _handle(value: str) -> str:
    """`@Name`, `t.me/name`, `https://x.com/name?s=20`, `line.me/R/ti/p/@id` → `name`."""
    if "/" in value:
        parts = urlsplit(value if "://" in value else "https://" + value)
        segments = [s for s in parts.path.split("/") if s]
        value = segments[-1] if segments else ""
    return value.strip().lstrip("@").casefold()


def _email(value: str) -> str:
    value = value.removeprefix("mailto:")
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return ""
    return local.casefold() + "@" + _domain(domain)


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _domain(value: str) -> str:
    """Host of a URL or a bare domain: lowercase, punycode decoded, `www.` and a final dot
    dropped; the port and any user part too."""
    host = urlsplit(value if "://" in value else "https://" + value).hostname or ""
    host = host.rstrip(".").casefold()
    host = ".".join(_label(label) for label in host.split("."))
    return host.removeprefix("www.")


def _label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def matches(kind: str, value: str, officials: list[Official]) -> Match:
    """`value` (normalised) against the official values: the one it is, else the one it looks
    like, else neither. Only values of the same kind count, except that domains are also
    compared with the domains of official email addresses and the other way round."""
    if not value:
        return Match()
    same_kind = [o for o in officials if o.kind == kind]
    for official in same_kind:
        if official.value == value or _covered(official, value):
            return Match(official=official)
    scored = [(_likeness(kind, value, o), o) for o in same_kind + _related(kind, officials)]
    # The closest; between equals, the longer official value (the more particular one).
    best = max(scored, key=lambda pair: (pair[0], len(pair[1].value)), default=(0, None))
    if best[0] > 0:
        return Match(looks_like=best[1])
    return Match()


def _covered(official: Official, value: str) -> bool:
    return (
        official.kind == DOMAIN
        and official.covers_subdomains
        and value.endswith("." + official.value)
    )


def _related(kind: str, officials: list[Official]) -> list[Official]:
    """Domains official by being an email address's domain, for domain and email checks."""
    if kind not in (DOMAIN, EMAIL):
        return []
    domains = {o.value for o in officials if o.kind == DOMAIN}
    domains |= {o.value.partition("@")[2] for o in officials if o.kind == EMAIL}
    return [Official(DOMAIN, domain) for domain in sorted(domains)]


def _likeness(kind: str, value: str, official: Official) -> int:
    """How closely `value` passes for `official`: 0 not at all, up to LIKENESS_SAME."""
    if kind == PHONE or official.kind == PHONE:
        return 0  # digits: a different number is just a different number
    if kind == EMAIL and official.kind == EMAIL:
        local, _, domain = value.partition("@")
        official_local, _, official_domain = official.value.partition("@")
        if domain == official_domain:
            return 0  # our own domain: an unlisted address, not a look-alike
        return domain_likeness(domain, official_domain)
    if kind == EMAIL:  # against an official domain
        return domain_likeness(value.partition("@")[2], official.value)
    if kind == DOMAIN:
        return domain_likeness(value, official.value)
    return likeness(value, official.value)


def lookalike_domain(domain: str, official: str) -> bool:
    """`domain` is not `official` (nor under it) but passes for it: a homoglyph or swapped
    letters, the same name under another ending (.co, .net), the name with words added
    (binance-support.com), or the official name put in front of another domain
    (binance.com.login-check.io)."""
    return domain_likeness(domain, official) > 0


def domain_likeness(domain: str, official: str) -> int:
    if not domain or domain == official or domain.endswith("." + official):
        return 0
    if domain.startswith(official + ".") or ("." + official + ".") in domain:
        return LIKENESS_SAME
    if _name(domain) == _name(official):
        return LIKENESS_SAME - 1  # the same name under another ending
    return max(
        likeness(_name(domain), _name(official)),
        likeness(_without_suffix(domain), _without_suffix(official)),
    )


def _name(domain: str) -> str:
    """The label before the ending: binance for www.binance.com, binance for binance.co.kr."""
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "or", "ne", "go"):
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _without_suffix(domain: str) -> str:
    return domain.rpartition(".")[0] or domain


def similar(value: str, official: str) -> bool:
    """`value` passes for `official` by eye (both already normalised, not equal)."""
    return likeness(value, official) > 0


def likeness(value: str, official: str) -> int:
    """0 if `value` does not pass for `official`; else how closely: the same skeleton
    (LIKENESS_SAME), the same once added words are removed, one or two edits away, or the
    official name inside a longer one (1)."""
    if value == official:
        return 0
    candidate, target = _compact(skeleton(value)), _compact(skeleton(official))
    if not candidate or not target:
        return 0
    if candidate == target:
        return LIKENESS_SAME
    core, stripped = _strip_added(target), _strip_added(candidate)
    if stripped == target or (len(target) >= MIN_CONTAINED and target in candidate):
        return LIKENESS_SAME - 1  # the whole official name, with words added
    allowed = 1 if len(target) < 8 else 2
    if len(target) >= 5 and _edits(candidate, target, limit=allowed) <= allowed:
        return LIKENESS_SAME - 2
    if stripped == core:
        return LIKENESS_SAME - 3
    if len(core) >= MIN_CONTAINED and core in candidate:
        return 1
    return 0


def skeleton(text: str) -> str:
    """The TR #39 confusables skeleton of `text`, lowercase, then our folds: `bіnance`
    (Cyrillic і), `b1nance`, `ｂｉｎａｎｃｅ` and `blnance` have one skeleton."""
    text = unicodedata.normalize("NFKC", text).casefold()
    mapped = "".join(_prototype(char) for char in text)
    decomposed = unicodedata.normalize("NFKD", mapped)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    for before, after in FOLDS:
        folded = folded.replace(before, after)
    return folded


def _prototype(char: str) -> str:
    if char.isascii():
        return char
    return _ascii_prototypes().get(char, char)


@cache
def _ascii_prototypes() -> dict[str, str]:
    """Each non-ASCII character of the confusables data mapped to the first ASCII letters or
    digits it is confusable with."""
    path = resources.files("confusable_homoglyphs") / "confusables.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    prototypes = {}
    for char, entries in data.items():
        if char.isascii():
            continue
        for entry in entries:
            target = entry["c"].strip("\u200e\u200f")
            if target.isascii() and target.isalnum():
                prototypes[char] = target.casefold()
                break
    return prototypes


def _compact(text: str) -> str:
    return SEPARATORS_RE.sub("", text)


def _strip_added(text: str) -> str:
    folded_words = sorted({skeleton(word) for word in ADDED_WORDS}, key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for word in folded_words:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :], True
            elif text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)], True
    return text


def _edits(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance with adjacent swaps, given up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous_previous[j - 2] + 1)
            current.append(best)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]
