"""Measure the bot's handoff decision against labelled samples (measured, never tuned on).

    .venv/bin/python bench/livechat_handoff.py [FILE] [--split tune|held|all] [--errors]

FILE: {"text", "lang", "expect": "bot|handoff|urgent_handoff"} per line, optionally with
"split": "tune|held"; "bot" is right when the bot keeps the chat (answer or clarify). Each
message is the first of a chat (no history); a "mixed" line is run as an English chat.

A set with splits is tuned on its "tune" half only; the "held" half says whether a change
generalises, so it is read, never worked on. `--split` keeps one half (lines without a split
count only under "all"). The report gives every split and every language on its own, then
lists each missed urgent handoff and each false urgent one: a missed incident is the costly
error, a false alarm pulls an agent off the queue.
"""

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from livechat.bot import ANSWER, CLARIFY, decide  # noqa: E402

# Without a migrated help center the bot only clarifies; the handoff decision is what counts.
logging.getLogger("livechat.knowledge").setLevel(logging.CRITICAL)

LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja")
LABELS = ("bot", "handoff", "urgent_handoff")
URGENT = "urgent_handoff"


def outcome(action: str) -> str:
    return "bot" if action in (ANSWER, CLARIFY) else action


def load(path: Path, split: str) -> list[dict]:
    samples = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if split == "all":
        return samples
    return [sample for sample in samples if sample.get("split") == split]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path, nargs="?", default=ROOT / "bench/data/handoff-dev.jsonl")
    parser.add_argument("--split", choices=("tune", "held", "all"), default="all")
    parser.add_argument("--errors", action="store_true", help="print each miss")
    args = parser.parse_args()
    samples = load(args.file, args.split)
    if not samples:
        sys.exit(f"no samples in {args.file} for split {args.split}")
    results = []
    for sample in samples:
        lang = sample["lang"] if sample["lang"] in LANGUAGES else "en"
        got = outcome(decide(sample["text"], lang=lang, history=[]).action)
        results.append((sample, got))
        if args.errors and got != sample["expect"]:
            print(f"MISS expect={sample['expect']} got={got}: {sample['text']}")
    print(f"== {args.file.name}, split {args.split}")
    report(results)
    splits = sorted({sample["split"] for sample, _ in results if "split" in sample})
    if len(splits) > 1:
        for split in splits:
            print(f"\n== split {split}")
            report([(s, got) for s, got in results if s.get("split") == split])
    print()
    by_language(results)
    print()
    urgent_errors(results)


def confusion_of(results: list[tuple[dict, str]]) -> Counter:
    return Counter((sample["expect"], got) for sample, got in results)


def report(results: list[tuple[dict, str]]) -> None:
    confusion = confusion_of(results)
    total = len(results)
    correct = sum(count for (expect, got), count in confusion.items() if expect == got)
    print(f"samples: {total}  accuracy: {correct / total:.3f}")
    for label in LABELS:
        tp = confusion[(label, label)]
        predicted = sum(count for (_, got), count in confusion.items() if got == label)
        actual = sum(count for (expect, _), count in confusion.items() if expect == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        print(f"{label:15} precision {precision:.3f}  recall {recall:.3f}  (n={actual})")
    leaving = sum(c for (e, g), c in confusion.items() if e != "bot" and g == "bot")
    print(f"wanted a person but kept by the bot: {leaving}")


def by_language(results: list[tuple[dict, str]]) -> None:
    """One line per language: the share of each class the bot got right (n in brackets)."""
    print("per language: accuracy, then recall of bot / handoff / urgent_handoff")
    for lang in sorted({sample["lang"] for sample, _ in results}):
        rows = [(s, got) for s, got in results if s["lang"] == lang]
        confusion = confusion_of(rows)
        correct = sum(count for (expect, got), count in confusion.items() if expect == got)
        cells = []
        for label in LABELS:
            actual = sum(count for (expect, _), count in confusion.items() if expect == label)
            share = f"{confusion[(label, label)] / actual:.2f}" if actual else "  - "
            cells.append(f"{share} ({actual})")
        print(f"  {lang:8} {correct / len(rows):.3f} (n={len(rows)})  " + "  ".join(cells))


def urgent_errors(results: list[tuple[dict, str]]) -> None:
    """Every missed urgent handoff and every false urgent one, named with split and language."""
    missed = [(s, got) for s, got in results if s["expect"] == URGENT and got != URGENT]
    false = [(s, got) for s, got in results if got == URGENT and s["expect"] != URGENT]
    print(f"missed urgent handoffs: {len(missed)}")
    for sample, got in missed:
        where = f"{sample.get('split', '-')} {sample['lang']}"
        print(f"  [{where}] got {got}: {sample['text']}")
    print(f"false urgent handoffs: {len(false)}")
    for sample, _ in false:
        where = f"{sample.get('split', '-')} {sample['lang']}"
        print(f"  [{where}] expected {sample['expect']}: {sample['text']}")


if __name__ == "__main__":
    main()
