"""The supervisors' dashboards at a year of work: 1 M tickets, 3 M messages, 200,000 survey
answers (issue "Surveys and dashboards": every dashboard view p95 < 500 ms for a 90-day period,
live tiles within 5 s of a change, the survey sweep < 50 ms when nothing is due).

Fills the database in DATABASE_URL once (use a dedicated one) with set-based SQL
(bench/dashboards_fill.py): 8 teams (three on business-hour calendars), 60 agents, 50,000
customers; N tickets spread evenly over 365 days (five channels, five languages, every
category and priority; nearly all solved or closed, the last days' often open) with ~3
messages each, their status events (4 % reopened), SLA breach rows, surveys for half the
solved tickets not from chat and about --answers answers, NPS samples (--answers / 10
answers), help-center searches with the contact form's deflection rows, chats with the bot's
answers and a few thousand quality reviews; then ANALYZE.

    createdb bench_dash
    DATABASE_URL=postgres://…/bench_dash REDIS_URL=… SECRET_KEY=x EXCHANGE_BACKEND=demo \\
        .venv/bin/python bench/dashboards_bench.py --tickets 1000000

If `tickets.metrics.rollups.refresh()` exists, it is called until it returns 0 first (timed:
the roll-ups' catch-up after the fill; then VACUUM ANALYZE of the rows it rewrote, as
autovacuum would), then `tickets.metrics.cube.refresh()` (the daily roll-ups of every day),
then VACUUM ANALYZE of the whole database (autovacuum's state in production).
Then measures in-process through Django's test client
(force_login: an administrator, who sees every team; a supervisor of two of the eight teams;
an agent of a business-hour team), --rounds requests per page after a warm-up (fewer, at
least 5, when they take longer than --budget seconds), measured as complaints_bench's `timed`
does: p50/p95/max, this process's median CPU time, the median time spent in SQL and the
statements. Then each figure function of tickets.metrics over the administrator's last 90
days, the live tiles' computation (tickets.dashboards.live) and the survey sweep (the beat's
task, every minute) with nothing due, 50 runs. A statement running past --statement-timeout
seconds is cancelled and its measurement reported as failed. `--only TEXT`: only the
measurements so named (`--only figure:`: the functions); `--explain`: the plan of each
measurement's slowest statement; `--cold`: the cache emptied before every measured call
(the figures' roll-up sums are cached per filters and version of the days they read).
"""

import argparse
import importlib.util
import inspect
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.dashboards_fill import counts, fill, staff  # noqa: E402
from bench.inbox_scale import collect_static  # noqa: E402
from tickets.dashboards import live  # noqa: E402
from tickets.dashboards.figures import FIGURES, metric_function  # noqa: E402
from tickets.dashboards.forms import viewer_team_ids  # noqa: E402
from tickets.metrics import Scope, agent_figures  # noqa: E402
from tickets.surveys.sweep import survey_sweep  # noqa: E402

DASHBOARD = "/console/dashboards/"


def timed(name: str, call, args: argparse.Namespace, rounds: int | None = None) -> None:
    """complaints_bench's `timed` for any call: p50/p95/max of the wall time, the median CPU
    time of this process and the median time spent waiting for statements (SQL), and the
    statements of one call. Stops early after --budget seconds (at least 5 calls: a call of
    several seconds answers the question sooner); a failed call is reported and ends it."""
    if args.only not in name:
        return
    rounds = rounds or args.rounds
    durations, cpu, sql, begun = [], [], [], time.perf_counter()
    try:
        call()  # warm up
        while len(durations) < rounds:
            if args.cold:
                cache.clear()  # the roll-ups' cached sums: every call reads the rows again
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                call()
                durations.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            sql.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
            if len(durations) >= 5 and time.perf_counter() - begun > args.budget:
                break
    except Exception as error:  # noqa: BLE001 - reported; the other measurements go on
        print(f"{name:<40} failed after {len(durations)} calls: {error!r:.120}")
        return
    p95 = (
        statistics.quantiles(durations, n=20, method="inclusive")[-1]
        if len(durations) > 1
        else durations[0]
    )
    print(
        f"{name:<40} p50 {statistics.median(durations):7.1f}  p95 {p95:7.1f}  "
        f"max {max(durations):7.1f} ms  CPU p50 {statistics.median(cpu):6.1f}  "
        f"SQL p50 {statistics.median(sql):7.1f} ms  {len(queries):2d} queries  n={len(durations)}"
    )
    if args.explain:
        explain(queries.captured_queries)


def explain(captured: list[dict]) -> None:
    """The plan of the slowest statement of the last call."""
    slowest = max(captured, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


def page(client: Client, url: str):
    """A GET of `url` that must answer 200."""

    def get() -> None:
        response = client.get(url)
        if response.status_code == 503:  # the database's error page
            raise RuntimeError(f"answered 503 (a statement past --statement-timeout?): {url}")
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}: {url}")

    return get


def client_for(user) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def pages(people: dict, args: argparse.Namespace) -> None:
    """The dashboard (default period: the last 7 days), its filters and a 90-day period as a
    preset and as dates, the CSV downloads, the agent view and the supervisor's agents."""
    today = timezone.localdate()
    dates = f"start={today - timedelta(days=89)}&end={today}"
    admin, supervisor = client_for(people["admin"]), client_for(people["supervisor"])
    agent = client_for(people["agent"])
    ko_chat, csv = "?preset=7d&language=ko&channel=chat", "?preset=90d&format=csv&figure="
    measured = [
        (admin, "admin: dashboard, default (7 days)", DASHBOARD),
        (supervisor, "supervisor: dashboard, default (7 days)", DASHBOARD),
        (admin, "admin: dashboard, ko + chat, 7 days", DASHBOARD + ko_chat),
        (supervisor, "supervisor: ko + chat, 7 days", DASHBOARD + ko_chat),
        (admin, "admin: dashboard, last 90 days", f"{DASHBOARD}?preset=90d"),
        (supervisor, "supervisor: dashboard, last 90 days", f"{DASHBOARD}?preset=90d"),
        (admin, "admin: dashboard, 90 days as dates", f"{DASHBOARD}?{dates}"),
        (admin, "admin: CSV, every figure, 90 days", f"{DASHBOARD}{csv}all"),
        (admin, "admin: CSV, SLA compliance, 90 days", f"{DASHBOARD}{csv}sla_compliance"),
        (admin, "admin: CSV, volume, 90 days", f"{DASHBOARD}{csv}volume"),
        (agent, "agent: my figures, default (7 days)", f"{DASHBOARD}me/"),
        (agent, "agent: my figures, 90 days", f"{DASHBOARD}me/?preset=90d"),
        (supervisor, "supervisor: agents, default (7 days)", f"{DASHBOARD}agents/"),
        (supervisor, "supervisor: agents, 90 days", f"{DASHBOARD}agents/?preset=90d"),
    ]
    for client, name, url in measured:
        beat()
        timed(name, page(client, url), args)


def beat() -> None:
    """What the beat's figures task does every minute in production (not timed): rebuild the
    marked days and today so far, so the pages read today's rows as they would."""
    if importlib.util.find_spec("tickets.metrics.cube") is not None:
        from tickets.metrics import cube

        cube.refresh()


def figures(args: argparse.Namespace) -> None:
    """Each figure function over the administrator's last 90 days (the form's preset)."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = datetime.combine(today - timedelta(days=89), datetime.min.time(), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    scope = Scope(start=start, end=end)
    for spec in FIGURES:
        function = metric_function(spec.function)
        if function is None:
            print(f"{'figure: ' + spec.function:<40} not written yet")
            continue
        timed(f"figure: {spec.function}", lambda f=function: f(scope), args)
    timed("figure: agent_figures", lambda: agent_figures(scope), args)


def tiles(people: dict, args: argparse.Namespace) -> None:
    """The live tiles' computation (the socket runs it every PUSH_SECONDS): for every team,
    and for the supervisor's two when the tiles count the viewer's teams."""
    rounds = max(args.rounds, 50)
    if "teams" not in inspect.signature(live.tile_values).parameters:
        timed("live tiles: tile_values()", live.tile_values, args, rounds)
        return
    supervised = viewer_team_ids(people["supervisor"])
    timed("live tiles: every team", lambda: live.tile_values(teams=None), args, rounds)
    timed("live tiles: 2 teams", lambda: live.tile_values(teams=supervised), args, rounds)


def sweep(args: argparse.Namespace) -> None:
    """The survey sweep as the beat runs it, after catching up with what fell due since the
    fill; then 50 runs with nothing due."""
    if args.only not in "survey sweep, nothing due (50 runs)":
        return
    caught_up = 0
    while swept := survey_sweep():
        caught_up += swept
    print(f"(caught up first: {caught_up} survey steps fell due since the fill)")
    now = timezone.now()
    timed("survey sweep, nothing due (50 runs)", lambda: survey_sweep(now=now), args, 50)


def rollups_catch_up() -> None:
    """tickets.metrics.rollups.refresh() until it returns 0, when the module exists."""
    if importlib.util.find_spec("tickets.metrics.rollups") is None:
        print("roll-ups: tickets.metrics.rollups does not exist yet (figures read the rows)")
        return
    from tickets.metrics import rollups

    started, calls, rows = time.perf_counter(), 0, 0
    while done := rollups.refresh():
        calls, rows = calls + 1, rows + done
    print(
        f"roll-up catch-up: {time.perf_counter() - started:.1f} s, {calls} calls of refresh() "
        f"({rows:,} returned in all)"
    )
    if rows:
        # What autovacuum would do after millions of updated rows (it is off on the bench's
        # server): without it the planner still believes every row is uncounted.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
            cursor.execute("VACUUM ANALYZE tickets_message")
    if importlib.util.find_spec("tickets.metrics.cube") is None:
        return
    from tickets.metrics import cube

    started, calls, days = time.perf_counter(), 0, 0
    while done := cube.refresh():
        calls, days = calls + 1, days + done
    print(
        f"daily roll-ups: {time.perf_counter() - started:.1f} s for {days} days "
        f"({calls} calls of cube.refresh())"
    )
    # Every table as autovacuum keeps it in production (it is off on the bench's server): the
    # visibility map set, so the figures' index-only scans (survey invitations, searches) do not
    # visit each row's page; without it they read ~4 times longer.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE of the database: {time.perf_counter() - started:.1f} s")


def limit_statements(seconds: float) -> None:
    """Every statement of the measurements ends after `seconds`: one that runs for minutes is
    reported as failed instead of holding the run (and the shared machine)."""

    def apply(sender, connection, **kwargs) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")

    connection_created.connect(apply, weak=False)
    apply(None, connection)


def header() -> None:
    head = subprocess.run(["git", "log", "-1", "--format=%h %cI"], capture_output=True, text=True)
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", "tickets", "support"],
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    changed = [line[3:] for line in changed if line.strip()]
    print(
        f"{timezone.now():%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()} ({model}), "
        f"PostgreSQL {server}, load {os.getloadavg()[0]:.1f}, commit {head.stdout.strip()}"
    )
    if changed:
        print(f"uncommitted changes in the checkout: {', '.join(changed)}")
    print(", ".join(f"{name}: {count:,}" for name, count in counts().items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--searches", type=int, default=300_000)
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--budget", type=float, default=180, help="seconds per measurement before stopping early"
    )
    parser.add_argument("--statement-timeout", type=float, default=120, help="seconds")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--cold", action="store_true", help="empty the cache before every measured call"
    )
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--only", default="", help="only the measurements whose name has this")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    people = staff()
    fill(
        tickets=args.tickets,
        answers=args.answers,
        searches=args.searches,
        chats=args.chats,
        people=people,
    )
    if args.fill_only:
        return
    rollups_catch_up()
    collect_static()  # after the catch-up: the templates name the static files of this moment
    header()
    limit_statements(args.statement_timeout)
    pages(people, args)
    figures(args)
    tiles(people, args)
    sweep(args)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
