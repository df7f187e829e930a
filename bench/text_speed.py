"""Time support.text.analyze per message, its first-call load time and the memory it adds.

    .venv/bin/python bench/text_speed.py [--rounds N]

Run in a fresh process: the first call loads the models, lingua and OpenCC.
"""

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS_MS = {"median_ms": 5.0, "p99_ms": 25.0, "load_ms": 2000.0}
TARGET_MEMORY_MB = 300.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = sample_texts()
    before = resident_mb()
    started = time.perf_counter()
    from support.text import analyze

    analyze("hello, my withdrawal is stuck")  # loads everything lazily loaded
    load_ms = (time.perf_counter() - started) * 1000
    added_mb = resident_mb() - before
    timings = []
    for _ in range(args.rounds):
        for text in texts:
            started = time.perf_counter()
            analyze(text)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    results = {
        "messages": len(texts),
        "calls": len(timings),
        "median_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "load_ms": load_ms,
        "memory_added_mb": added_mb,
        "one_mb_message_ms": one_megabyte_ms(analyze),
    }
    for name, value in results.items():
        target = TARGETS_MS.get(name, TARGET_MEMORY_MB if name == "memory_added_mb" else None)
        verdict = (
            f"  (target < {target}: {'met' if value < target else 'MISSED'})" if target else ""
        )
        print(f"{name:20} {value:10.2f}{verdict}")


def sample_texts() -> list[str]:
    texts = []
    for name in ("classify-dev.jsonl", "secrets-dev.jsonl"):
        path = ROOT / "bench" / "data" / name
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
    return texts


def one_megabyte_ms(analyze) -> float:
    sentence = "my deposit of 0.5 BTC is still not credited, txid attached, please check. "
    text = (sentence * (1_000_000 // len(sentence)))[:1_000_000]
    started = time.perf_counter()
    analyze(text)
    return (time.perf_counter() - started) * 1000


def resident_mb() -> float:
    """Current resident memory (Linux /proc), falling back to the peak from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
