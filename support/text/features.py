"""The features the classifiers see: the same function at training and at prediction time.

Text is folded first (NFKC, lower case, traditional to simplified, identifiers and numbers to
placeholders), then described by Latin words and word pairs, character 3-5-grams inside Latin
words (typos still share most of them), character 1-3-grams of CJK runs (no segmenter needed, and
Korean particles do not hide stems), and one feature per hand-kept keyword list (lexicon.py).
"""

import functools
import re
import unicodedata

from support.text.cantonese import to_mandarin
from support.text.cleaning import analysis_view
from support.text.language import to_simplified
from support.text.lexicon import ANGER_CUES, CATEGORY_KEYWORDS, NEGATIVE_CUES, POSITIVE_CUES

HEX_RE = re.compile(r"(?<![a-z0-9])(?:0x)?[0-9a-f]{24,}(?![a-z0-9])")
LONG_ID_RE = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{20,}(?![a-z0-9])")
DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
LATIN_WORD_RE = re.compile(r"[a-z][a-z0-9'+-]*")
HANGUL_WORD_RE = re.compile(r"[\uac00-\ud7af]+")
CJK_RUN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


# analyze() reads each message's folding several times (features, incidents, urgency): the last
# few are kept, so each is made once.
@functools.lru_cache(maxsize=4)
def fold(text: str) -> str:
    """The bounded analysis view, NFKC-normalised and lower case."""
    return unicodedata.normalize("NFKC", analysis_view(text)).lower()


@functools.lru_cache(maxsize=4)
def normalise(text: str) -> str:
    """fold() with written Cantonese read as Mandarin, traditional Chinese simplified, and
    identifiers and numbers as placeholders."""
    folded = to_mandarin(fold(text))
    folded = HEX_RE.sub(" hexid ", folded)
    folded = LONG_ID_RE.sub(" longid ", folded)
    return DIGITS_RE.sub("0", folded)


def features(text: str) -> list[str]:
    """The sorted, distinct feature names of `text`."""
    folded = normalise(text)
    found: set[str] = set()
    words = LATIN_WORD_RE.findall(folded)
    for word in set(words):
        found.update(_word_features(word))
    found.update(f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    for run in set(CJK_RUN_RE.findall(folded)):
        found.update(_run_features(run))
    # Whole Korean words and their two-syllable stems (particles vary: 출금이, 출금을, 출금은).
    for word in HANGUL_WORD_RE.findall(folded):
        found.update((f"k:{word}", f"k:{word[:2]}"))
    found.update(lexicon_features(folded))
    return sorted(found)


# A word's or a CJK run's features are the same in every message: the commonest are kept (each
# distinct one is described once per message, and most are described before).
@functools.lru_cache(maxsize=16384)
def _word_features(word: str) -> tuple[str, ...]:
    """The word and its character 3-5-grams, padded with a space on each side."""
    padded = f" {word} "
    grams = (padded[i : i + size] for size in (3, 4, 5) for i in range(len(padded) - size + 1))
    return (f"w:{word}", *(f"n:{gram}" for gram in grams))


@functools.lru_cache(maxsize=16384)
def _run_features(run: str) -> tuple[str, ...]:
    """The character 1-3-grams of a run of CJK characters."""
    grams = (run[i : i + size] for size in (1, 2, 3) for i in range(len(run) - size + 1))
    return tuple(f"c:{gram}" for gram in grams)


def lexicon_features(folded: str) -> list[str]:
    names = [
        f"kw:{category}" for category, pattern in _keyword_patterns() if pattern.search(folded)
    ]
    negative = count_cues(folded, NEGATIVE_CUES)
    names += ["lex:neg"] * (negative > 0) + ["lex:neg2"] * (negative > 1)
    names += ["lex:neg4"] * (negative > 3)
    names += ["lex:pos"] * (count_cues(folded, POSITIVE_CUES) > 0)
    names += ["lex:anger"] * (count_cues(folded, ANGER_CUES) > 0)
    names += ["p:?"] * ("?" in folded) + ["p:!"] * ("!" in folded)
    return names


def count_cues(folded: str, cues: tuple[str, ...]) -> int:
    return len(_cue_pattern(cues).findall(folded))


@functools.cache
def _keyword_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (category, _cue_pattern(keywords)) for category, keywords in CATEGORY_KEYWORDS.items()
    )


@functools.cache
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """The longest of `cues` at each place, Latin ones at word starts only.

    Written as a trie (`ab(?:c|d)?` for ab, abc, abd), not one alternative per cue: the regex
    engine tries the alternatives one by one at every character, so a list of hundreds cost
    about 15 times as much (0.5 of a message's few milliseconds), for the same matches. The
    word-start check follows the first character (`(?<![a-z0-9].)`), so every alternative
    begins with a literal the engine can scan for."""
    trie: dict = {}
    for cue in {to_simplified(cue.lower()) for cue in cues}:
        node = trie
        for char in cue:
            node = node.setdefault(char, {})
        node[""] = {}  # a cue ends here
    heads = []
    for char, rest in trie.items():
        word_start = r"(?<![a-z0-9].)" if char.isascii() and char.isalnum() else ""
        heads.append(re.escape(char) + word_start + _trie_rest(rest))
    return re.compile("|".join(heads), re.DOTALL)


def _trie_rest(node: dict) -> str:
    """The pattern of a trie node's continuations, longer first (greedy): the longest cue."""
    branches = [re.escape(char) + _trie_rest(rest) for char, rest in node.items() if char]
    if not branches:
        return ""
    if "" in node:
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
