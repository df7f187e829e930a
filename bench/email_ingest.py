"""Inbound email ingest: raw emails per second through the path a mail gateway, the pipe and the
IMAP poll all take (`tickets.channels.email.email_receive`): the raw copy sealed and stored,
read (charsets, MIME, HTML, attachments), auto-reply and bounce checks, threading, intake
(analysis, redaction, ticket or reply, SLA, events) and, after commit, the follow-up published
to the broker.

The emails are the 115 real ones of Zammad's test suite (tests/data/mail/zammad), repeated with
a Message-ID of their own each time (so none is a duplicate) and a From of one of
`--senders` addresses put first (so copies reach new customers, and some continue a ticket
by subject, as a real inbox does). Bounces in the corpus stay bounces (no ticket).

Besides the rate it prints the CPU each email cost the workers and their PostgreSQL backends
(read from /proc, so only when PostgreSQL runs on this host) and the statements it took: on a
machine shared with other work those stay comparable where the rate does not.

    createdb bench_email_ingest
    DATABASE_URL=postgres://…/bench_email_ingest REDIS_URL=redis://…/9 SECRET_KEY=x \\
        EXCHANGE_BACKEND=demo .venv/bin/python bench/email_ingest.py [--emails 50000] [--workers 2]
"""

import argparse
import multiprocessing
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tests.conftest import ensure_roles  # noqa: E402
from tests.tickets.email_corpus import corpus_mails  # noqa: E402
from tickets.channels.email import email_receive  # noqa: E402
from tickets.models import Message, RawInbound, SlaPolicy, Ticket  # noqa: E402

MESSAGE_ID_RE = re.compile(rb"(?im)^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*")
BLANK_LINE_RE = re.compile(rb"\r?\n\r?\n")


def prepare() -> None:
    call_command("migrate", verbosity=0)
    ensure_roles()
    SlaPolicy.objects.get_or_create(
        name="Bench",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )


def variant(raw: bytes, number: int, *, senders: int, run: str) -> bytes:
    """`raw` with a Message-ID of its own and a From of sender `number % senders` first."""
    split = BLANK_LINE_RE.search(raw)
    end = split.start() if split else len(raw)
    head = MESSAGE_ID_RE.sub(b"", raw[:end] + b"\n")[:-1]
    if head.startswith(b"From "):  # keep the mbox envelope line first
        envelope, _newline, head = head.partition(b"\n")
        envelope += b"\n"
    else:
        envelope = b""
    ours = (
        f"From: Bench {number % senders} <bench{number % senders}@{run}.example>\r\n"
        f"Message-ID: <{run}.{number}@bench.example>\r\n"
    ).encode()
    return envelope + ours + head + raw[end:]


def ingest(task: tuple[int, int, int, int, str]) -> tuple[list[float], float, float, int]:
    """One worker: emails start, start + step, … below `total`; returns each one's seconds,
    the CPU seconds of this process and of its PostgreSQL backend (None when PostgreSQL is
    not on this host), and the statements it sent."""
    start, step, total, senders, run = task
    connection.close()  # a connection of its own after the fork
    mails = [path.read_bytes() for path in corpus_mails()]
    timings = []
    statements = [0]

    def counted(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    backend = backend_cpu_seconds()
    cpu = time.process_time()
    with connection.execute_wrapper(counted):
        for number in range(start, total, step):
            raw = variant(mails[number % len(mails)], number, senders=senders, run=run)
            began = time.perf_counter()
            email_receive(raw=raw)
            timings.append(time.perf_counter() - began)
    cpu = time.process_time() - cpu
    after = backend_cpu_seconds()
    connection.close()
    backend = after - backend if backend is not None and after is not None else None
    return timings, cpu, backend, statements[0]


def backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend, read from /proc (same host only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--senders", type=int, default=5_000)
    args = parser.parse_args()
    prepare()
    run = f"r{int(time.time())}"
    before = (RawInbound.objects.count(), Ticket.objects.count(), Message.objects.count())
    connection.close()
    tasks = [(n, args.workers, args.emails, args.senders, run) for n in range(args.workers)]
    began = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        parts = pool.map(ingest, tasks)
    elapsed = time.perf_counter() - began
    timings = [seconds for part in parts for seconds in part[0]]
    cpu = sum(part[1] for part in parts)
    backends = [part[2] for part in parts]
    statements = sum(part[3] for part in parts)
    after = (RawInbound.objects.count(), Ticket.objects.count(), Message.objects.count())
    timings.sort()
    print(f"emails      {len(timings)} in {elapsed:.1f} s with {args.workers} workers")
    print(f"rate        {len(timings) / elapsed:.1f} emails/s")
    print(f"per email   median {statistics.median(timings) * 1000:.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, "
          f"max {timings[-1] * 1000:.0f} ms")  # fmt: skip
    print(f"stored      raw {after[0] - before[0]}, tickets {after[1] - before[1]}, "
          f"messages {after[2] - before[2]}")  # fmt: skip
    count = len(timings)
    backend = "not on this host" if None in backends else f"{sum(backends) / count * 1000:.1f} ms"
    print(f"CPU/email   workers {cpu / count * 1000:.1f} ms, PostgreSQL backends {backend}, "
          f"{statements / count:.1f} statements")  # fmt: skip


if __name__ == "__main__":
    main()
