"""Load the live chat with real websocket clients against a uvicorn this script starts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/livechat_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 SECRET_KEY=x .venv/bin/python bench/livechat_load.py \
        [--customers 1000] [--agents 50] [--rate 200] [--duration 60] [--write]

The database named in DATABASE_URL is created and migrated if needed (use a scratch one).
Customers talk to agents in assigned chats; each customer message is persisted, acked and
delivered to the agent's console socket. Reported: send → agent receipt latency (p50/p95/p99),
lost (acked or sent but never delivered) and duplicated deliveries, rows stored, memory per idle
connection of the uvicorn process; then the same clients and rate against a bare echo consumer
(bench/livechat_echo.py) in the same run, for the ratio. --write appends to docs/benchmarks.md.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ORIGIN = "http://127.0.0.1"


def ensure_database() -> None:
    import psycopg2

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
        password=url.password or "", dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def prepare(customers: int, agents: int) -> tuple[list[tuple[int, str]], list[tuple[str, list]]]:
    """Agents with sessions and assigned guest chats: [(chat id, token)], [(cookie, chat ids)]."""
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.management import call_command

    from livechat.models import ChatMessage, Conversation
    from livechat.selectors import guest_token
    from support.models import AgentProfile

    call_command("migrate", verbosity=0)
    ChatMessage.objects.all().delete()
    Conversation.objects.all().delete()
    User = get_user_model()
    User.objects.filter(username__startswith="bench-agent-").delete()
    agent_group = Group.objects.get(name="agent")
    staff = []
    for number in range(agents):
        user = User.objects.create_user(username=f"bench-agent-{number}@example.com")
        user.groups.add(agent_group)
        AgentProfile.objects.create(user=user, presence="online", max_open_chats=1000)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        staff.append((user, f"sessionid={session.session_key}"))
    chats = Conversation.objects.bulk_create(
        [
            Conversation(
                guest_email=f"bench-{number}@example.com",
                guest_key=uuid.uuid4().hex,
                status="assigned",
                agent=staff[number % agents][0],
                language="en",
            )
            for number in range(customers)
        ]
    )
    by_agent = [(cookie, []) for _user, cookie in staff]
    for number, chat in enumerate(chats):
        by_agent[number % agents][1].append(chat.pk)
    return [(chat.pk, guest_token(chat)) for chat in chats], by_agent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(app: str, port: int, args) -> subprocess.Popen:
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning", "--workers", str(args.workers),
         "--ws-per-message-deflate", str(args.deflate).lower()],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    raise RuntimeError(f"{app} did not start")


def rss_kib(pid: int) -> int:
    """Resident memory of the server and its worker processes."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if int(fields.get("Pid", "0")) == pid or int(fields.get("PPid", "0")) == pid:
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Run:
    def __init__(self):
        self.sent: dict[str, float] = {}
        self.acked: set[str] = set()
        self.delivered: dict[str, int] = {}
        self.latencies: list[float] = []
        self.errors: list[dict] = []
        self.timeline: list[tuple[float, float]] = []  # (sent at, latency)


async def connect(url: str, cookie: str | None = None):
    from websockets.asyncio.client import connect as ws_connect

    headers = {"Cookie": cookie} if cookie else None
    return await ws_connect(
        url, origin=ORIGIN, additional_headers=headers, max_queue=None, open_timeout=60
    )


async def agent_loop(ws, run: Run) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") == "message" and frame.get("sender") == "customer":
            client_id = frame["client_id"]
            if client_id in run.sent:
                run.delivered[client_id] = run.delivered.get(client_id, 0) + 1
                if run.delivered[client_id] == 1:
                    run.latencies.append(time.perf_counter() - run.sent[client_id])
                    run.timeline.append((run.sent[client_id], run.latencies[-1]))
        elif frame.get("type") == "error":
            run.errors.append(frame)


async def customer_loop(ws, run: Run) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") == "ack":
            run.acked.add(frame["client_id"])
        elif frame.get("type") == "error":
            run.errors.append(frame)


async def drive(sockets: list, run: Run, *, rate: float, duration: float, kind: str) -> None:
    """Send `rate` messages a second, spread over the customer sockets, for `duration`."""
    start = time.perf_counter()
    count = 0
    while (elapsed := time.perf_counter() - start) < duration:
        due = int(elapsed * rate)
        while count < due:
            ws = sockets[count % len(sockets)]
            client_id = uuid.uuid4().hex
            run.sent[client_id] = time.perf_counter()
            text = f"load test message {count}"
            frame = {"type": "message", "client_id": client_id, "text": text}
            await ws.send(json.dumps(frame) if kind == "chat" else client_id)
            count += 1
        await asyncio.sleep(0.002)


async def chat_phase(args, port: int, server, chats, agents) -> tuple[dict, set[str]]:
    run = Run()
    base = f"ws://127.0.0.1:{port}"
    before = rss_kib(server.pid)
    agent_sockets = []
    for cookie, chat_ids in agents:
        ws = await connect(f"{base}/ws/agent/", cookie)
        for chat_id in chat_ids:
            await ws.send(json.dumps({"type": "join", "conversation": chat_id, "after": 0}))
        agent_sockets.append(ws)
    customer_sockets = []
    for chat_id, token in chats:
        customer_sockets.append(await connect(f"{base}/ws/chat/{chat_id}/?token={token}"))
        if len(customer_sockets) % 100 == 0:
            await asyncio.sleep(0.05)
    await asyncio.sleep(3)
    idle = rss_kib(server.pid)
    warm = Run()  # the first messages load the text models: not measured
    tasks = [asyncio.create_task(agent_loop(ws, warm)) for ws in agent_sockets]
    tasks += [asyncio.create_task(customer_loop(ws, warm)) for ws in customer_sockets]
    await drive(customer_sockets, warm, rate=args.rate / 4, duration=args.warmup, kind="chat")
    await asyncio.sleep(2)
    for task in tasks:
        task.cancel()
    tasks = [asyncio.create_task(agent_loop(ws, run)) for ws in agent_sockets]
    tasks += [asyncio.create_task(customer_loop(ws, run)) for ws in customer_sockets]
    await drive(customer_sockets, run, rate=args.rate, duration=args.duration, kind="chat")
    await asyncio.sleep(args.drain)
    for ws in agent_sockets + customer_sockets:
        await ws.close()
    for task in tasks:
        task.cancel()
    connections = len(agent_sockets) + len(customer_sockets)
    summary = summarise(run, connections=connections, idle_kib=(idle - before) / connections)
    return summary, set(run.sent)


async def echo_phase(args, port: int, connections: int) -> dict:
    run = Run()
    sockets = [await connect(f"ws://127.0.0.1:{port}/ws/echo/") for _ in range(connections)]

    async def loop(ws):
        async for raw in ws:
            if raw in run.sent:
                run.delivered[raw] = run.delivered.get(raw, 0) + 1
                run.acked.add(raw)
                if run.delivered[raw] == 1:
                    run.latencies.append(time.perf_counter() - run.sent[raw])

    tasks = [asyncio.create_task(loop(ws)) for ws in sockets]
    duration = args.echo_duration or args.duration
    await drive(sockets, run, rate=args.rate, duration=duration, kind="echo")
    await asyncio.sleep(args.drain)
    for ws in sockets:
        await ws.close()
    for task in tasks:
        task.cancel()
    return summarise(run, connections=connections, idle_kib=None)


def summarise(run: Run, *, connections: int, idle_kib: float | None) -> dict:
    delivered = set(run.delivered)
    return {
        "connections": connections,
        "sent": len(run.sent),
        "acked": len(run.acked),
        "delivered": len(delivered),
        "undelivered": len(set(run.sent) - delivered),
        "duplicated": sum(count - 1 for count in run.delivered.values()),
        "p50_ms": round(percentile(run.latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(run.latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(run.latencies, 0.99) * 1000, 1),
        "errors": len(run.errors),
        "idle_kib_per_connection": round(idle_kib, 1) if idle_kib is not None else None,
        "p99_ms_by_tenth": tenths(run.timeline),
    }


def tenths(timeline: list[tuple[float, float]]) -> list[float]:
    """p99 latency in each tenth of the run: a growing figure means a backlog."""
    if not timeline:
        return []
    ordered = sorted(timeline)
    size = max(1, len(ordered) // 10)
    return [
        round(percentile([lat for _sent, lat in ordered[i : i + size]], 0.99) * 1000, 1)
        for i in range(0, len(ordered), size)
    ]


def stored_messages(client_ids: set[str]) -> int:
    """How many of the measured messages are rows in PostgreSQL."""
    from livechat.models import ChatMessage

    stored = ChatMessage.objects.filter(sender="customer").values_list(
        "client_message_id", flat=True
    )
    return len(client_ids & set(stored))


def report(args, chat: dict, echo: dict, stored: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ratio = chat["p99_ms"] / echo["p99_ms"] if echo["p99_ms"] else float("nan")
    deflate = "on" if args.deflate else "off"
    lines = [
        f"\n## Live chat websockets ({when}, `bench/livechat_load.py`)\n",
        f"uvicorn with {args.workers} worker process(es), per-message deflate {deflate}, "
        f"channels-redis pub/sub layer, {args.customers} customer and "
        f"{args.agents} agent connections, {args.rate:g} customer messages/s for "
        f"{args.duration:g} s; each message persisted (redacted) before the ack and the "
        "broadcast to the agent's console socket. Client and server on the same 2-core machine.\n",
        "| run | connections | sent | acked | delivered | not delivered by the end | duplicated "
        "| p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    echo_name = f"bare echo (send → echo, {args.echo_duration or args.duration:g} s)"
    for name, row in (("chat (send → agent)", chat), (echo_name, echo)):
        lines.append(
            f"| {name} | {row['connections']} | {row['sent']} | {row['acked']} | "
            f"{row['delivered']} | {row['undelivered']} | {row['duplicated']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} | {row['errors']} |"
        )
    lines += [
        "",
        f"Customer messages stored in PostgreSQL: {stored} of {chat['sent']} sent "
        f"(lost: {chat['sent'] - stored}). p99 ms by tenth of the run (a rising figure is a "
        f"backlog): {chat['p99_ms_by_tenth']}. "
        f"Memory per idle connection (uvicorn RSS growth / connections): "
        f"{chat['idle_kib_per_connection']} KiB. p99 ratio chat / echo: {ratio:.1f}×.",
        "",
    ]
    return "\n".join(lines)


async def main_async(args, chats: list, agents: list) -> None:
    port = free_port()
    server = start_server("config.asgi:application", port, args)
    try:
        chat, client_ids = await chat_phase(args, port, server, chats, agents)
    finally:
        server.terminate()
        server.wait()
    stored = await asyncio.to_thread(stored_messages, client_ids)
    port = free_port()
    server = start_server("bench.livechat_echo:application", port, args)
    try:
        echo = await echo_phase(args, port, chat["connections"])
    finally:
        server.terminate()
        server.wait()
    text = report(args, chat, echo, stored)
    print(json.dumps({"chat": chat, "echo": echo, "stored": stored}, indent=2))
    print(text)
    if args.write:
        target = ROOT / "docs" / "benchmarks.md"
        if not target.exists():
            target.write_text("# Benchmarks\n")
        with target.open("a") as out:
            out.write(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0, help="customer messages per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument(
        "--echo-duration", type=float, default=0.0, help="seconds of the echo run (default: same)"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds first")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for stragglers")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--deflate", action=argparse.BooleanOptionalAction, default=True,
        help="websocket per-message deflate (uvicorn's default: on)",
    )  # fmt: skip
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    ensure_database()
    chats, agents = prepare(args.customers, args.agents)
    asyncio.run(main_async(args, chats, agents))


if __name__ == "__main__":
    main()
