"""Ticket intake through the API under gunicorn: tickets/s and latency at 16 concurrent clients.

Each request is a real `POST /api/v1/tickets/` by a customer (token auth) and does everything
intake does: analysis and redaction (support.text), customer lookup, reference, SLA policy and
due times, message, events, the acknowledgement email in the outbox, and on commit the
follow-up task (acknowledgement delivery, routing) handed to Celery and the live console
notice (Redis). No worker needs to run. The load comes from `wrk` (Debian package `wrk`), a C
load generator, so that the client takes little of the machine's CPU; the same wrk run against
`GET /api/v1/support/me/` (token auth, one query) is the reference for the same machine, server
and moment.

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


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the server with wrk: apt-get install wrk")
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
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
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    try:
        time.sleep(3)
        wrk(tokens, clients=2, seconds=2, mode="intake")  # warm up both workers
        intake = wrk(tokens, clients=args.clients, seconds=args.seconds, mode="intake")
        reference = wrk(tokens, clients=args.clients, seconds=args.seconds / 2, mode="reference")
    finally:
        server.terminate()
        server.wait(timeout=10)
    load = os.getloadavg()[0]
    errors = int(intake["errors_status"] + intake["errors_other"])
    print(
        f"intake via API, {args.clients} clients (wrk), gunicorn x{args.workers}: "
        f"{intake['requests'] / intake['seconds']:.0f} tickets/s, p50 {intake['p50_ms']:.1f} ms, "
        f"p99 {intake['p99_ms']:.1f} ms, errors {errors}"
    )
    print(f"tickets stored during the runs: {Ticket.objects.count() - before}")
    print(
        f"reference in the same run (same clients and server): GET /api/v1/support/me/ "
        f"{reference['requests'] / reference['seconds']:.0f} requests/s, "
        f"p99 {reference['p99_ms']:.1f} ms"
    )
    print(f"load average (1 min) at the end: {load:.2f}")


if __name__ == "__main__":
    main()
