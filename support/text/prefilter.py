"""Large alternations searched in a fraction of the time, with the same matches.

The urgency patterns are alternations of a hundred and more phrasings, and the regular
expression engine tries every alternative at every character of a text: on an email of a
thousand characters that cost about a millisecond for each folding read. Nearly every
alternative needs some literal text to match ("stolen", "hack", "被盗", "乗っ取"), and a text
holds the literals of only a few of them.

`prefiltered(pattern)` splits the pattern's top-level alternation into its alternatives, works
out from each one's parse the strings one of which every match of it contains, and for each
text searches only the alternatives whose strings it holds. The result is the pattern's own:

- an alternative that cannot match anywhere in a text changes no result when it is left out;
- at each position the whole pattern takes the first alternative, in order, that matches
  there; so the leftmost match among the remaining alternatives, the earliest alternative on
  a tie, is the pattern's match, and finditer goes on from its end as the engine does.

Literals are compared with the text lower-cased for a case-insensitive pattern, after folding
the four characters that match an ASCII letter without being its case pair (İ and ı for i, the
Kelvin sign for k, the long s for s); a cased letter outside ASCII ends a literal, and what no
literal can be told of (classes, repeats that may be absent, lookarounds) asks for nothing.
Patterns this cannot read safely (groups, which the alternatives would renumber; alternatives
that may match nothing; verbose mode; inline comments) are returned as they are. The property
and corpus tests compare every match with the pattern's own (tests/support/text/test_prefilter.py).
"""

import re
from collections.abc import Iterator

try:  # the standard library's parser of patterns (Python 3.11 and later)
    from re import _constants as sre_constants
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover - an older or other Python: patterns kept as they are
    sre_constants = sre_parser = None

# Characters that match an ASCII letter case-insensitively without being its case pair.
CASE_PARTNERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"})
MIN_CHARS = 256  # shorter texts: the pattern itself is as quick as choosing the alternatives


class Prefiltered:
    """`pattern`'s search and finditer through the literal prefilter (see the module)."""

    def __init__(self, pattern: re.Pattern[str], alternatives: list[str], needs: list) -> None:
        self.pattern = pattern
        self.flags = pattern.flags
        self._caseless = bool(pattern.flags & re.IGNORECASE)
        self._alternatives = [re.compile(source, pattern.flags) for source in alternatives]
        self._needs = needs  # per alternative: strings one of which it needs, or None
        self._by_first: dict[str, list[str]] = {}  # every literal, by its first character
        for literal in sorted(set().union(*filter(None, needs))):
            self._by_first.setdefault(literal[0], []).append(literal)
        self._firsts = frozenset(self._by_first)

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        if args or len(text) < MIN_CHARS:
            return self.pattern.search(text, *args)
        return next(self._matches(text), None)

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        if args or len(text) < MIN_CHARS:
            return self.pattern.finditer(text, *args)
        return self._matches(text)

    def _candidates(self, text: str) -> list[re.Pattern[str]]:
        """The alternatives whose literals the text holds (each literal looked for once, and
        only when the text has its first character), and those that need none."""
        probe = text.translate(CASE_PARTNERS).lower() if self._caseless else text
        present = {
            literal
            for first in self._firsts.intersection(probe)
            for literal in self._by_first[first]
            if literal in probe
        }
        return [
            alternative
            for alternative, needs in zip(self._alternatives, self._needs, strict=True)
            if needs is None or not needs.isdisjoint(present)
        ]

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """The leftmost match of the candidates (the earliest candidate on a tie), then the
        next from its end, as the engine runs the whole alternation."""
        candidates = self._candidates(text)
        found = [candidate.search(text) for candidate in candidates]
        position = 0
        while True:
            best = None
            for index, match in enumerate(found):
                if match is not None and match.start() < position:
                    match = found[index] = candidates[index].search(text, position)
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                return
            yield best
            position = best.end()  # never empty: alternatives that may match nothing are refused


def prefiltered(pattern: re.Pattern[str]) -> "re.Pattern[str] | Prefiltered":
    """`pattern` searched through the literal prefilter, or `pattern` itself when it cannot be
    read safely (see the module)."""
    if sre_parser is None or not isinstance(pattern.pattern, str) or pattern.groups:
        return pattern
    if pattern.flags & re.VERBOSE or "(?#" in pattern.pattern:
        return pattern
    alternatives = top_level_alternatives(pattern.pattern)
    if alternatives is None or len(alternatives) < 2:
        return pattern
    caseless = bool(pattern.flags & re.IGNORECASE)
    needs = []
    for source in alternatives:
        try:
            parsed = sre_parser.parse(source, pattern.flags)
        except re.error:
            return pattern
        if parsed.getwidth()[0] == 0:
            return pattern
        needs.append(_needed(parsed.data, caseless))
    return Prefiltered(pattern, alternatives, needs)


def top_level_alternatives(source: str) -> list[str] | None:
    """The alternatives of `source`'s top-level alternation, as written; None when its
    parentheses or classes do not close."""
    pieces, start, depth, index, in_class = [], 0, 0, 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            if source.startswith("^", index):
                index += 1
            if source.startswith("]", index):  # a ']' first in a class is one of its characters
                index += 1
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "|" and depth == 0:
            pieces.append(source[start:index])
            start = index + 1
        index += 1
    if depth or in_class:
        return None
    return [*pieces, source[start:]]


def _needed(items: list, caseless: bool) -> frozenset[str] | None:
    """Strings one of which every match of the parsed sequence `items` contains, or None: of
    the sequence's required parts (literal runs, groups, alternations whose every branch needs
    something, repeats at least once), the one whose shortest string is longest."""
    parts: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        literal = _literal(op, value, caseless)
        if literal is not None:
            run.append(literal)
            continue
        if run:
            parts.append(frozenset(["".join(run)]))
            run = []
        part = _needed_of(op, value, caseless)
        if part is not None:
            parts.append(part)
    if run:
        parts.append(frozenset(["".join(run)]))
    if not parts:
        return None
    return max(parts, key=lambda part: (min(map(len, part)), -len(part)))


def _literal(op: object, value: object, caseless: bool) -> str | None:
    """The character a parsed item matches as the prefilter compares it, or None."""
    if op is not sre_constants.LITERAL:
        return None
    char = chr(value)
    if char.isascii():
        return char.lower() if caseless else char
    if char.lower() == char == char.upper():  # no case: matched as it is
        return char
    return None


def _needed_of(op: object, value: object, caseless: bool) -> frozenset[str] | None:
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, content = value
        if add_flags & re.IGNORECASE and not caseless:
            return None  # case ignored inside only: not compared that way
        return _needed(content.data, caseless)
    if op is sre_constants.ATOMIC_GROUP:
        return _needed(value.data, caseless)
    if op is sre_constants.BRANCH:
        branches = [_needed(branch.data, caseless) for branch in value[1]]
        if any(needs is None for needs in branches):
            return None
        return frozenset().union(*branches)
    repeats = (
        sre_constants.MAX_REPEAT,
        sre_constants.MIN_REPEAT,
        sre_constants.POSSESSIVE_REPEAT,
    )
    if op in repeats:
        least, _most, content = value
        return _needed(content.data, caseless) if least >= 1 else None
    return None  # classes, any character, anchors, lookarounds: nothing required
