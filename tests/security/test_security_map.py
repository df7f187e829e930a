"""docs/security.md stays honest: every case of the attack and fault list appears once, each is
covered by a test, an open issue or a benchmark, and every test it names exists and names the
case in its docstring."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "docs" / "security.md"
CASES = (
    [f"A{n}" for n in range(1, 19)]
    + ["B1", "B2"]
    + [f"B{n}" for n in range(4, 12)]
    + ["C1", "C2", "C4", "C5", "C6", "C7", "C8"]
    + [f"D{n}" for n in range(1, 8)]
    + [f"E{n}" for n in range(1, 5)]
    + [f"F{n}" for n in range(9, 16)]
    + ["G1", "G2", "G3", "G5", "G6", "G7"]
    + [f"H{n}" for n in range(1, 6)]
    + ["I2", "I3", "I5", "I6", "I7", "I8", "I9", "I10", "I11"]
    + [f"J{n}" for n in range(1, 5)]
    + [f"K{n}" for n in range(1, 5)]
)
ROW = re.compile(r"^\| ([A-K]\d+) \| (.+?) \| (.+) \|$", re.MULTILINE)
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
BENCH_REF = re.compile(r"`(bench/[\w/]+\.py)`")
ISSUE = re.compile(r"\bissue \d+\b")
NOT_COVERED = re.compile(r"\bnot covered: .{20,}")
PENDING = re.compile(r"\bpending: ")


def rows() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for case, _text, cover in ROW.findall(MAP.read_text(encoding="utf-8")):
        found.setdefault(case, []).append(cover)
    return found


def docstrings(path: Path) -> dict[str, str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: ast.get_docstring(node) or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_case_appears_exactly_once():
    """Every ID of the list has exactly one row, and no row names an unknown ID."""
    found = rows()

    assert sorted(found) == sorted(CASES)
    assert {case: len(covers) for case, covers in found.items() if len(covers) != 1} == {}


def test_every_case_is_covered_by_a_test_an_issue_or_a_benchmark():
    """No case is left pending: each names a test, an open issue, a benchmark, or says plainly
    why it is not covered."""
    uncovered = [
        case
        for case, (cover,) in rows().items()
        if PENDING.search(cover)
        or not (
            TEST_REF.search(cover)
            or ISSUE.search(cover)
            or BENCH_REF.search(cover)
            or NOT_COVERED.search(cover)
        )
    ]

    assert uncovered == []


def test_every_named_test_exists_and_names_its_case():
    """Each `tests/…::test` in the map exists in the tree and its docstring names the ID; each
    named benchmark exists."""
    problems = []
    for case, (cover,) in rows().items():
        for path, name in TEST_REF.findall(cover):
            if not (ROOT / path).is_file():
                problems.append(f"{case}: no file {path}")
                continue
            doc = docstrings(ROOT / path).get(name)
            if doc is None:
                problems.append(f"{case}: no test {path}::{name}")
            elif not re.search(rf"\b{case}\b", doc):
                problems.append(f"{case}: {path}::{name} does not name {case}")
        for path in BENCH_REF.findall(cover):
            if not (ROOT / path).is_file():
                problems.append(f"{case}: no benchmark {path}")

    assert problems == []
