"""Complaints at scale: the officer's queue, a complaint's page and a customer's timeline, and
the deadline sweep, at N complaints and M tickets.

Fills the database in DATABASE_URL once (use a dedicated one; a run with larger numbers grows
it) with set-based SQL (bench/complaints_fill.py): 20,000 customers with profiles, M tickets
spread over them (10 % open; no messages: no measured page reads a ticket's), and N complaints
over the stages (3 % submitted, 3 % acknowledged, 6 % investigating, 2 % waiting on the
customer, 8 % decided, 1 % appealed, 1 % under appeal review, 76 % closed, 2 % of all after an
appeal), five languages, ten officers; each with the stage events of its path, the messages of
its stage, the deadline rows its stage has run (warnings and breaches already acted on, as if
the sweep had run until now) and, for a third, one of the customer's tickets.

    createdb bench_complaints
    DATABASE_URL=postgres://…/bench_complaints REDIS_URL=… SECRET_KEY=x EXCHANGE_BACKEND=demo \\
        .venv/bin/python bench/complaints_bench.py --complaints 100000 --tickets 1000000
    (and the same with --complaints 10000 --tickets 100000 on a second database, to compare)

Measures in-process through Django's test client (force_login), after a warm-up request,
--rounds requests per page: p50/p95/max, the median CPU time of this process per page (less
dependent than wall time on a shared machine's other work), the median time the page waited
for its statements (SQL), and how many it made (`--only TEXT`: the pages so named). Then
the deadline sweep (`complaints.sweep.deadline_sweep`): 50 runs with nothing due; and 1,000
running deadline rows made due a minute ago (breaches; appeal windows close their complaint),
swept until nothing is left, rolled back, and again on 1,000 other rows (--due-runs).
`--explain` prints the plan of each page's slowest statement.
"""

import argparse
import html
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.complaints_fill import fill, people  # noqa: E402
from bench.inbox_scale import collect_static  # noqa: E402
from complaints.models import Complaint, ComplaintDeadline, ComplaintEvent  # noqa: E402
from complaints.notices import closed_notices_send  # noqa: E402
from complaints.sweep import deadline_sweep  # noqa: E402
from support.models import OutboxEmail  # noqa: E402

# --- Pages -----------------------------------------------------------------------------------


def timed(client: Client, name: str, url: str, args: argparse.Namespace) -> None:
    """p50/p95/max of `url`'s wall time; the median CPU time of this process and the median
    time of the page's statements as Django waited for them (SQL); the statements."""
    if args.only not in name:
        return
    response = client.get(url)  # warm up
    if response.status_code != 200:
        print(f"{name:<40} answered {response.status_code}: not measured")
        return
    durations, cpu, sql = [], [], []
    for _ in range(args.rounds):
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        sql.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
    p95 = statistics.quantiles(durations, n=20, method="inclusive")[-1]
    print(
        f"{name:<40} p50 {statistics.median(durations):6.1f}  p95 {p95:6.1f}  "
        f"max {max(durations):6.1f} ms  CPU p50 {statistics.median(cpu):5.1f}  "
        f"SQL p50 {statistics.median(sql):5.1f} ms  {len(queries):2d} queries"
    )
    if args.explain:
        slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


def deep_page(client: Client, url: str, pages: int) -> str:
    """The queue page `pages` pages after `url`, followed through each page's link to the next
    (keyset: the link carries the last row's cursor)."""
    for _ in range(pages):
        found = re.search(r'href="(\?[^"]*after=[^"]*)"', client.get(url).content.decode())
        if found is None:
            break
        url = url.split("?")[0] + html.unescape(found.group(1))
    return url


def pages(staff: dict, args: argparse.Namespace) -> None:
    officer = staff["officer"]
    client = Client(SERVER_NAME="localhost")
    client.force_login(officer)
    queue = reverse("complaints_console:queue")
    complaint = sample("investigating", officer)
    appealed = Complaint.objects.filter(stage="closed", appeal__isnull=False).order_by("-id")[0]
    urls = {
        "queue: new (officer's first tab)": f"{queue}?tab=new",
        "queue: mine": f"{queue}?tab=mine",
        "queue: in progress": f"{queue}?tab=progress",
        "queue: decided": f"{queue}?tab=decided",
        "queue: appeals": f"{queue}?tab=appeals",
        "queue: closed": f"{queue}?tab=closed",
        "queue: in progress, 10th page": deep_page(client, f"{queue}?tab=progress", 9),
        "queue: in progress, ko, fees": f"{queue}?tab=progress&language=ko&category=fees",
        "complaint page (investigating)": complaint_url(complaint),
        "complaint page (closed, appealed)": complaint_url(appealed),
    }
    api = api_urls(complaint)
    urls.update(api)
    for name, url in urls.items():
        timed(client, name, url, args)
    customer_pages(complaint, args)
    customer_pages(appealed, args)


def sample(stage: str, officer) -> Complaint:
    """The officer's latest complaint in `stage` with a linked ticket and its decision due in
    more than three days: the same kind of complaint at every data size (what a page reads
    depends on it: an overdue deadline shows no business days left)."""
    later = timezone.now() + timezone.timedelta(days=3)
    running = ComplaintDeadline.objects.running().filter(target="decide", due_at__gt=later)
    candidates = Complaint.objects.filter(stage=stage, officer=officer, tickets__isnull=False)
    return candidates.filter(deadlines__in=running).order_by("-id")[0]


def complaint_url(complaint: Complaint) -> str:
    return reverse("complaints_console:complaint", args=[complaint.reference])


def api_urls(complaint: Complaint) -> dict:
    """The API's queue and complaint, when the API has them."""
    try:
        queue = reverse("complaints_api:queue")
        return {
            "API: queue": queue,
            "API: queue, submitted": f"{queue}?stage=submitted",
            "API: queue, mine": f"{queue}?officer=me",
            "API: complaint (staff)": reverse("complaints_api:detail", args=[complaint.reference]),
        }
    except Exception:  # noqa: BLE001 - the API is not there yet: the pages are measured alone
        return {}


def customer_pages(complaint: Complaint, args: argparse.Namespace) -> None:
    """The complaint's page and the list of complaints, as its customer sees them."""
    customer = complaint.customer
    client = Client(SERVER_NAME="localhost")
    client.force_login(customer)
    with translation.override(complaint.language):
        page = reverse("complaints:detail", args=[complaint.reference])
        mine = reverse("complaints:list")
    events = complaint.events.filter(public=True).count()
    timed(client, f"customer: timeline ({complaint.stage}, {events} ev.)", page, args)
    count = Complaint.objects.filter(customer=customer).count()
    timed(client, f"customer: their {count} complaints", mine, args)


# --- The sweep -------------------------------------------------------------------------------


def sweeps(runs: int, targets: list[str]) -> None:
    for language in ("en", "zh-hans", "zh-hant", "ko", "ja"):  # as a running worker has
        with translation.override(language):
            reverse("complaints:track")
    now, caught_up = timezone.now(), 0
    while swept := deadline_sweep(now=now):  # what fell due since the fill, as the beat would
        caught_up += swept
    print(f"(caught up first: {caught_up} deadline steps fell due since the last run)")
    durations = []
    for _ in range(50):
        started = time.perf_counter()
        assert deadline_sweep(now=now) == 0
        durations.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(durations, n=20, method="inclusive")[-1]
    print(
        f"{'sweep, nothing due (50 runs)':<40} p50 {statistics.median(durations):6.2f}  "
        f"p95 {p95:6.2f} ms"
    )
    running = ComplaintDeadline.objects.filter(next_at__isnull=False)
    if targets:
        running = running.filter(target__in=targets)
    running = list(running.values_list("id", flat=True))
    for run in range(runs):
        due_run(random.sample(running, min(1000, len(running))), run)


def due_run(ids: list[int], run: int) -> None:
    """1,000 running deadlines due a minute ago, swept to the end in one go; rolled back."""
    with transaction.atomic():
        now = timezone.now()
        due = now - timezone.timedelta(minutes=1)
        rows = ComplaintDeadline.objects.filter(id__in=ids)
        targets = dict(rows.values_list("target").annotate(n=Count("id")).order_by("target"))
        rows.update(due_at=due, next_at=due, warned_at=None, breached_at=None)
        emails, events = OutboxEmail.objects.count(), ComplaintEvent.objects.count()
        calls, acted = 0, 0
        started, cpu = time.perf_counter(), time.process_time()
        while swept := deadline_sweep(now=now):
            calls, acted = calls + 1, acted + swept
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        told_at, told = time.perf_counter(), 0
        while sent := closed_notices_send():  # the task queued after the sweep's commit
            told += sent
        telling = time.perf_counter() - told_at
        emails = OutboxEmail.objects.count() - emails
        events = ComplaintEvent.objects.count() - events
        closed = Complaint.objects.filter(deadlines__id__in=ids, stage="closed").count()
        transaction.set_rollback(True)
    print(
        f"sweep, 1,000 due (run {run + 1}): {elapsed * 1000:7.0f} ms (CPU {cpu * 1000:.0f} ms) "
        f"for {acted} rows in "
        f"{calls} calls of up to 500 ({targets}); {events} events, {emails} emails queued, "
        f"{closed} complaints closed by their appeal window; then their {told} customers "
        f"told in {telling * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--due-runs", type=int, default=3)
    parser.add_argument(
        "--due-targets", nargs="*", default=[], help="only these deadlines made due (default all)"
    )
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--sweep-only", action="store_true", help="no pages, only the sweep")
    parser.add_argument("--only", default="", help="only the pages whose name has this")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    staff = people()
    fill(args.complaints, args.tickets, staff)
    if args.fill_only:
        return
    measure(args, staff)


def measure(args: argparse.Namespace, staff: dict) -> None:
    collect_static()
    head = subprocess.run(["git", "log", "-1", "--format=%h %cI"], capture_output=True, text=True)
    print(
        f"{timezone.now():%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f}, "
        f"commit {head.stdout.strip()}"
    )
    print(
        f"complaints: {Complaint.objects.count():,}, tickets: ~{args.tickets:,}, "
        f"deadline rows: {ComplaintDeadline.objects.count():,}, "
        f"events: {ComplaintEvent.objects.count():,}"
    )
    if not args.sweep_only:
        pages(staff, args)
    sweeps(args.due_runs, args.due_targets)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
