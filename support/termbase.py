"""The termbase: one word per concept and language, and the variants readers told us confuse them.

`locale/termbase.csv` has a row per concept (withdrawal, complaint, agent, …) with the English
forms that name it, the word each language uses (the first one; more after `|` are accepted
too), the variants that must not be written for it (`forbidden`, per language, e.g.
`zh-hans:提现|充值; zh-hant:出金|提領`), longer words that contain a forbidden variant and are
fine (`allowed`, same layout, e.g. `zh-hans:法币充值`), and notes for translators. A forbidden
variant written `~金額` is a common word with other senses (a sum of money is rightly 金額): it
only counts where the English source names the concept.

`violations(text, language)` lists the forbidden variants in a text. A variant inside an allowed
word, or inside a longer word that is some concept's own word (谷歌验证器, the authenticator,
holds 谷歌验证), does not count. A variant that is another concept's own word (申訴 is the
forbidden complaint word in Traditional Chinese, yet an accepted word for an appeal) only counts
when the English source is given and names the one concept and not the other: without English
there is no telling which was meant.

`catalogue_violations()` checks every translation of the UI catalogues whose English names a
concept; `manage.py check_translations` (run by CI) fails on any. docs/localisation.md says how
to add a term.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TERMBASE = Path(__file__).resolve().parent.parent / "locale" / "termbase.csv"
LOCALE = TERMBASE.parent
# Language code (as in settings.LANGUAGES) → catalogue folder under locale/.
LANGUAGES = {"zh-hans": "zh_Hans", "zh-hant": "zh_Hant", "ko": "ko", "ja": "ja"}
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]|\{[^{}]*\}")


@dataclass(frozen=True)
class Term:
    concept: str
    english: tuple[str, ...]  # forms naming the concept in an English source string
    words: dict[str, tuple[str, ...]]  # language → its word first, then accepted others
    forbidden: dict[str, tuple[str, ...]]
    allowed: dict[str, tuple[str, ...]]
    notes: str
    # (language, variant) pairs marked `~`: wrong only where the English names this concept.
    needs_english: frozenset[tuple[str, str]] = frozenset()

    def named_in(self, english: str) -> bool:
        """Whether an English text names this concept (whole words, any case, plurals); a
        placeholder such as `%(agent)s` or `{agent}` is a name, not the word."""
        return bool(_english_pattern(self.english).search(PLACEHOLDER.sub(" ", english)))

    def word(self, language: str) -> str:
        """The word to write for this concept in `language`."""
        return self.words[language][0]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _per_language(cell: str) -> dict[str, tuple[str, ...]]:
    """`zh-hans:提现|充值; zh-hant:出金` → {"zh-hans": ("提现", "充值"), "zh-hant": ("出金",)}."""
    result: dict[str, tuple[str, ...]] = {}
    for part in cell.split(";"):
        if not part.strip():
            continue
        language, _, variants = part.partition(":")
        language = language.strip().lower()
        if language not in LANGUAGES:
            raise ValueError(f"{TERMBASE.name}: unknown language {language!r} in {cell!r}")
        result[language] = result.get(language, ()) + _split(variants)
    return result


def _term(row: dict[str, str]) -> Term:
    marked = _per_language(row["forbidden"])
    return Term(
        concept=row["concept"].strip(),
        english=_split(row["en"]),
        words={language: _split(row[language]) for language in LANGUAGES},
        forbidden={
            language: tuple(variant.lstrip("~") for variant in variants)
            for language, variants in marked.items()
        },
        allowed=_per_language(row["allowed"]),
        notes=row["notes"].strip(),
        needs_english=frozenset(
            (language, variant[1:])
            for language, variants in marked.items()
            for variant in variants
            if variant.startswith("~")
        ),
    )


@cache
def terms() -> tuple[Term, ...]:
    """The termbase's rows, in file order."""
    with TERMBASE.open(encoding="utf-8", newline="") as handle:
        return tuple(_term(row) for row in csv.DictReader(handle))


def term(concept: str) -> Term:
    """The termbase row of one concept."""
    for candidate in terms():
        if candidate.concept == concept:
            return candidate
    raise KeyError(concept)


@cache
def _english_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?:s|es)?(?![A-Za-z0-9])", re.I)


def _language(language: str) -> str:
    """`zh_Hans`, `zh-Hans` or `zh-hans` → `zh-hans`."""
    code = language.replace("_", "-").lower()
    if code not in LANGUAGES:
        raise ValueError(f"The termbase has no column for {language!r}.")
    return code


def _occurrences(variant: str, text: str) -> list[tuple[int, int]]:
    """Where `variant` is in `text`; a variant in Latin letters only as a whole word."""
    if variant.isascii():
        pattern = rf"(?<![A-Za-z0-9]){re.escape(variant)}(?![A-Za-z0-9])"
        return [(match.start(), match.end()) for match in re.finditer(pattern, text, re.I)]
    spans, start = [], text.find(variant)
    while start != -1:
        spans.append((start, start + len(variant)))
        start = text.find(variant, start + 1)
    return spans


def _spans(words: set[str], text: str) -> list[tuple[int, int]]:
    return [span for word in words for span in _occurrences(word, text)]


def _covered(span: tuple[int, int], covers: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in covers)


def violations(text: str, language: str, english: str | None = None) -> list[tuple[str, str]]:
    """The (concept, forbidden variant) pairs written in `text`, once each, in termbase order.

    With `english` (the source text), only the concepts it names are checked; without it every
    concept is, except for variants marked `~` and variants that are another concept's own word.
    """
    language = _language(language)
    everyone = terms()
    named = [t for t in everyone if english is None or t.named_in(english)]
    found = []
    for current in named:
        others = [other for other in everyone if other is not current]
        for variant in current.forbidden.get(language, ()):
            if english is None and (language, variant) in current.needs_english:
                continue
            elsewhere = [other for other in others if variant in other.words[language]]
            if elsewhere and (english is None or any(other in named for other in elsewhere)):
                continue
            spans = _occurrences(variant, text)
            if not spans:
                continue
            longer = {
                word
                for other in everyone
                for word in other.words[language]
                if variant in word and word != variant
            }
            longer |= {word for word in current.allowed.get(language, ()) if variant in word}
            covers = _spans(longer, text)
            if any(not _covered(span, covers) for span in spans):
                found.append((current.concept, variant))
    return found


def catalogue_violations(locale: Path = LOCALE) -> list[str]:
    """One line per translation in the UI catalogues that writes a forbidden variant."""
    import polib  # only the catalogue check needs it

    problems = []
    for language, folder in LANGUAGES.items():
        path = locale / folder / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            english = " ".join(filter(None, (entry.msgid, entry.msgid_plural)))
            translations = [entry.msgstr, *entry.msgstr_plural.values()]
            seen = set()
            for translation in translations:
                for concept, variant in violations(translation, language, english=english):
                    if (concept, variant) in seen:
                        continue
                    seen.add((concept, variant))
                    right = term(concept).word(language)
                    problems.append(
                        f"{path}: {entry.msgid!r} writes {variant!r} for {concept!r} "
                        f"(the termbase says {right!r})"
                    )
    return problems
