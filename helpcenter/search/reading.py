"""Japanese readings: what a reader who types only hiragana can be matched against.

Customers on a phone often leave a query unconverted: かおにんしょうがおわらない for
顔認証が終わらない, ぱすわーどわすれた for パスワード忘れた. Neither shares a character with
the article. So each Japanese document also carries the bigrams of its reading in hiragana
(words read by MeCab with the UniDic dictionary through fugashi, katakana turned into
hiragana), and a query written
in hiragana alone is cut into the same bigrams (`analysis.terms`). Other queries
never produce hiragana bigrams (they are grammar there), so their scores are unchanged.

MeCab reads a sentence as words in context (動き方 is うごきかた, not うごきほう) at about
6 ms per article; the dictionary is memory-mapped (~12 MB resident) and opened once per
process that indexes Japanese text, never by one that only searches.
"""

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import fugashi

READING_RUN = re.compile(r"[\u3041-\u3096ー]+")
HIRAGANA = re.compile(r"[\u3041-\u3096]")
KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANJI_OR_KATAKANA = re.compile(rf"[{KANJI}\u30a1-\u30fa\u31f0-\u31ff]")


KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


@cache
def _tagger() -> "fugashi.Tagger":
    import fugashi  # its dictionary is opened only by a process that indexes Japanese

    return fugashi.Tagger()


def in_hiragana(text: str) -> bool:
    """Japanese written in hiragana alone (Latin letters and digits may be mixed in)."""
    return HIRAGANA.search(text) is not None and KANJI_OR_KATAKANA.search(text) is None


def reading(text: str) -> str:
    """The text with its kanji and katakana read in hiragana (what is not Japanese stays)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.strip():
        return ""
    return "".join(_word_reading(word) for word in _tagger()(text)).translate(KATAKANA_TO_HIRAGANA)


def _word_reading(word) -> str:
    """A word's reading with the space before it; a word the dictionary does not know
    (Latin, digits, new katakana words) is read as written."""
    kana = word.feature.kana
    return word.white_space + (kana if kana and kana != "*" else word.surface)


def reading_bigrams(text: str) -> list[str]:
    """The hiragana bigrams of the text's reading, run by run."""
    return hiragana_bigrams(reading(text))


def hiragana_bigrams(text: str) -> list[str]:
    """The bigrams of each run of hiragana (and the long-vowel mark ー) in the text."""
    return [run[i : i + 2] for run in READING_RUN.findall(text) for i in range(len(run) - 1)]
