"""Help-center search quality: hit@1, hit@3 and MRR on labelled queries, overall and per language.

Runs against the database in DATABASE_URL, which must hold the demo articles
(`manage.py migrate && manage.py seed_demo`), or pass --load to add them first:

    DATABASE_URL=… REDIS_URL=… SECRET_KEY=x .venv/bin/python bench/helpcenter_quality.py [--load]
        [--queries bench/data/selfservice-queries.jsonl] [--split tune|held|all]

Queries whose `expected` list is empty are "no-answer" queries: they pass when the best
result scores below `helpcenter.search.ANSWER_THRESHOLD`. Per language the table also gives
the share of answerable queries whose best result reaches the threshold (`ans>=t`, what a
customer is shown as an answer) and the share of no-answer queries kept below it (`none<t`).

A query file may put each line in a `split` ("tune" or "held"), so that search can be tuned
on one half and judged on the other it never saw. `--split` keeps one half (lines without a
`split` key belong to both); with `--split all` on a file that has splits, the report is
printed for the whole file and then for each split.
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


def select_split(queries: list[dict], split: str) -> list[dict]:
    """The queries of one split; lines that name no split are in every split."""
    if split == "all":
        return queries
    return [item for item in queries if item.get("split", split) == split]


def splits_of(queries: list[dict]) -> list[str]:
    """The splits a query file names, in the order they first appear."""
    return list(dict.fromkeys(item["split"] for item in queries if "split" in item))


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


def metrics(outcomes: list[Outcome], threshold: float) -> dict[str, float | int | None]:
    answerable = [o for o in outcomes if o.expected]
    count = len(answerable) or 1
    ranks = [o.rank for o in answerable]
    passed, unanswerable = no_answer_accuracy(outcomes, threshold)
    return {
        "queries": len(answerable),
        "hit@1": sum(1 for r in ranks if r == 1) / count,
        "hit@3": sum(1 for r in ranks if r and r <= 3) / count,
        "mrr": sum(1 / r for r in ranks if r) / count,
        "above": sum(1 for o in answerable if o.top_score >= threshold) / count,
        "none": unanswerable,
        "none_below": passed / unanswerable if unanswerable else None,
    }


def no_answer_accuracy(outcomes: list[Outcome], threshold: float) -> tuple[int, int]:
    unanswerable = [o for o in outcomes if not o.expected]
    return sum(1 for o in unanswerable if o.top_score < threshold), len(unanswerable)


def report(outcomes: list[Outcome], threshold: float) -> dict:
    by_language: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_language[outcome.language].append(outcome)
    summary = {"overall": metrics(outcomes, threshold)}
    summary.update({lang: metrics(items, threshold) for lang, items in sorted(by_language.items())})
    answered = [o for o in outcomes if o.expected and o.rank == 1]
    summary["answers_at_threshold"] = sum(1 for o in answered if o.top_score >= threshold) / (
        len(answered) or 1
    )
    latencies = sorted(o.seconds * 1000 for o in outcomes)
    answerable = [o for o in outcomes if o.expected]
    summary["answerable_above_threshold"] = sum(
        1 for o in answerable if o.top_score >= threshold
    ) / (len(answerable) or 1)
    summary["median_ms"] = statistics.median(latencies)
    summary["p95_ms"] = latencies[int(len(latencies) * 0.95) - 1]
    passed, total = no_answer_accuracy(outcomes, threshold)
    if total:
        summary["no_answer_below_threshold"] = passed / total
    return summary


def print_table(summary: dict) -> None:
    print(
        f"{'set':10} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'mrr':>6} {'ans>=t':>6}"
        f" {'none':>4} {'none<t':>6}"
    )
    for name, row in summary.items():
        if isinstance(row, dict):
            below = "" if row["none_below"] is None else f"{row['none_below']:6.3f}"
            print(
                f"{name:10} {row['queries']:>4} {row['hit@1']:6.3f} {row['hit@3']:6.3f}"
                f" {row['mrr']:6.3f} {row['above']:6.3f} {row['none']:>4} {below:>6}"
            )
        else:
            print(f"{name}: {row:.3f}")


def print_report(summary: dict, outcomes: list[Outcome], verbose: bool) -> None:
    print_table(summary)
    for outcome in outcomes:
        if verbose or (outcome.expected and outcome.rank != 1):
            print(
                f"  rank={outcome.rank} score={outcome.top_score:.3f} [{outcome.language}] "
                f"{outcome.query} → {outcome.ranked[:3]} (want {outcome.expected})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=Path, default=DEV_QUERIES)
    parser.add_argument(
        "--split",
        choices=["tune", "held", "all"],
        default="all",
        help="only the queries of this split (lines without a split key are in both)",
    )
    parser.add_argument("--load", action="store_true", help="load the demo articles first")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    setup_django()
    from helpcenter.search import ANSWER_THRESHOLD

    if args.load:
        from helpcenter.demo import load_demo_articles

        load_demo_articles(sys.stdout)
    queries = select_split(read_queries(args.queries), args.split)
    run_queries(queries[:3])  # warm up: analysers, index statistics
    outcomes = run_queries(queries)
    print(f"{args.queries.name}, split {args.split}: {len(queries)} queries")
    print_report(report(outcomes, ANSWER_THRESHOLD), outcomes, args.verbose)
    names = splits_of(queries)
    if args.split == "all" and names:
        for name in names:
            kept = [
                o
                for o, item in zip(outcomes, queries, strict=True)
                if item.get("split", name) == name
            ]
            print(f"\nsplit {name}: {len(kept)} queries")
            print_table(report(kept, ANSWER_THRESHOLD))


if __name__ == "__main__":
    main()
