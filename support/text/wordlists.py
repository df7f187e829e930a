"""The BIP39 wordlists of the `mnemonic` package, indexed for looking up customers' words."""

import functools
import unicodedata
from dataclasses import dataclass

from mnemonic import Mnemonic

from support.text.cleaning import strip_invisible

CJK_LANGUAGES = frozenset({"chinese_simplified", "chinese_traditional", "japanese", "korean"})
KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


@dataclass(frozen=True)
class Wordlist:
    language: str
    words: tuple[str, ...]
    index: dict[str, int]
    typo_index: dict[str, int]
    prefix_index: dict[str, int]

    @property
    def latin(self) -> bool:
        return self.language not in CJK_LANGUAGES


@functools.lru_cache(maxsize=65536)
def word_key(token: str) -> str:
    """The form a token is looked up by: visible, NFC, casefolded, without Latin accents."""
    key = unicodedata.normalize("NFC", strip_invisible(token)).casefold()
    if key.isascii():
        return key
    if _has_latin(key):
        stripped = "".join(c for c in unicodedata.normalize("NFD", key) if not _is_mark(c))
        return unicodedata.normalize("NFC", stripped)
    return key.translate(KATAKANA_TO_HIRAGANA)


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@functools.cache
def wordlists() -> tuple[Wordlist, ...]:
    """Every language the `mnemonic` package ships, loaded once per process."""
    return tuple(_load(language) for language in sorted(Mnemonic.list_languages()))


@functools.cache
def lists_by_key() -> dict[str, tuple[int, ...]]:
    """Each key of any wordlist: the numbers (in wordlists() order) of the lists holding it."""
    found: dict[str, list[int]] = {}
    for number, wordlist in enumerate(wordlists()):
        for key in wordlist.index:
            found.setdefault(key, []).append(number)
    return {key: tuple(numbers) for key, numbers in found.items()}


def _load(language: str) -> Wordlist:
    words = tuple(Mnemonic(language).wordlist)
    index: dict[str, int] = {}
    for position, word in enumerate(words):
        index.setdefault(word_key(word), position)
    typo_index: dict[str, int] = {}
    prefix_index: dict[str, int] = {}
    if language not in CJK_LANGUAGES:
        for key, position in index.items():
            for variant in deletions(key) if len(key) >= 4 else ():
                typo_index.setdefault(variant, position)
            prefix_index.setdefault(key[:4], position)
    return Wordlist(language, words, index, typo_index, prefix_index)


def _has_latin(text: str) -> bool:
    return any("LATIN" in unicodedata.name(char, "") for char in text if char.isalpha())


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
