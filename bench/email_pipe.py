"""What an MTA waits for per message: `manage.py email_pipe` (starts Django, stores the message
and queues it) against the mailgate (`tickets/mailgate.py`: no Django, posts the message to the
HTTP endpoint of a running gunicorn, which stores and processes it). Wall time per message,
median of N, the two run in turns for R rounds, each message a real Zammad mail with a
Message-ID of its own. Uses the database in DATABASE_URL (use a dedicated one):

    createdb bench_pipe
    DATABASE_URL=postgres://…/bench_pipe REDIS_URL=… SECRET_KEY=x EXCHANGE_BACKEND=demo \\
        .venv/bin/python bench/email_pipe.py --runs 5 --rounds 3
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.email_mailboxes import corpus_messages as messages  # noqa: E402
from support.roles import Role  # noqa: E402
from tests.conftest import ensure_roles, make_person  # noqa: E402
from tests.tickets.imap_server import free_port  # noqa: E402

ENDPOINT = "/api/v1/tickets/inbound/email/"


def timed(command: list[str], raw: bytes, env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, input=raw, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def gateway_token() -> str:
    ensure_roles()
    user = make_person(f"gateway-{time.time_ns()}@bench.example", Role.AGENT)
    return Token.objects.create(user=user).key


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", "2"]
    server = subprocess.Popen([*command, "-b", f"127.0.0.1:{port}"], cwd=ROOT, env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    token, port = gateway_token(), free_port()
    server = start_gunicorn(port)
    pipe = [sys.executable, "manage.py", "email_pipe"]
    gate = [sys.executable, "-P", str(ROOT / "tickets" / "mailgate.py")]
    gate += ["--url", f"http://127.0.0.1:{port}{ENDPOINT}"]
    gate_env = {"PATH": os.environ.get("PATH", ""), "EMAIL_MAILGATE_TOKEN": token}
    try:
        for raw in messages(3, f"warm-{time.time_ns()}"):  # each gunicorn worker's first load
            timed(gate, raw, gate_env)
        print(f"nproc={os.cpu_count()} runs={args.runs} load={os.getloadavg()[0]:.1f}")
        for round_number in range(1, args.rounds + 1):
            run = f"{round_number}-{time.time_ns()}"
            gated = [timed(gate, raw, gate_env) for raw in messages(args.runs, f"g{run}")]
            piped = [timed(pipe, raw) for raw in messages(args.runs, f"p{run}")]
            print(
                f"round {round_number}: mailgate median {statistics.median(gated):.2f} s, "
                f"email_pipe median {statistics.median(piped):.2f} s"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
