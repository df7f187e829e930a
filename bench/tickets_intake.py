"""Ticket intake through the API under gunicorn: tickets/s and latency at 16 concurrent clients.

Each request is a real `POST /api/v1/tickets/` by a customer (token auth) and does everything
intake does: analysis and redaction (support.text), customer lookup, reference, SLA policy and
due times, message, events, the acknowledgement email in the outbox, and on commit the routing
task and the email delivery task handed to Celery (Redis broker; no worker needs to run).

    createdb bench_tickets_intake
    DATABASE_URL=postgres://…/bench_tickets_intake REDIS_URL=… SECRET_KEY=x \\
        .venv/bin/python bench/tickets_intake.py [--clients 16] [--seconds 20] [--workers 2]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from tests.conftest import make_person  # noqa: E402
from tickets.models import SlaPolicy, Ticket  # noqa: E402

PORT = 8765
TEXTS = [
    ("Withdrawal stuck", "My USDT withdrawal on TRC20 has been pending for six hours."),
    ("출금 지연", "USDT 출금이 여섯 시간째 대기 중입니다. 확인 부탁드립니다."),
    ("入金されない", "ETHを入金しましたが、まだ反映されていません。"),
    ("充值未到账", "我两个小时前充值了0.5 ETH，现在还没有到账。"),
    ("2FA", "I lost my phone and cannot log in with Google Authenticator."),
]


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
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=email).first()
        user = user or make_person(email, "customer", preferred_language="en")
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


def client(token: str, stop: float, latencies: list, errors: list, seed: int, reference: bool):
    """One client: creates tickets, or (reference run) asks the minimal DRF endpoint who it is."""
    count = seed
    while time.perf_counter() < stop:
        subject, text = TEXTS[count % len(TEXTS)]
        body = json.dumps({"subject": subject, "text": f"{text} #{count}"})
        count += 1
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        started = time.perf_counter()
        connection.request(
            "GET" if reference else "POST",
            "/api/v1/support/me/" if reference else "/api/v1/tickets/",
            body=None if reference else body,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status in (200, 201):
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            errors.append(response.status)


def run(tokens: list[str], seconds: float, reference: bool = False) -> tuple[list, list, float]:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    stop = started + seconds
    threads = [
        threading.Thread(
            target=client, args=(token, stop, latencies, errors, i * 100_000, reference)
        )
        for i, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def main() -> None:
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
        run(tokens[:2], 2)  # warm up both workers
        latencies, errors, elapsed = run(tokens, args.seconds)
        reference, _errors, reference_elapsed = run(tokens, args.seconds / 2, reference=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"intake via API, {args.clients} clients, gunicorn x{args.workers}: "
        f"{len(latencies) / elapsed:.0f} tickets/s, p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {p99:.1f} ms, errors {len(errors)} ({sorted(set(errors))})"
    )
    print(f"tickets stored during the run: {Ticket.objects.count() - before}")
    print(
        f"reference in the same run (same clients and server): GET /api/v1/support/me/ "
        f"{len(reference) / reference_elapsed:.0f} requests/s"
    )


if __name__ == "__main__":
    main()
