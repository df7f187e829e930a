"""Quality gate: the text analysis on the shared dev sets and our tuning sets, scored by the
benchmark's own code (bench/text_quality.py), fails CI below the floors set here.

Floors are set a little under the figures measured on 2026-12-07 (in the comments), except that
no urgent incident of the dev set may be missed and no secret of the dev set may stay. Raise a
floor when a change improves its figure. The `held` and `check` halves and the check sets
(urgency-check, passwords-check) are for measurement, never a gate to tune against.
"""

from functools import cache
from pathlib import Path

import pytest

from bench.text_quality import classify_quality, read, secrets_quality

DATA = Path(__file__).resolve().parents[3] / "bench" / "data"

# (file, split or None for the whole file, metric, floor)
CLASSIFY_FLOORS = [
    ("classify-dev.jsonl", None, "category_accuracy", 0.92),  # 0.933
    ("classify-dev.jsonl", None, "urgent_recall", 1.0),  # 1.000
    ("classify-dev.jsonl", None, "urgent_precision", 0.95),  # 1.000
    ("classify-dev.jsonl", None, "language_accuracy", 0.98),  # 1.000
    ("text-eval.jsonl", "tune", "category_accuracy", 0.93),  # 0.945
    ("text-eval.jsonl", "tune", "urgent_recall", 1.0),  # 1.000
    ("text-eval.jsonl", "tune", "urgent_precision", 0.95),  # 1.000
    ("category-fresh.jsonl", "tune", "category_accuracy", 0.90),  # 0.920
    ("category-fresh.jsonl", "tune", "urgent_recall", 1.0),  # 1.000
    ("urgency-fresh.jsonl", None, "urgent_recall", 0.96),  # 0.976
    ("urgency-fresh.jsonl", None, "urgent_precision", 0.96),  # 0.976
    ("urgency-tune2.jsonl", None, "urgent_recall", 0.86),  # 0.880
    ("urgency-tune2.jsonl", None, "urgent_precision", 0.87),  # 0.898
]
SECRETS_FLOORS = [
    ("secrets-dev.jsonl", None, "seed_key_recall", 1.0),  # 1.000
    ("secrets-dev.jsonl", None, "password_recall", 0.97),  # 1.000
    ("secrets-fresh.jsonl", "tune", "seed_key_recall", 1.0),  # 1.000
    ("secrets-fresh.jsonl", "tune", "password_recall", 0.98),  # 0.993
    ("passwords-fresh.jsonl", None, "password_recall", 0.94),  # 0.959
]
# At most this share of the look-alikes (no secret) may be changed.
FALSE_REDACTION_CEILINGS = [
    ("secrets-dev.jsonl", None, 0.02),  # 0.000
    ("passwords-fresh.jsonl", None, 0.02),  # 0.013 (2 of 160)
]


@cache
def classified(name: str, split: str | None) -> dict[str, float]:
    return classify_quality(read(DATA / name, split), show=False)


@cache
def redacted(name: str, split: str | None) -> dict[str, float]:
    return secrets_quality(read(DATA / name, split), show=False)


@pytest.mark.parametrize(("name", "split", "metric", "floor"), CLASSIFY_FLOORS)
def test_categories_and_urgent_flags_stay_above_their_floors(name, split, metric, floor):
    value = classified(name, split)[metric]
    assert value >= floor, f"{name} {split or ''} {metric}: {value:.3f} < {floor}"


@pytest.mark.parametrize(("name", "split", "metric", "floor"), SECRETS_FLOORS)
def test_secrets_are_found_above_their_floors(name, split, metric, floor):
    value = redacted(name, split)[metric]
    assert value >= floor, f"{name} {split or ''} {metric}: {value:.3f} < {floor}"


@pytest.mark.parametrize(("name", "split", "ceiling"), FALSE_REDACTION_CEILINGS)
def test_look_alikes_of_secrets_are_rarely_redacted(name, split, ceiling):
    value = redacted(name, split)["false_redaction_rate"]
    assert value <= ceiling, f"{name} false redactions {value:.3f} > {ceiling}"
