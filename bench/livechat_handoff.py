"""Measure the bot's handoff decision against labelled samples (measured, never tuned on).

    .venv/bin/python bench/livechat_handoff.py [FILE] [--split tune|held|check|all] [--errors]

FILE: {"text", "lang", "expect": "bot|handoff|urgent_handoff"} per line, optionally with
"split": "tune|held|check"; "bot" is right when the bot keeps the chat (answer or clarify). Each
message is the first of a chat (no history); a "mixed" line is run as an English chat.
The scoring is bench/handoff_scoring.py, which the CI gate (tests/livechat/
test_quality_gate.py) uses too.

A set with splits is tuned on its "tune" half only; the other half ("held", or "check" in the
fresh sets) says whether a change generalises, so it is counted, never worked on. `--split`
keeps one half (lines without a split count only under "all"). The report gives every split
and every language on its own, then lists each missed urgent handoff and each false urgent
one: a missed incident is the costly error, a false alarm pulls an agent off the queue.
`--counts` gives their numbers without the messages, for a half that is counted and not read.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from bench.handoff_scoring import (  # noqa: E402
    LABELS,
    Result,
    accuracy,
    class_scores,
    confusion_of,
    decide_sample,
    false_urgent,
    kept_by_the_bot,
    load,
    missed_urgent,
)

# Without a migrated help center the bot only clarifies; the handoff decision is what counts.
logging.getLogger("livechat.knowledge").setLevel(logging.CRITICAL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path, nargs="?", default=ROOT / "bench/data/handoff-dev.jsonl")
    parser.add_argument("--split", choices=("tune", "held", "check", "all"), default="all")
    parser.add_argument("--errors", action="store_true", help="print each miss")
    parser.add_argument(
        "--counts", action="store_true", help="count the urgent errors without their messages"
    )
    args = parser.parse_args()
    samples = load(args.file, args.split)
    if not samples:
        sys.exit(f"no samples in {args.file} for split {args.split}")
    results = []
    for sample in samples:
        got = decide_sample(sample)
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
    urgent_errors(results, texts=not args.counts)


def report(results: list[Result]) -> None:
    print(f"samples: {len(results)}  accuracy: {accuracy(results):.3f}")
    for label, score in class_scores(results).items():
        print(
            f"{label:15} precision {score.precision:.3f}  recall {score.recall:.3f}"
            f"  (n={score.count})"
        )
    print(f"wanted a person but kept by the bot: {kept_by_the_bot(results)}")


def by_language(results: list[Result]) -> None:
    """One line per language: the share of each class the bot got right (n in brackets)."""
    print("per language: accuracy, then recall of bot / handoff / urgent_handoff")
    for lang in sorted({sample["lang"] for sample, _ in results}):
        rows = [(s, got) for s, got in results if s["lang"] == lang]
        confusion = confusion_of(rows)
        cells = []
        for label in LABELS:
            actual = sum(count for (expect, _), count in confusion.items() if expect == label)
            share = f"{confusion[(label, label)] / actual:.2f}" if actual else "  - "
            cells.append(f"{share} ({actual})")
        print(f"  {lang:8} {accuracy(rows):.3f} (n={len(rows)})  " + "  ".join(cells))


def urgent_errors(results: list[Result], *, texts: bool = True) -> None:
    """Every missed urgent handoff and every false urgent one, named with split and language."""
    missed, false = missed_urgent(results), false_urgent(results)
    print(f"missed urgent handoffs: {len(missed)}")
    print(f"false urgent handoffs: {len(false)}")
    if not texts:
        return
    for sample, got in missed:
        where = f"{sample.get('split', '-')} {sample['lang']}"
        print(f"  missed [{where}] got {got}: {sample['text']}")
    for sample, _ in false:
        where = f"{sample.get('split', '-')} {sample['lang']}"
        print(f"  false [{where}] expected {sample['expect']}: {sample['text']}")


if __name__ == "__main__":
    main()
