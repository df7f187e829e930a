"""Measure the bot's handoff decision against labelled samples (measured, never tuned on).

    .venv/bin/python bench/livechat_handoff.py [FILE] [--errors]

FILE: {"text", "lang", "expect": "bot|handoff|urgent_handoff"} per line; "bot" is right when
the bot keeps the chat (answer or clarify). Each message is the first of a chat (no history).
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


def outcome(action: str) -> str:
    return "bot" if action in (ANSWER, CLARIFY) else action


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path, nargs="?", default=ROOT / "bench/data/handoff-dev.jsonl")
    parser.add_argument("--errors", action="store_true", help="print each miss")
    args = parser.parse_args()
    samples = [json.loads(line) for line in args.file.read_text().splitlines() if line.strip()]
    confusion: Counter = Counter()
    for sample in samples:
        lang = sample["lang"] if sample["lang"] in LANGUAGES else "en"
        got = outcome(decide(sample["text"], lang=lang, history=[]).action)
        confusion[(sample["expect"], got)] += 1
        if args.errors and got != sample["expect"]:
            print(f"MISS expect={sample['expect']} got={got}: {sample['text']}")
    report(confusion, len(samples))


def report(confusion: Counter, total: int) -> None:
    correct = sum(count for (expect, got), count in confusion.items() if expect == got)
    print(f"samples: {total}  accuracy: {correct / total:.3f}")
    for label in ("bot", "handoff", "urgent_handoff"):
        tp = confusion[(label, label)]
        predicted = sum(count for (_, got), count in confusion.items() if got == label)
        actual = sum(count for (expect, _), count in confusion.items() if expect == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        print(f"{label:15} precision {precision:.3f}  recall {recall:.3f}  (n={actual})")
    leaving = sum(c for (e, g), c in confusion.items() if e != "bot" and g == "bot")
    print(f"wanted a person but kept by the bot: {leaving}")


if __name__ == "__main__":
    main()
