"""Japanese readings: what a reader who types only hiragana can be matched against.

Customers on a phone often leave a query unconverted: かおにんしょうがおわらない for
顔認証が終わらない, ぱすわーどわすれた for パスワード忘れた. Neither shares a character with
the article. So each Japanese document also carries the bigrams of its reading in hiragana
(kanji read with pykakasi's dictionary, katakana turned into hiragana), and a query written
in hiragana alone is cut into the same bigrams (`analysis.terms`). Other queries
never produce hiragana bigrams (they are grammar there), so their scores are unchanged.

The dictionary takes a few seconds and about 100 MB to load, once per process that indexes
Japanese text (never one that only searches).
"""

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pykakasi

READING_RUN = re.compile(r"[\u3041-\u3096ー]+")
HIRAGANA = re.compile(r"[\u3041-\u3096]")
KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANJI_OR_KATAKANA = re.compile(rf"[{KANJI}\u30a1-\u30fa\u31f0-\u31ff]")


@cache
def _kakasi() -> "pykakasi.kakasi":
    import pykakasi  # its dictionary is loaded only by a process that indexes Japanese

    return pykakasi.kakasi()


def in_hiragana(text: str) -> bool:
    """Japanese written in hiragana alone (Latin letters and digits may be mixed in)."""
    return HIRAGANA.search(text) is not None and KANJI_OR_KATAKANA.search(text) is None


def reading(text: str) -> str:
    """The text with its kanji and katakana read in hiragana (what is not Japanese stays)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.strip():
        return ""
    return "".join(part["hira"] for part in _kakasi().convert(text))


def reading_bigrams(text: str) -> list[str]:
    """The hiragana bigrams of the text's reading, run by run."""
    return hiragana_bigrams(reading(text))


def hiragana_bigrams(text: str) -> list[str]:
    """The bigrams of each run of hiragana (and the long-vowel mark ー) in the text."""
    return [run[i : i + 2] for run in READING_RUN.findall(text) for i in range(len(run) - 1)]
