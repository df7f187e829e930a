"""Help-center search quality: hit@1, hit@3 and MRR on labelled queries, overall and per language.

Runs against the database in DATABASE_URL, which must hold the demo articles
(`manage.py migrate && manage.py seed_demo`), or pass --load to add them first:

    DATABASE_URL=… REDIS_URL=… SECRET_KEY=x .venv/bin/python bench/helpcenter_quality.py [--load]

Queries whose `expected` list is empty are "no-answer" queries: they pass when the best
result scores below `helpcenter.search.ANSWER_THRESHOLD`.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_QUERIES = ROOT / "bench" / "data" / "helpcenter-dev-queries.jsonl"


@dataclass
class Outcome:
    query: str
    language: str
    expected: list[str]
    ranked: list[str]
    top_score: float
    seconds: float = 0.0

    @property
    def rank(self) -> int | None:
        for position, slug in enumerate(self.ranked, 1):
            if slug in self.expected:
                return position
        return None


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def read_queries(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def run_queries(queries: list[dict]) -> list[Outcome]:
    from django.contrib.auth.models import AnonymousUser

    from helpcenter.search import search

    outcomes = []
    for item in queries:
        language = item["lang"] if item["lang"] != "mixed" else "en"
        started = time.perf_counter()
        results = search(item["q"], language=language, user=AnonymousUser())
        seconds = time.perf_counter() - started
        outcomes.append(
            Outcome(
                query=item["q"],
                language=item["lang"],
                expected=item["expected"],
                ranked=[result.slug for result in results],
                top_score=results[0].score if results else 0.0,
                seconds=seconds,
            )
        )
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.expected]
    count = len(answerable) or 1
    ranks = [o.rank for o in answerable]
    return {
        "queries": len(answerable),
        "hit@1": sum(1 for r in ranks if r == 1) / count,
        "hit@3": sum(1 for r in ranks if r and r <= 3) / count,
        "mrr": sum(1 / r for r in ranks if r) / count,
    }


def no_answer_accuracy(outcomes: list[Outcome], threshold: float) -> tuple[int, int]:
    unanswerable = [o for o in outcomes if not o.expected]
    return sum(1 for o in unanswerable if o.top_score < threshold), len(unanswerable)


def report(outcomes: list[Outcome], threshold: float) -> dict:
    by_language: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_language[outcome.language].append(outcome)
    summary = {"overall": metrics(outcomes)}
    summary.update({lang: metrics(items) for lang, items in sorted(by_language.items())})
    answered = [o for o in outcomes if o.expected and o.rank == 1]
    summary["answers_at_threshold"] = sum(1 for o in answered if o.top_score >= threshold) / (
        len(answered) or 1
    )
    latencies = sorted(o.seconds * 1000 for o in outcomes)
    summary["median_ms"] = statistics.median(latencies)
    summary["p95_ms"] = latencies[int(len(latencies) * 0.95) - 1]
    passed, total = no_answer_accuracy(outcomes, threshold)
    if total:
        summary["no_answer_below_threshold"] = passed / total
    return summary


def print_report(summary: dict, outcomes: list[Outcome], verbose: bool) -> None:
    print(f"{'set':10} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'mrr':>6}")
    for name, row in summary.items():
        if isinstance(row, dict):
            print(
                f"{name:10} {row['queries']:>4} {row['hit@1']:6.3f} {row['hit@3']:6.3f}"
                f" {row['mrr']:6.3f}"
            )
        else:
            print(f"{name}: {row:.3f}")
    for outcome in outcomes:
        if verbose or (outcome.expected and outcome.rank != 1):
            print(
                f"  rank={outcome.rank} score={outcome.top_score:.3f} [{outcome.language}] "
                f"{outcome.query} → {outcome.ranked[:3]} (want {outcome.expected})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=Path, default=DEV_QUERIES)
    parser.add_argument("--load", action="store_true", help="load the demo articles first")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    setup_django()
    from helpcenter.search import ANSWER_THRESHOLD

    if args.load:
        from helpcenter.demo import load_demo_articles

        load_demo_articles(sys.stdout)
    run_queries(read_queries(args.queries)[:3])  # warm up: analysers, index statistics
    outcomes = run_queries(read_queries(args.queries))
    summary = report(outcomes, ANSWER_THRESHOLD)
    print_report(summary, outcomes, args.verbose)


if __name__ == "__main__":
    main()
