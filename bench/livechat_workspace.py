"""The agents' chat workspace: its page at scale, and how fast a customer's message reaches the
screen of an agent working six chats.

    DATABASE_URL=postgres://…/DB REDIS_URL=… SECRET_KEY=x EXCHANGE_BACKEND=demo \\
        .venv/bin/python bench/livechat_workspace.py --chats 200000 --seconds 20

1. Fills DB (use a dedicated one) with M chats (set-based SQL: most ended, one in 1,000 waiting
   or with an agent, five languages, twelve categories, four teams), then times
   `/console/chats/` in-process through Django's test client as an agent: p50/p95 and its SQL
   queries (run once with a small --chats, then the full one: the count must not grow).
2. Starts uvicorn on loopback (one worker, on DB), opens the workspace in headless chromium as
   an agent with six chats open (accepted and joined, as the agent does), and has six guest
   customers, each on its own real websocket, write (after one warm-up message each) a message
   every 1.1 s (under the rate limit). Each message carries its send time (the epoch clock the
   browser shares on this machine); a MutationObserver in the page records when the row is in
   the conversation's log. Reports p50/p95/max of send → on screen, and any message that never
   arrived.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from livechat.models import Conversation  # noqa: E402
from livechat.selectors import guest_token  # noqa: E402
from support.models import Team  # noqa: E402
from support.roles import Role  # noqa: E402
from support.taxonomy import Category  # noqa: E402
from tests.conftest import ensure_roles, make_person  # noqa: E402

CHATS_SQL = """
INSERT INTO livechat_conversation (
    guest_email, guest_key, language, category, status, urgent, handoff_reason, bot_summary,
    transfer_note, wants_transcript, customer_read_up_to, agent_read_up_to, rating_comment,
    ticket_reference, created_at, queued_at, assigned_at, ended_at, agent_id, team_id
)
SELECT 'guest' || g || '@example.com', md5(g::text),
       (ARRAY['en','zh-hans','zh-hant','ko','ja'])[1 + g %% 5],
       (%(categories)s::text[])[1 + g %% 12],
       CASE WHEN g %% 1000 = 0 THEN 'queued' WHEN g %% 1000 = 1 THEN 'assigned' ELSE 'ended' END,
       g %% 4000 = 0, '', '', '', true, 0, 0, '', '',
       now() - interval '1 second' * (%(m)s - g),
       CASE WHEN g %% 1000 IN (0, 1) THEN now() - interval '1 second' * (g %% 600) END,
       CASE WHEN g %% 1000 = 1 THEN now() END,
       CASE WHEN g %% 1000 > 1 THEN now() END,
       CASE WHEN g %% 1000 = 1 THEN %(other)s END,
       (%(teams)s::bigint[])[1 + g %% 4]
FROM generate_series(%(start)s, %(m)s) AS g
"""

# In the page: when each customer message's row is in a log, against the time it was sent.
OBSERVER = """() => {
  window.benchSeen = [];
  new MutationObserver((records) => {
    const now = Date.now();
    for (const record of records) for (const node of record.addedNodes) {
      const customer = node.classList?.contains('lc-customer');
      const match = customer && /bench (\\d+) (\\S+)/.exec(node.textContent);
      if (match) window.benchSeen.push([match[2], now - Number(match[1])]);
    }
  }).observe(document.getElementById('lc-panes'), { childList: true, subtree: true });
}"""


def person(email: str, role: str, team: Team):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        user = make_person(email, role, languages=["en"], skills=list(Category.values))
    user.agent_profile.teams.add(team)
    user.agent_profile.presence = "online"
    user.agent_profile.max_open_chats = 8
    user.agent_profile.save()
    return user


def fill(chats: int) -> tuple:
    call_command("migrate", verbosity=0)
    ensure_roles()
    teams = [
        Team.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
        for slug in ("bench", "payments", "kyc", "asia")
    ]
    agent = person("bench.chat.agent@example.com", Role.AGENT, teams[0])
    other = person("bench.chat.other@example.com", Role.AGENT, teams[1])
    have = Conversation.objects.count()
    if have < chats:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                CHATS_SQL,
                {
                    "m": chats,
                    "start": have + 1,
                    "categories": list(Category.values),
                    "teams": [team.pk for team in teams],
                    "other": other.pk,
                },
            )
            cursor.execute("ANALYZE livechat_conversation")
        print(f"filled {chats - have} chats in {time.perf_counter() - started:.0f} s")
    return agent, teams


def collect_static() -> None:
    storage = {"BACKEND": "support.staticfiles.StaticFilesStorage", "OPTIONS": {"compress": False}}
    root = tempfile.mkdtemp(prefix="bench-static-")
    override_settings(
        STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": storage}
    ).enable()
    os.environ["STATIC_ROOT"] = root
    call_command("collectstatic", interactive=False, verbosity=0)


def time_page(client: Client, url: str, rounds: int) -> tuple[float, float, int]:
    assert client.get(url).status_code == 200
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(durations), statistics.quantiles(durations, n=20)[-1], len(queries)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """uvicorn serving both the pages (static files by whitenoise) and the sockets."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING", "WEBSOCKET_URL": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    raise RuntimeError("uvicorn did not start")


async def customers(ws_base: str, origin: str, chats: list, seconds: float) -> list[str]:
    import websockets

    sent: list[str] = []

    async def one(chat) -> None:
        url = f"{ws_base}/ws/chat/{chat.pk}/?token={guest_token(chat)}"
        async with websockets.connect(url, origin=origin, max_size=2**20) as ws:
            # warm-up: a fresh server process's first messages wait while it loads the text
            # analysers and opens its database connections (about 3 s here); not measured
            await ws.send(json.dumps({"type": "message", "client_id": "warm", "text": "hello"}))
            await asyncio.sleep(4)
            deadline = time.monotonic() + seconds
            n = 0
            while time.monotonic() < deadline:
                n += 1
                key = f"{chat.pk}-{n}"
                frame = {
                    "type": "message",
                    "client_id": key,
                    "text": f"bench {int(time.time() * 1000)} {key}",
                }
                await ws.send(json.dumps(frame))
                sent.append(key)
                await asyncio.sleep(1.1)  # under the socket's 10 messages per 10 s
            await asyncio.sleep(1.5)  # the last ones' way to the screen

    await asyncio.gather(*(one(chat) for chat in chats))
    return sent


def latency(agent, team: Team, seconds: float) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    origin = f"http://localhost:{port}"
    now = timezone.now()
    # an earlier run's chats end first: they would hold the agent's capacity
    Conversation.objects.filter(guest_email__startswith="bench.customer").exclude(
        status="ended"
    ).update(status="ended", ended_at=now)
    chats = [
        Conversation.objects.create(
            status="queued",
            language="en",
            category="deposit_withdrawal",
            team=team,
            guest_email=f"bench.customer{i}@example.com",
            guest_key=f"bench-{time.time()}-{i}",
            queued_at=now - timedelta(hours=1),  # waiting longest: first in the queue
            handoff_reason="asked_for_human",
        )  # fmt: skip
        for i in range(6)
    ]
    server = start_server(port)
    try:
        client = Client()
        client.force_login(agent)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": origin}]
            )
            page = context.new_page()
            page.goto(f"{origin}/console/chats/")
            for chat in chats:  # accepted and opened, as the agent does
                page.locator(f'#lc-chat-list li[data-conversation="{chat.pk}"] button').click()
                page.wait_for_selector(
                    f'.lc-pane[data-conversation="{chat.pk}"] .lc-system',
                    state="attached",
                    timeout=15000,
                )
            page.evaluate(OBSERVER)
            sent: list[str] = []
            thread = threading.Thread(
                target=lambda: sent.extend(
                    asyncio.run(customers(f"ws://localhost:{port}", origin, chats, seconds))
                )
            )
            thread.start()
            while thread.is_alive():
                page.wait_for_timeout(200)  # Playwright's loop keeps turning meanwhile
            seen = dict(page.evaluate("window.benchSeen"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    lost = [key for key in sent if key not in seen]
    if os.environ.get("BENCH_DEBUG"):
        print(sorted(seen.items()), lost)
    times = sorted(seen.values())
    p95 = statistics.quantiles(times, n=20)[-1]
    print(
        f"6 open chats, {len(sent)} customer messages over {seconds:.0f} s: send → on the agent's "
        f"screen p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
        f"max {times[-1]:.0f} ms; not shown: {len(lost)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    agent, teams = fill(args.chats)
    collect_static()
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)
    p50, p95, queries = time_page(client, "/console/chats/", args.rounds)
    total = Conversation.objects.count()
    print(
        f"chats: {total:,}; /console/chats/ p50 {p50:.1f} ms  p95 {p95:.1f} ms  {queries} queries"
    )
    latency(agent, teams[0], args.seconds)


if __name__ == "__main__":
    main()
