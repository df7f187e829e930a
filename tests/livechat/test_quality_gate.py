"""Quality gate: the chat bot's first decision on the `tune` halves of the self-service chat set
(bench/data/selfservice-chat.jsonl) and of the fresh chat set (bench/data/chat-fresh.jsonl),
scored by the benchmark's own code
(bench/handoff_scoring.py, as bench/livechat_handoff.py reports it), fails CI below the
floors set here.

Every message is decided once for the module (in a transaction rolled back afterwards: the
bot records its searches); each floor is then its own test. Floors are set a little under the
tune figures (in the comments), except that no urgent incident may be missed. Raise a floor
when a change to the bot's intents improves its figure. The `held` and `check` halves are for
measurement, never a gate to tune against.
"""

from pathlib import Path

import pytest
from django.db import transaction

from bench.handoff_scoring import (
    accuracy,
    class_scores,
    decisions,
    kept_by_the_bot,
    load,
    missed_urgent,
)

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
SETS = {
    "selfservice": DATA / "selfservice-chat.jsonl",
    # The fresh tuning set of the fourth pass (docs/benchmarks.md): its `check` half is counted
    # by the benchmark, never gated.
    "fresh": DATA / "chat-fresh.jsonl",
}

# Floors a little under the tune figures (in the comments): 2026-12-06 for the self-service
# set, raised on 2026-12-07 when the fourth pass brought it to 1.000; 2026-12-07 for the fresh
# set.
ACCURACY = {"selfservice": 0.99, "fresh": 0.98}  # 1.000 (219 of 219); 1.000 (210 of 210)
# (set, class, metric, floor)
FLOORS = [
    ("selfservice", "bot", "precision", 0.98),  # 1.000
    ("selfservice", "bot", "recall", 0.98),  # 1.000 (n 99)
    ("selfservice", "handoff", "precision", 0.97),  # 1.000
    ("selfservice", "handoff", "recall", 0.97),  # 1.000 (n 76)
    ("selfservice", "urgent_handoff", "precision", 0.97),  # 1.000 (n 44)
    ("fresh", "bot", "precision", 0.97),  # 1.000
    ("fresh", "bot", "recall", 0.97),  # 1.000 (n 96)
    ("fresh", "handoff", "precision", 0.97),  # 1.000
    ("fresh", "handoff", "recall", 0.97),  # 1.000 (n 73)
    ("fresh", "urgent_handoff", "precision", 0.95),  # 1.000 (n 41)
]
KEPT_BY_THE_BOT = 1  # 0 wanted a person and were kept by the bot, in either set


@pytest.fixture(scope="module")
def results(django_db_setup, django_db_blocker) -> dict[str, list]:
    with django_db_blocker.unblock(), transaction.atomic():
        decided = {name: decisions(load(path, "tune")) for name, path in SETS.items()}
        transaction.set_rollback(True)
    return decided


@pytest.mark.parametrize("name", SETS)
def test_the_bot_decides_most_first_messages_right(results, name):
    assert accuracy(results[name]) >= ACCURACY[name]


@pytest.mark.parametrize(("name", "label", "metric", "floor"), FLOORS)
def test_each_class_stays_above_its_floor(results, name, label, metric, floor):
    value = getattr(class_scores(results[name])[label], metric)
    assert value >= floor, f"{name} {label} {metric}: {value:.3f} < {floor}"


@pytest.mark.parametrize("name", SETS)
def test_no_urgent_incident_is_missed(results, name):
    assert [sample["text"] for sample, _got in missed_urgent(results[name])] == []


@pytest.mark.parametrize("name", SETS)
def test_customers_who_want_a_person_are_rarely_kept_by_the_bot(results, name):
    assert kept_by_the_bot(results[name]) <= KEPT_BY_THE_BOT


# The urgent tuning set of 2026-12-07 (bench/data/urgency-tune2.jsonl: 150 incidents, 150
# look-alikes, the whole file for tuning; urgency-check.jsonl is only counted). Its incidents
# are not all found yet, so it gates the urgent handoff's recall and precision only.
URGENCY = DATA / "urgency-tune2.jsonl"
URGENT_FLOORS = {"recall": 0.89, "precision": 0.88}  # 0.907 (136 of 150); 0.901


@pytest.fixture(scope="module")
def urgency_results(django_db_setup, django_db_blocker) -> list:
    with django_db_blocker.unblock(), transaction.atomic():
        decided = decisions(load(URGENCY, "all"))
        transaction.set_rollback(True)
    return decided


@pytest.mark.parametrize(("metric", "floor"), URGENT_FLOORS.items())
def test_incidents_told_every_way_are_handed_over_urgently(urgency_results, metric, floor):
    value = getattr(class_scores(urgency_results)["urgent_handoff"], metric)
    assert value >= floor, f"urgency-tune2 urgent_handoff {metric}: {value:.3f} < {floor}"
