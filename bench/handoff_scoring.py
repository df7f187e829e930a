"""Scoring the chat bot's first-message decisions against labelled samples.

Shared by the report (bench/livechat_handoff.py) and the CI gate
(tests/livechat/test_quality_gate.py), so both count the same way. A sample is
{"text", "lang", "expect": "bot|handoff|urgent_handoff"}, optionally with "split":
"tune|held"; "bot" is right when the bot keeps the chat (answer or clarify). Each message is
the first of a chat (no history); a "mixed" line is run as an English chat. Django must be
set up before `decisions` is called.
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("en", "zh-hans", "zh-hant", "ko", "ja")
LABELS = ("bot", "handoff", "urgent_handoff")
URGENT = "urgent_handoff"

Result = tuple[dict, str]  # (sample, the outcome the bot chose)


@dataclass(frozen=True)
class ClassScore:
    precision: float
    recall: float
    count: int  # samples expecting this class


def load(path: Path, split: str) -> list[dict]:
    """The samples of one split ("all": every line; a line without a split is only there)."""
    samples = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if split == "all":
        return samples
    return [sample for sample in samples if sample.get("split") == split]


def outcome(action: str) -> str:
    from livechat.bot import ANSWER, CLARIFY

    return "bot" if action in (ANSWER, CLARIFY) else action


def decide_sample(sample: dict) -> str:
    from livechat.bot import decide

    lang = sample["lang"] if sample["lang"] in LANGUAGES else "en"
    return outcome(decide(sample["text"], lang=lang, history=[]).action)


def decisions(samples: list[dict]) -> list[Result]:
    return [(sample, decide_sample(sample)) for sample in samples]


def confusion_of(results: list[Result]) -> Counter:
    return Counter((sample["expect"], got) for sample, got in results)


def accuracy(results: list[Result]) -> float:
    return sum(1 for sample, got in results if sample["expect"] == got) / (len(results) or 1)


def class_scores(results: list[Result]) -> dict[str, ClassScore]:
    """Precision and recall of each class (0.0 when nothing was predicted or expected)."""
    confusion = confusion_of(results)
    scores = {}
    for label in LABELS:
        hits = confusion[(label, label)]
        predicted = sum(count for (_, got), count in confusion.items() if got == label)
        actual = sum(count for (expect, _), count in confusion.items() if expect == label)
        scores[label] = ClassScore(
            precision=hits / predicted if predicted else 0.0,
            recall=hits / actual if actual else 0.0,
            count=actual,
        )
    return scores


def kept_by_the_bot(results: list[Result]) -> int:
    """Samples that wanted a person (or an urgent one) but that the bot kept."""
    return sum(1 for sample, got in results if sample["expect"] != "bot" and got == "bot")


def missed_urgent(results: list[Result]) -> list[Result]:
    return [(s, got) for s, got in results if s["expect"] == URGENT and got != URGENT]


def false_urgent(results: list[Result]) -> list[Result]:
    return [(s, got) for s, got in results if got == URGENT and s["expect"] != URGENT]
