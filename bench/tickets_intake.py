"""Ticket intake through the API under gunicorn: tickets/s and latency at 16 concurrent clients.

Each request is a real `POST /api/v1/tickets/` by a customer (token auth) and does everything
intake does: analysis and redaction (support.text), customer lookup, reference, SLA policy and
due times, message, events, the acknowledgement email in the outbox, and on commit the
follow-up task (acknowledgement delivery, routing) handed to Celery and the live console
notice (Redis). No worker needs to run. The load comes from `wrk` (Debian package `wrk`), a C
load generator, so that the client takes little of the machine's CPU; the same wrk run against
`GET /api/v1/support/me/` (token auth, one query) is the reference for the same machine, server
and moment, and so is django-helpdesk's public ticket form (bench/helpdesk_reference.py, its
own virtualenv and database; `--no-helpdesk` skips it).

    createdb bench_tickets_intake
    DATABASE_URL=postgres://…/bench_tickets_intake REDIS_URL=… SECRET_KEY=x \\
        .venv/bin/python bench/tickets_intake.py [--clients 16] [--seconds 20] [--workers 2]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from tests.conftest import make_person  # noqa: E402
from tickets.models import SlaPolicy, Ticket  # noqa: E402

PORT = 8765


def prepare(clients: int) -> list[str]:
    call_command("migrate", verbosity=0)
    SlaPolicy.objects.get_or_create(
        name="Bench",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    tokens = []
    for i in range(clients):
        email = f"intake{i}@example.com"
        user = get_user_model().objects.filter(username=email).first()
        user = user or make_person(email, "customer", preferred_language="en")
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


def wrk(tokens: list[str], *, clients: int, seconds: float, mode: str) -> dict:
    result = subprocess.run(
        [
            "wrk",
            f"--threads={min(clients, 2)}",
            f"--connections={clients}",
            f"--duration={int(seconds)}s",
            "--timeout=10s",
            f"--script={ROOT / 'bench/tickets_intake.lua'}",
            f"http://127.0.0.1:{PORT}",
        ],
        env={**os.environ, "TOKENS": ",".join(tokens), "MODE": mode},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(row for row in result.stdout.splitlines() if row.startswith("RESULT"))
    values = dict(re.findall(r"(\w+)=([\d.]+)", line))
    return {name: float(value) for name, value in values.items()}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (from /proc; vanished ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def processes(name: str, *, parent: int | None = None) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except (FileNotFoundError, ProcessLookupError):
            continue
        named = name in ("*", head.split("(", 1)[1])
        if named and (parent is None or int(tail.split()[1]) == parent):
            found.append(int(stat.parent.name))
    return found


def measured(server: subprocess.Popen, tokens: list[str], *, mode: str, clients: int, seconds):
    """One wrk run, with the CPU the gunicorn workers and PostgreSQL spent per request."""
    workers = processes("*", parent=server.pid)
    postgres = processes("postgres")
    app_before, db_before = cpu_seconds(workers), cpu_seconds(postgres)
    result = wrk(tokens, clients=clients, seconds=seconds, mode=mode)
    postgres = sorted(set(postgres) | set(processes("postgres")))
    requests = max(result["requests"], 1)
    result["app_cpu_ms"] = (cpu_seconds(workers) - app_before) / requests * 1000
    result["db_cpu_ms"] = (cpu_seconds(postgres) - db_before) / requests * 1000
    result["per_s"] = result["requests"] / result["seconds"]
    return result


def follow_up_cost(limit: int = 500) -> tuple[int, float]:
    """The worker's share of intake (acknowledgement rendered, stored and delivered through the
    in-memory mail backend; routing; the mark cleared), run in this process on tickets the
    runs left marked: (jobs, CPU ms per job)."""
    from django.test.utils import override_settings

    from tickets.follow_up import follow_up_job, follow_up_run

    pending = list(
        Ticket.objects.filter(follow_up_after__isnull=False).values_list("pk", flat=True)[:limit]
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        started = time.process_time()
        for ticket_id in pending:
            follow_up_run(follow_up_job(ticket_id))
        spent = time.process_time() - started
    return len(pending), spent / max(len(pending), 1) * 1000


def report(label: str, result: dict) -> None:
    errors = int(result["errors_status"] + result["errors_other"])
    print(
        f"{label}: {result['per_s']:.0f}/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, errors {errors}; CPU per request: gunicorn "
        f"{result['app_cpu_ms']:.1f} ms, PostgreSQL {result['db_cpu_ms']:.1f} ms"
    )


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the server with wrk: apt-get install wrk")
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-helpdesk", action="store_true", help="skip django-helpdesk's form (the reference)"
    )
    args = parser.parse_args()
    tokens = prepare(args.clients)
    before = Ticket.objects.count()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        # 16 customers open thousands of tickets in seconds: lift their per-customer limit.
        env={**os.environ, "LOG_LEVEL": "WARNING", "THROTTLE_TICKET_CREATE": "1000000/min"},
    )
    try:
        time.sleep(3)
        wrk(tokens, clients=2, seconds=2, mode="intake")  # warm up both workers
        run = {"clients": args.clients, "seconds": args.seconds}
        intake = measured(server, tokens, mode="intake", **run)
        reference = measured(
            server, tokens, mode="reference", **{**run, "seconds": run["seconds"] / 2}
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"machine: {os.cpu_count()} CPUs, load average (1 min) at the end {os.getloadavg()[0]:.2f}"
    )
    report(f"intake via API, {args.clients} clients (wrk), gunicorn x{args.workers}", intake)
    print(f"tickets stored during the runs: {Ticket.objects.count() - before}")
    report("reference, same clients and server: GET /api/v1/support/me/", reference)
    jobs, job_ms = follow_up_cost()
    print(
        f"after commit, in the worker (no worker ran during the runs): {jobs} follow-up jobs, "
        f"{job_ms:.1f} ms CPU each (acknowledgement, delivery, routing)"
    )
    if not args.no_helpdesk:
        from helpdesk_reference import measure  # bench/ is on sys.path: this script lives there

        helpdesk = measure(clients=args.clients, seconds=args.seconds, workers=args.workers)
        print(
            f"reference, django-helpdesk's public form, same clients, gunicorn x{args.workers}: "
            f"{helpdesk['tickets_per_s']:.0f} tickets/s, p50 {helpdesk['p50_ms']:.1f} ms, "
            f"p99 {helpdesk['p99_ms']:.1f} ms, errors {helpdesk['errors']}; "
            f"our intake / helpdesk: {intake['per_s'] / max(helpdesk['tickets_per_s'], 1):.2f}x"
        )


if __name__ == "__main__":
    main()
