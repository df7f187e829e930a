"""Find BIP39 seed phrases (12-24 words of any wordlist language) in a customer's message.

A normal English sentence is often made of BIP39 words too, so a run of wordlist words is only a
seed phrase when something else says so: a valid BIP39 checksum, words like "seed phrase" or
"助记词" nearby, a list layout (numbering, one word per line, commas, ideographic spaces), a
CJK wordlist (nobody writes Chinese one character at a time), or words too rare for a sentence.
The checksum is a strong signal but never required: customers mistype.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from support.text.cleaning import INVISIBLE_CHARS
from support.text.common_words import COMMON_ENGLISH
from support.text.wordlists import Wordlist, deletions, lists_by_key, word_key, wordlists

MIN_WORDS = 12
MIN_PARTIAL_WORDS = 10  # a phrase missing words or with a bad typo, next to seed-phrase words
MAX_CHECKSUM_RUN = 48
VALID_LENGTHS = (24, 21, 18, 15, 12)
_MARKS = rf"\u0300-\u036f\u3099\u309a{INVISIBLE_CHARS}"
# Words of one script each: "助记词abandon" is two tokens, so a phrase glued to the words
# before it is still found.
TOKEN_RE = re.compile(
    rf"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][A-Za-z\u00c0-\u024f\u1e00-\u1eff{_MARKS}]*"
    rf"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff][\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff{_MARKS}]*"
    rf"|[\uac00-\ud7af][\uac00-\ud7af{_MARKS}]*"
    rf"|(?:[^\W\d_]|[{_MARKS}])+"
)
HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
# What links a seed-phrase word to the phrase glued to it: 助记词是…, 助記詞為…, 助记词如下…
LINK_RE = re.compile(r"[词詞语語]{0,2}(?:就是|如下|分别是|分別是|是|为|為|叫)?")
CHINESE_LISTS = ("chinese_simplified", "chinese_traditional")
# What may stand between two words of one phrase: spaces (incl. ideographic), list punctuation,
# quotes, brackets, "?" for a word the customer is unsure of, and numbering ("1.", "2)", "(3)").
SEPARATOR_RE = re.compile(
    r"(?:[\s,，、;；|/·•*\-–—_\"'“”‘’()\[\]（）「」#?？…]|(?<!\d)\d{1,2}(?!\d)[.)\]:：、．]?)*"
)
CONTEXT_RE = re.compile(
    r"seed|mnemonic|recovery|backup|secret|phrase|12 words|24 words|wallet words|"
    r"助记词|助記詞|种子|種子|恢复|恢復|复原|復原|备份|備份|"
    r"시드|니모닉|복구|문구|구문|백업|"
    r"シード|ニーモニック|復元|リカバリー|フレーズ|秘密の言葉",
    re.IGNORECASE,
)
LINE_LIMIT = 100
CONTEXT_BEFORE = 300
CONTEXT_AFTER = 150


class Token(NamedTuple):  # a long text has tens of thousands: a tuple is made fastest
    start: int
    end: int
    key: str


@dataclass(frozen=True)
class Run:
    tokens: tuple[Token, ...]
    word_positions: tuple[int | None, ...]  # wordlist index per token; None for a stray token


def find_seed_phrases(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the seed phrases in `text`, sorted, not overlapping."""
    spans = _unseparated_chinese(text)
    tokens = [Token(m.start(), m.end(), word_key(m.group())) for m in TOKEN_RE.finditer(text)]
    if len(tokens) < MIN_PARTIAL_WORDS - 3:  # too few words for a phrase: no wordlist loaded
        return _merge(spans)
    for wordlist in _wordlists_with_enough_words(tokens):
        for run in _runs(text=text, tokens=tokens, wordlist=wordlist):
            span = _seed_span(text=text, run=run, wordlist=wordlist)
            if span:
                spans.append(span)
    return _merge(spans)


def _wordlists_with_enough_words(tokens: list[Token]) -> list[Wordlist]:
    """The wordlists holding enough of the tokens for a phrase, counted in one pass over the
    tokens (a long text's tokens looked up in each of the ten lists was most of its cost)."""
    by_key = lists_by_key()
    found = Counter(number for token in tokens for number in by_key.get(token.key, ()))
    enough = MIN_PARTIAL_WORDS - 3
    return [wordlist for number, wordlist in enumerate(wordlists()) if found[number] >= enough]


def _unseparated_chinese(text: str) -> list[tuple[int, int]]:
    """'助记词：坯昂过戏拖言莲栽某睡邀归': 12-24 wordlist characters written without spaces count
    only with a valid checksum right after seed-phrase words, since ordinary Chinese is made
    of the same common characters. Glued to those words ('我的助记词是坯昂…归') the phrase
    starts where they end, after a linking word (是, 为, 如下…)."""
    spans = []
    for match in HAN_RUN_RE.finditer(text):
        run = match.group()
        if (
            len(run) in VALID_LENGTHS
            and CONTEXT_RE.search(text, max(0, match.start() - 30), match.start())
            and _chinese_checksum_valid(run)
        ):
            spans.append(match.span())
            continue
        if len(run) > MIN_WORDS:
            span = _glued_chinese(text, match.start(), match.end())
            if span:
                spans.append(span)
    return spans


def _glued_chinese(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The phrase right after the last seed-phrase word inside a run of Han characters, as
    long as a valid length with a valid checksum allows (the longest first)."""
    labels = list(CONTEXT_RE.finditer(text, start, end))
    if not labels:
        return None
    begin = labels[-1].end()
    begin += len(LINK_RE.match(text, begin, end).group())
    for length in VALID_LENGTHS:
        if begin + length <= end and _chinese_checksum_valid(text[begin : begin + length]):
            return begin, begin + length
    return None


def _chinese_checksum_valid(chars: str) -> bool:
    for wordlist in (w for w in wordlists() if w.language in CHINESE_LISTS):
        positions = [wordlist.index.get(char) for char in chars]
        if None not in positions and checksum_valid(positions):  # type: ignore[arg-type]
            return True
    return False


def _runs(*, text: str, tokens: list[Token], wordlist: Wordlist) -> list[Run]:
    """Runs of 12+ tokens of `wordlist`, joined only by separators, with at most one stray
    token (not a wordlist word, not one typo away) between two words."""
    positions = [wordlist.index.get(token.key) for token in tokens]
    if sum(1 for position in positions if position is not None) < MIN_PARTIAL_WORDS - 3:
        return []
    runs: list[Run] = []
    current: list[int] = []  # token numbers of the run being built
    latin = wordlist.latin
    for number, token in enumerate(tokens):
        if current and not SEPARATOR_RE.fullmatch(text, tokens[current[-1]].end, token.start):
            runs += _close(current, positions, tokens)
            current = []
        if positions[number] is None and latin and current:
            positions[number] = _typo_position(token.key, wordlist)
        if positions[number] is not None or (current and positions[current[-1]] is not None):
            current.append(number)
        elif current:
            runs += _close(current, positions, tokens)
            current = []
    return runs + _close(current, positions, tokens)


def _close(members: list[int], positions: list[int | None], tokens: list[Token]) -> list[Run]:
    if members and positions[members[-1]] is None:
        members = members[:-1]  # a run ends on a word, not on a stray token
    if len(members) < MIN_PARTIAL_WORDS:
        return []
    return [Run(tuple(tokens[n] for n in members), tuple(positions[n] for n in members))]


def _typo_position(key: str, wordlist: Wordlist) -> int | None:
    """The wordlist index of a word one typo away from `key` (4+ letters), or a 4-letter prefix."""
    if len(key) < 4 or not key.isalpha():
        return None
    if len(key) == 4 and key in wordlist.prefix_index:
        return wordlist.prefix_index[key]
    if key in wordlist.typo_index:
        return wordlist.typo_index[key]
    for variant in deletions(key):
        position = wordlist.index.get(variant, wordlist.typo_index.get(variant))
        if position is not None:
            return position
    return None


def _seed_span(*, text: str, run: Run, wordlist: Wordlist) -> tuple[int, int] | None:
    gaps = [text[a.end : b.start] for a, b in zip(run.tokens, run.tokens[1:], strict=False)]
    tokens, positions = _trim_to_layout(text=text, run=run, gaps=gaps)
    words = [position for position in positions if position is not None]
    strays = len(positions) - len(words)
    if len(words) < MIN_PARTIAL_WORDS or strays * 5 > len(words):
        return None
    partial = len(positions) < MIN_WORDS  # 10-11 words: part of a phrase, still a secret
    span = (tokens[0].start, tokens[-1].end)
    windows = _checksum_windows(positions) if len(positions) <= MAX_CHECKSUM_RUN else []
    longest = max((end - start for start, end in windows), default=0)
    whole_window = bool(windows) and len(positions) - longest <= 3
    window_span = None
    if windows:
        # Every valid window, not the first: a word before the phrase makes a valid window
        # by chance (1 in 16 for 12 words), and narrowing to it alone leaks the phrase's end.
        first, last = min(start for start, _ in windows), max(end for _, end in windows)
        window_span = (tokens[first].start, tokens[last - 1].end)
        if whole_window:
            span = window_span
    common = _common_share(tokens)
    laid_out = _is_list_layout(gaps)
    has_context = bool(
        CONTEXT_RE.search(text, max(0, span[0] - CONTEXT_BEFORE), span[1] + CONTEXT_AFTER)
    )
    if partial:
        return span if common < 0.3 or ((has_context or laid_out) and common < 0.5) else None
    if not wordlist.latin:
        return span
    if common < 0.5 or ((has_context or laid_out) and common < 0.75):
        return span
    # A valid checksum over 12+ wordlist words in a row is judged by those words alone, not
    # by the sentence around them ("…typed <phrase> into a site", "<phrase> and then my
    # balance was gone"). Random BIP39 words are "common" English 13 % of the time: 12 of
    # them reach 75 % with probability 0.0001 %; and no sentence is 12 wordlist words in a
    # row with a valid checksum (the wordlist has no "the", "to", "of", "and", "is", "I").
    if window_span and _common_share(tokens[first:last]) < 0.75:
        return window_span
    return None


def _common_share(tokens: list[Token]) -> float:
    return sum(1 for token in tokens if token.key in COMMON_ENGLISH) / len(tokens)


def _trim_to_layout(
    *, text: str, run: Run, gaps: list[str]
) -> tuple[list[Token], list[int | None]]:
    """Drop the words of the surrounding sentence from a numbered or one-per-line list."""
    tokens, positions = list(run.tokens), list(run.word_positions)
    lead = text[max(0, tokens[0].start - 6) : tokens[0].start]
    numbered = [i for i, gap in enumerate([lead] + gaps) if _numbered(gap)]
    alone = [i for i, token in enumerate(tokens) if _alone_on_line(text, token)]
    if alone:
        # "phrase: word1\nword2\n…": the first word shares its line with the words before it.
        first, last = alone[0], alone[-1]
        if first > 0 and "\n" in gaps[first - 1]:
            alone.insert(0, first - 1)
        if last < len(gaps) and "\n" in gaps[last]:
            alone.append(last + 1)
    for keep in (numbered, alone):
        kept = positions[keep[0] : keep[-1] + 1] if keep else []
        if sum(1 for position in kept if position is not None) >= MIN_WORDS:
            return tokens[keep[0] : keep[-1] + 1], kept
    return tokens, positions


def _alone_on_line(text: str, token: Token) -> bool:
    """Whether only separators share the token's line (a line of 100+ characters never does)."""
    before = text[max(0, token.start - LINE_LIMIT) : token.start]
    after = text[token.end : token.end + LINE_LIMIT]
    if "\n" not in before and token.start > LINE_LIMIT:
        return False
    if "\n" not in after and token.end + LINE_LIMIT < len(text):
        return False
    line_before = before.rpartition("\n")[2]
    line_after = after.partition("\n")[0]
    return bool(SEPARATOR_RE.fullmatch(line_before) and SEPARATOR_RE.fullmatch(line_after))


def _is_list_layout(gaps: list[str]) -> bool:
    marks = ("\n", ",", "，", "、", "\u3000")
    listed = sum(1 for gap in gaps if any(mark in gap for mark in marks) or _numbered(gap))
    return listed >= min(len(gaps), MIN_WORDS - 1) * 0.75


def _numbered(gap: str) -> bool:
    return any(char.isdigit() for char in gap)


def _checksum_windows(positions: list[int | None]) -> list[tuple[int, int]]:
    """Every window (start, end) of wordlist words whose BIP39 checksum is valid."""
    return [
        (start, start + size)
        for size in VALID_LENGTHS
        for start in range(0, len(positions) - size + 1)
        if None not in positions[start : start + size]
        and checksum_valid(positions[start : start + size])  # type: ignore[arg-type]
    ]


def checksum_valid(positions: list[int]) -> bool:
    """BIP39: the last bits of the word indices are the first bits of SHA-256(entropy)."""
    if len(positions) not in VALID_LENGTHS:
        return False
    bits = 0
    for position in positions:
        bits = (bits << 11) | position
    total = len(positions) * 11
    checksum_bits = total // 33
    entropy_bits = total - checksum_bits
    entropy = (bits >> checksum_bits).to_bytes(entropy_bits // 8, "big")
    expected = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    return bits & ((1 << checksum_bits) - 1) == expected


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
