"""The literal prefilter of long alternations (support/text/prefilter.py): every match is the
pattern's own, on generated texts built from the urgency patterns' own words and on the
corpora, and a pattern it cannot read safely is left as it is."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.text import entities, urgency
from support.text.features import fold, normalise
from support.text.prefilter import MIN_CHARS, Prefiltered, prefiltered, top_level_alternatives

ROOT = Path(__file__).resolve().parents[3]
PATTERNS = {
    "incident": urgency.INCIDENT_RE,
    "denial": urgency.DENIAL_RE,
    "settled": urgency.SETTLED_RE,
    "not_by_me": urgency.NOT_BY_ME_RE,
    "network": entities.NETWORK_RE,
}
FILLER = [
    "my withdrawal is stuck since yesterday. ",
    "提币一直没到账，帮我查一下。",
    "출금이 아직 안 됐어요. ",
    "出金がまだ反映されていません。",
    "Hello team, ",
    "\n\n> On Mon, Jan 5 Support wrote:\n> ",
    "0x276d13E60f6f0F7a6134f7621dF862c46a89259A ",
]


def _words(pattern: re.Pattern) -> list[str]:
    """Runs of letters in the pattern's source: the literal words its alternatives need."""
    unescaped = re.sub(r"\\.", " ", pattern.pattern)
    return sorted(set(re.findall(r"[^\W\d_]{2,}", unescaped)))


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match.group()) for match in matches]


def _texts(pattern: re.Pattern):
    words = st.sampled_from(_words(pattern))
    cased = st.builds(lambda word, upper: word.upper() if upper else word, words, st.booleans())
    pieces = st.one_of(cased, st.sampled_from(FILLER), st.text(max_size=12))
    separators = st.sampled_from([" ", "", ", ", "\n", "。", " not ", " never ", "İ", "ı", "K"])
    pair = st.tuples(pieces, separators).map("".join)
    return st.lists(pair, min_size=20, max_size=120).map("".join)


@pytest.mark.parametrize("name", PATTERNS)
def test_the_long_alternations_are_prefiltered(name):
    assert isinstance(PATTERNS[name], Prefiltered)


@pytest.mark.parametrize("name", PATTERNS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_is_the_pattern_s_own_on_generated_texts(name, data):
    """Texts made of the patterns' own words (in either case, with the letters that match
    ASCII ones only case-insensitively between them), filler in our languages and noise."""
    prefilter = PATTERNS[name]
    text = data.draw(_texts(prefilter.pattern))
    for folded in (text, fold(text), normalise(text)):
        assert _spans(prefilter.finditer(folded)) == _spans(prefilter.pattern.finditer(folded))
        expected = prefilter.pattern.search(folded)
        found = prefilter.search(folded)
        assert _spans([found] if found else []) == _spans([expected] if expected else [])


@pytest.mark.parametrize("name", PATTERNS)
def test_every_match_is_the_pattern_s_own_on_the_corpora(name):
    """The analysis training corpus and the Zammad mails, both foldings of each."""
    prefilter = PATTERNS[name]
    texts = [
        json.loads(line).get("text", "")
        for line in (ROOT / "support/text/data/corpus.jsonl").open(encoding="utf-8")
    ]
    texts += [
        path.read_bytes().decode("utf-8", "replace")
        for path in (ROOT / "tests/data/mail/zammad").iterdir()
        if path.is_file()
    ]
    long_ones = 0
    for text in texts:
        for folded in (fold(text), normalise(text)):
            long_ones += len(folded) >= MIN_CHARS
            assert _spans(prefilter.finditer(folded)) == _spans(prefilter.pattern.finditer(folded))
    assert long_ones > 200  # the prefilter itself was exercised, not only the short path


def test_letters_that_match_ascii_only_ignoring_case_are_not_missed():
    """The dotted and dotless i, the Kelvin sign and the long s match i, k and s when case is
    ignored; the literals are compared with them folded."""
    pattern = prefiltered(re.compile(r"\bhacked\b|\bstolen\b|\bkeys? taken\b", re.IGNORECASE))
    padding = "nothing to see here. " * 20
    for word in ("hacKed", "ſtolen", "HACKED", "keys taKen", "hİcked", "hıcked"):
        text = padding + word + padding
        assert _spans(pattern.finditer(text)) == _spans(pattern.pattern.finditer(text))
    assert pattern.search(padding + "hacKed") is not None


def test_the_earliest_alternative_wins_a_tie_and_matches_do_not_overlap():
    pattern = prefiltered(re.compile(r"stolen funds|stolen|funds gone|len f"))
    text = "x" * MIN_CHARS + " stolen funds gone, stolen, funds gone"
    assert _spans(pattern.finditer(text)) == _spans(pattern.pattern.finditer(text))
    assert [match.group() for match in pattern.finditer(text)] == [
        "stolen funds",
        "stolen",
        "funds gone",
    ]


@pytest.mark.parametrize(
    "source, flags",
    [
        (r"(a)b|c", 0),  # a group: the alternatives would renumber it
        (r"a|b?", 0),  # an alternative that may match nothing
        ("a # one\n| b", re.VERBOSE),
        (r"a(?#x|y)|b", 0),
        (r"abc", 0),  # no alternation
    ],
)
def test_patterns_it_cannot_read_safely_are_kept_as_they_are(source, flags):
    pattern = re.compile(source, flags)
    assert prefiltered(pattern) is pattern


def test_the_top_level_alternatives_are_split_as_the_engine_reads_them():
    assert top_level_alternatives(r"a|(?:b|c)|[|]|\||[]|]|[^]|]x") == [
        "a",
        "(?:b|c)",
        "[|]",
        r"\|",
        "[]|]",
        "[^]|]x",
    ]
    assert top_level_alternatives("a|(b") is None
