"""Measure support.text against labelled samples (never trained on).

    .venv/bin/python bench/text_quality.py [--classify FILE] [--secrets FILE] [--errors]
        [--split tune|held|check]

classify FILE: {"text", "lang", "category", "sentiment", "urgent"} per line (a line with
"lang": "mixed" or "mixed": true is right when the answer is one of the languages whose
script the message uses). A set may leave labels out (category-fresh.jsonl has no sentiment,
urgency-fresh.jsonl only `urgent`): each figure is measured on the lines that carry its label,
and a figure no line carries is not reported.
secrets FILE: {"text", "lang", "kind", "secret"} per line (`kind` "none": no secret).

The independent sets (bench/data/text-eval.jsonl, secrets-eval.jsonl) put each line in a
`split`: choose changes on `--split tune` and report `--split held`, run once after the last
change. Lines without a `split` (the shared dev sets) belong to both. The fresh sets
(chat-fresh, category-fresh) call their second half `check`: it is counted, never read.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from support.text import analyze, detect_language, redact  # noqa: E402
from support.text.language import HAN_RE, HANGUL_RE, KANA_RE  # noqa: E402

TARGETS = {
    "category_accuracy": 0.85,
    "category_macro_f1": 0.80,
    "urgent_recall": 0.97,
    "urgent_precision": 0.80,
    "negative_recall": 0.90,
    "negative_precision": 0.85,
    "language_accuracy": 0.97,
    "seed_key_recall": 1.0,
    "password_recall": 0.90,
    "false_redaction_rate": 0.02,  # at most
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--classify", type=Path, default=ROOT / "bench/data/classify-dev.jsonl")
    parser.add_argument("--secrets", type=Path, default=ROOT / "bench/data/secrets-dev.jsonl")
    parser.add_argument("--errors", action="store_true", help="print each miss")
    parser.add_argument(
        "--split", choices=("tune", "held", "check"), help="keep one half of a split set"
    )
    args = parser.parse_args()
    results = classify_quality(read(args.classify, args.split), show=args.errors)
    results |= secrets_quality(read(args.secrets, args.split), show=args.errors)
    for name, value in results.items():
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            met = value <= target if name == "false_redaction_rate" else value >= target
            verdict = f"  (target {target}: {'met' if met else 'MISSED'})"
        print(f"{name:28} {value:.3f}{verdict}")


def read(path: Path, split: str | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if split is None or row.get("split", split) == split]


def classify_quality(rows: list[dict], *, show: bool) -> dict[str, float]:
    pairs, urgent, negative, language_hits = [], [], [], 0
    for row in rows:
        result = analyze(row["text"])
        wrong = []
        if "category" in row:
            pairs.append((row["category"], result.category))
            wrong.append(row["category"] != result.category)
        if "urgent" in row:
            urgent.append((row["urgent"], result.urgent))
            wrong.append(row["urgent"] != result.urgent)
        if show and any(wrong):
            print(
                f"  category {row.get('category')}->{result.category} urgent {row.get('urgent')}->"
                f"{result.urgent} ({result.category_confidence}) {row['text'][:80]}"
            )
        if "sentiment" in row:
            gold, guess = row["sentiment"] == "negative", result.sentiment == "negative"
            negative.append((gold, guess))
            if show and gold != guess:
                print(f"  sentiment {row['sentiment']}->{result.sentiment} {row['text'][:80]}")
        language_ok = language_matches(row, result.language)
        language_hits += language_ok
        if show and not language_ok:
            print(f"  language {row['lang']}->{result.language} {row['text'][:80]}")
    figures = {}
    if pairs:
        figures["category_accuracy"] = sum(gold == guess for gold, guess in pairs) / len(pairs)
        figures["category_macro_f1"] = macro_f1(pairs)
    if urgent:
        figures["urgent_recall"] = recall(urgent)
        figures["urgent_precision"] = precision(urgent)
    if negative:
        figures["negative_recall"] = recall(negative)
        figures["negative_precision"] = precision(negative)
    figures["language_accuracy"] = language_hits / len(rows)
    return figures


def language_matches(row: dict, language: str) -> bool:
    if row["lang"] != "mixed" and not row.get("mixed"):
        return row["lang"] == language
    present = {"en"}
    if HANGUL_RE.search(row["text"]):
        present.add("ko")
    if KANA_RE.search(row["text"]):
        present.add("ja")
    if HAN_RE.search(row["text"]):
        present |= {"zh-hans", "zh-hant"}
    return language in present


def secrets_quality(rows: list[dict], *, show: bool) -> dict[str, float]:
    key_hits = key_total = password_hits = password_total = false_redactions = clean = 0
    intact = with_secret = 0
    for row in rows:
        redacted, kinds = redact(row["text"], lang=detect_language(row["text"]))
        if row["kind"] == "none":
            clean += 1
            false_redactions += redacted != row["text"]
            if show and redacted != row["text"]:
                print(f"  wrongly redacted: {redacted[:100]!r}")
            continue
        with_secret += 1
        removed = row["secret"] not in redacted and bool(kinds)
        if row["kind"] == "password":
            password_total += 1
            password_hits += removed
        else:
            key_total += 1
            key_hits += removed
        before, _, after = row["text"].partition(row["secret"])
        unchanged = redacted.startswith(before) and redacted.endswith(after)
        intact += unchanged
        if show and not (removed and unchanged):
            print(
                f"  {row['kind']} removed={removed} rest_unchanged={unchanged}: {redacted[:100]!r}"
            )
    return {
        "seed_key_recall": key_hits / max(key_total, 1),
        "password_recall": password_hits / max(password_total, 1),
        "false_redaction_rate": false_redactions / max(clean, 1),
        "remaining_text_unchanged": intact / max(with_secret, 1),
    }


def recall(pairs: list[tuple[bool, bool]]) -> float:
    positives = [guess for gold, guess in pairs if gold]
    return sum(positives) / len(positives) if positives else 1.0


def precision(pairs: list[tuple[bool, bool]]) -> float:
    predicted = [gold for gold, guess in pairs if guess]
    return sum(predicted) / len(predicted) if predicted else 1.0


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = sorted({gold for gold, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for gold, guess in pairs if gold == label and guess == label)
        fp = sum(1 for gold, guess in pairs if gold != label and guess == label)
        fn = sum(1 for gold, guess in pairs if gold == label and guess != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


if __name__ == "__main__":
    main()
