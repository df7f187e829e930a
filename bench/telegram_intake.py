"""Telegram webhook intake under gunicorn, and the drain by a Celery worker.

A burst of N private-chat updates (the Bot API's format, from `--users` customers, every
`--replay`th one posted a second time as Telegram does after a timeout) is posted by
`--clients` concurrent clients with keep-alive to `/channels/telegram/<bot>/webhook` with the
bot's secret token, while a worker reads them into tickets. Telegram's servers are a local fake
(tests/tickets/telegram_server.py), so nothing leaves the machine. Prints updates/s, p50/p99 of
the time to the 200, the drain time (first post to the last update read), and how many updates
were lost (no message) or duplicated (more than one message). Uses the database in
DATABASE_URL (use a dedicated one) and the Redis in REDIS_URL:

    createdb bench_telegram
    DATABASE_URL=postgres://…/bench_telegram REDIS_URL=redis://…/9 SECRET_KEY=x \\
        EXCHANGE_BACKEND=demo .venv/bin/python bench/telegram_intake.py --updates 10000

The targets (docs/channels.md): at least 200 updates/s with p99 under 100 ms to the 200, and
a burst of 10,000 drained with nothing lost or duplicated.
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
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402

from support.models import Team  # noqa: E402
from tests.conftest import ensure_roles  # noqa: E402
from tests.tickets.imap_server import free_port  # noqa: E402
from tests.tickets.telegram_server import FakeTelegram  # noqa: E402
from tickets.channels.telegram_api import telegram_bot_set_token  # noqa: E402
from tickets.models import Message, RawInbound  # noqa: E402
from tickets.telegram_models import TelegramBot  # noqa: E402

TOKEN = "7000000001:AAEhBP0av28FKSnvDkA9X3kQyF0wEJm1uQs"
TEXTS = [
    "My BTC withdrawal has been pending for 6 hours.",
    "入金したのに残高に反映されていません。",
    "입금했는데 잔고에 반영이 안 됐어요.",
    "我的提币一直在处理中，请帮忙查看。",
    "How do I reset my 2FA? I lost my phone.",
]


def make_bot() -> TelegramBot:
    ensure_roles()
    team, _ = Team.objects.get_or_create(slug="bench-telegram", defaults={"name": "Bench"})
    bot = TelegramBot.objects.create(team=team, username=f"Bench{time.time_ns()}Bot")
    return telegram_bot_set_token(bot=bot, token=TOKEN)


def updates(count: int, users: int, replay: int, base: int) -> list[bytes]:
    bodies = []
    for i in range(count):
        user = {"id": 900_000_000 + i % users, "is_bot": False, "first_name": f"User{i % users}"}
        user["language_code"] = ["en", "ja", "ko", "zh-hans", "en"][i % 5]
        chat = {"id": user["id"], "first_name": user["first_name"], "type": "private"}
        message = {"message_id": base + i, "from": user, "chat": chat, "date": int(time.time())}
        message["text"] = TEXTS[i % len(TEXTS)]
        body = json.dumps({"update_id": base + i, "message": message}).encode()
        bodies.append(body)
        if replay and i % replay == replay - 1:
            bodies.append(body)  # Telegram's retry of the same update
    return bodies


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def wait_for_http(port: int) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # an answer (503 before the worker's first heartbeat): it is up
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def post_all(port: int, path: str, secret: str, bodies: list[bytes], clients: int, rate: float = 0):
    """Post every body over `clients` keep-alive connections. With `rate`, update i is due at
    start + i / rate (Telegram sends as updates happen, not when we are ready) and its time is
    counted from then, so time spent waiting behind a slow answer is counted too; without, each
    client posts as soon as its last answer came (the most the webhook takes)."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    queue = list(reversed(list(enumerate(bodies))))
    start_at = time.perf_counter() + 0.05

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": secret,
        }
        while True:
            with lock:
                if not queue:
                    break
                index, body = queue.pop()
            started = time.perf_counter()
            if rate:
                due = start_at + index / rate
                if due > started:
                    time.sleep(due - started)
                started = due
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--rate", type=float, default=0, help="updates/s offered (0: as fast as answered)"
    )
    parser.add_argument("--replay", type=int, default=50, help="every Nth update posted twice")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=1800)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    fake = FakeTelegram().start()
    bot = make_bot()
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "TELEGRAM_API_BASE": fake.url}
    bin_dir = Path(sys.executable).parent
    server = start(
        [str(bin_dir / "gunicorn"), "config.wsgi", "-w", str(args.gunicorn_workers)]
        + ["-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env,
    )
    worker = start(
        [str(bin_dir / "celery"), "-A", "config.celery", "worker", "-l", "warning"]
        + ["-c", str(args.celery_concurrency), "--without-gossip", "--without-mingle"],
        env,
    )
    try:
        wait_for_http(port)
        path = f"/channels/telegram/{bot.pk}/webhook"
        base = time.time_ns() // 1_000_000 % 1_000_000_000
        unique = args.updates
        warm = updates(20, 5, 0, base - 100)  # each gunicorn worker's first load
        post_all(port, path, bot.webhook_secret, warm, 2)
        bodies = updates(unique, args.users, args.replay, base)
        started = time.perf_counter()
        latencies, failures = post_all(
            port, path, bot.webhook_secret, bodies, args.clients, args.rate
        )
        posted = time.perf_counter() - started
        stored = RawInbound.objects.filter(channel="telegram", key__startswith=f"{bot.pk}:")
        expected = unique + len(warm)
        deadline = time.monotonic() + args.drain_timeout
        while stored.filter(processed_at__isnull=False).count() < expected:
            if time.monotonic() > deadline:
                print("drain timed out")
                break
            time.sleep(0.2)
        drained = time.perf_counter() - started
        messages = Message.objects.filter(
            channel="telegram", external_id__startswith=f"tg:{bot.pk}:"
        )
        per_update = dict(
            messages.values_list("external_id")
            .annotate(n=Count("id"))
            .values_list("external_id", "n")
        )
        keys = {f"tg:{bot.pk}:{900_000_000 + i % args.users}:{base + i}" for i in range(unique)}
        lost = sum(1 for key in keys if key not in per_update)
        duplicated = sum(n - 1 for key, n in per_update.items() if key in keys and n > 1)
        print(f"updates posted:   {len(bodies)} ({unique} unique, {len(bodies) - unique} replays)")
        offered = f", {args.rate:.0f}/s offered" if args.rate else ""
        print(f"updates/s:        {len(bodies) / posted:.1f} ({args.clients} clients{offered})")
        print(f"to the 200:       p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms")  # fmt: skip
        print(f"non-200 answers:  {len(failures)}")
        print(f"drain time:       {drained:.1f} s (first post to last update read)")
        print(f"lost:             {lost}")
        print(f"duplicated:       {duplicated}")
        errors = stored.exclude(error="").exclude(error__startswith="ignored").count()
        print(f"read with errors: {errors}")
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=60)
        fake.stop()


if __name__ == "__main__":
    main()
