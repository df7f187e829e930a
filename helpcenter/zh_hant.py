"""Simplified Chinese → Traditional Chinese as written in Taiwan, for help-center text that
has no human translation yet.

Three steps:
1. OpenCC `s2twp` converts characters and many phrases.
2. Our phrase table (`data/zh_hant_phrases.tsv`) corrects what OpenCC gets wrong in an
   exchange's help center: wrong senses (注销账户 → 登出賬戶, "log out", instead of 關閉帳戶;
   审核 → 稽核, "audit") and mainland wording it leaves alone (郵箱, 谷歌, 渠道). Matched on
   OpenCC's output in one pass, longest phrase first, so a longer row wins over a shorter one
   at the same place (and a row whose right equals its wrong keeps a phrase out of a shorter
   row's reach).
3. Taiwan quotation marks: “” → 「」 and ‘’ → 『』 around Chinese text; quotes in Latin text,
   code and URLs stay as they are.

The table is tab-separated with the columns wrong, right, note; lines starting with `#` are
headings for people.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

PHRASES = Path(__file__).resolve().parent / "data" / "zh_hant_phrases.tsv"

# Han characters, CJK punctuation (、。「」…) and full-width forms (，：？（）).
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_CHAR = re.compile(f"[{CJK}]")
# Left exactly as written: fenced code, inline code, URLs.
UNTOUCHED = re.compile(r"```.*?```|`[^`\n]*`|https?://[^\s<>()\[\]]+", re.S)
DOUBLE_PAIR = re.compile(r"“([^“”\n]*)”")
SINGLE_PAIR = re.compile(r"‘([^‘’\n]*)’")
# A quote whose partner was cut off (a snippet ends in the middle of a quotation).
LONE_OPENING = re.compile(f"[“‘](?=[{CJK}])")
LONE_CLOSING = re.compile(f"(?<=[{CJK}])[”’]")
TAIWAN_QUOTE = {"“": "「", "”": "」", "‘": "『", "’": "』"}


@dataclass(frozen=True)
class Phrase:
    wrong: str  # as OpenCC s2twp writes it
    right: str  # as a Taiwanese editor writes it
    note: str  # why


def to_traditional(text: str) -> str:
    """`text` in Simplified Chinese, as Traditional Chinese the way Taiwan writes it."""
    return taiwan_quotes(apply_phrases(_s2twp().convert(text)))


@cache
def _s2twp() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp")


@cache
def phrases() -> tuple[Phrase, ...]:
    """The phrase table's rows, in file order."""
    lines = PHRASES.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(Phrase(row["wrong"], row["right"], row["note"]) for row in reader)


@cache
def _phrase_matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    right_for = {phrase.wrong: phrase.right for phrase in phrases()}
    longest_first = sorted(right_for, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first))), right_for


def apply_phrases(text: str) -> str:
    """OpenCC's output with the phrase table's corrections."""
    pattern, right_for = _phrase_matcher()
    return pattern.sub(lambda match: right_for[match.group()], text)


def taiwan_quotes(text: str) -> str:
    """“” → 「」 and ‘’ → 『』 around Chinese text, outside code and URLs."""
    pieces: list[str] = []
    start = 0
    for match in UNTOUCHED.finditer(text):
        pieces += [_requote(text[start : match.start()]), match.group()]
        start = match.end()
    pieces.append(_requote(text[start:]))
    return "".join(pieces)


def _requote(text: str) -> str:
    text = _requote_pairs(SINGLE_PAIR, text)
    text = _requote_pairs(DOUBLE_PAIR, text)
    swap = lambda match: TAIWAN_QUOTE[match.group()]  # noqa: E731
    return LONE_CLOSING.sub(swap, LONE_OPENING.sub(swap, text))


def _requote_pairs(pair: re.Pattern[str], text: str) -> str:
    """Each quotation whose words, or the characters just outside it, are Chinese."""

    def requote(match: re.Match[str]) -> str:
        outside = text[match.start() - 1 : match.start()] + text[match.end() : match.end() + 1]
        if not CJK_CHAR.search(match.group(1) + outside):
            return match.group()
        opening, closing = match.group()[0], match.group()[-1]
        return TAIWAN_QUOTE[opening] + match.group(1) + TAIWAN_QUOTE[closing]

    return pair.sub(requote, text)
