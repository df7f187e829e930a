"""Tickets at scale: the agent queue and ticket pages, and the SLA sweep, at N tickets.

Fills the database in DATABASE_URL (use a dedicated one: it adds N tickets, 3 messages each,
10 % open) with set-based SQL, then measures in-process through Django's test client:

    createdb bench_tickets_1m
    DATABASE_URL=postgres://…/bench_tickets_1m REDIS_URL=… SECRET_KEY=x \\
        .venv/bin/python bench/tickets_scale.py --tickets 1000000

Reports p50/p95 per page and the SQL queries per page, and the sweep's time with nothing due
and with 1,000 tickets due (all escalation steps included; rolled back after each run).
Run it at 10,000 and at 1,000,000 tickets to compare.
"""

import argparse
import os
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from support.models import OutboxEmail, Team  # noqa: E402
from tests.conftest import ensure_roles, make_person  # noqa: E402
from tickets.models import SlaPolicy, Ticket  # noqa: E402
from tickets.sweep import sla_notify_pending, sla_sweep  # noqa: E402

CUSTOMERS = 2000
TICKETS_SQL = """
INSERT INTO tickets_ticket (
    reference, customer_id, channel, external_conversation, category, priority, status,
    language, tier, subject, tags, escalation_level, needs_triage, security_followup,
    strongly_negative, version, next_response_paused_base, sla_paused_minutes, created_at,
    updated_at, team_id, assignee_id, sla_policy_id, first_response_due, first_response_warn_at,
    resolution_due, resolution_warn_at, next_due, solved_at
)
SELECT
    'T-' || lpad(g::text, 9, '0'),
    (SELECT min(id) FROM auth_user) + (g %% %(customers)s),
    'web', '', 'deposit_withdrawal', 'normal',
    CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'closed' END,
    'en', 'standard', 'Withdrawal stuck ' || g, '{}', 0, false, false, false, 1, 0, 0,
    now() - interval '1 minute' * (%(n)s - g), now(), %(team)s,
    CASE WHEN g %% 50 = 0 THEN %(agent)s END, %(policy)s,
    CASE WHEN g %% 10 = 0 THEN now() + interval '1 day' + interval '1 second' * (g %% 86400) END,
    CASE WHEN g %% 10 = 0 THEN now() + interval '20 hours' + interval '1 second' * (g %% 86400) END,
    CASE WHEN g %% 10 = 0 THEN now() + interval '3 days' END,
    CASE WHEN g %% 10 = 0 THEN now() + interval '2 days' END,
    CASE WHEN g %% 10 = 0 THEN now() + interval '20 hours' + interval '1 second' * (g %% 86400) END,
    CASE WHEN g %% 10 = 0 THEN NULL ELSE now() END
FROM generate_series(%(start)s, %(n)s) AS g
"""
MESSAGES_SQL = """
INSERT INTO tickets_message (ticket_id, kind, author_id, channel, body, body_html, metadata,
                             created_at)
SELECT t.id, CASE WHEN k = 1 THEN 'reply' ELSE 'customer' END, t.customer_id, 'web',
       'My withdrawal of 500 USDT to TXYZ… is still pending, message ' || k,
       '<p>My withdrawal of 500 USDT is still pending, message ' || k || '</p>', '{}',
       t.created_at + interval '1 minute' * k
FROM tickets_ticket t CROSS JOIN generate_series(0, 2) AS k
WHERE t.id > %(after)s
"""


def fill(target: int) -> tuple:
    call_command("migrate", verbosity=0)
    ensure_roles()
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    agent = make_or_get("bench.agent@example.com", "agent", team)
    Team.objects.filter(pk=team.pk).update(supervisor=agent)
    policy, _ = SlaPolicy.objects.get_or_create(
        name="Bench",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    have = Ticket.objects.count()
    if have >= target:
        return agent, team
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM auth_user")
        users = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined) SELECT '!', false, "
            "'bench' || g || '@example.com', '', '', 'bench' || g || '@example.com', false, "
            "true, now() FROM generate_series(%s, %s) g",
            [users, users + CUSTOMERS],
        )
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        after = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute(
            TICKETS_SQL,
            {
                "customers": CUSTOMERS,
                "n": target,
                "start": have + 1,
                "team": team.pk,
                "agent": agent.pk,
                "policy": policy.pk,
            },
        )
        cursor.execute(MESSAGES_SQL, {"after": after})
        cursor.execute("ANALYZE tickets_ticket; ANALYZE tickets_message; ANALYZE auth_user")
        print(f"filled {target - have} tickets in {time.perf_counter() - started:.0f} s")
    return agent, team


def make_or_get(email: str, role: str, team: Team):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        user = make_person(email, role, languages=["en"], presence="online")
        user.agent_profile.teams.add(team)
    return user


def timed_pages(client: Client, urls: dict[str, str], rounds: int) -> None:
    for name, url in urls.items():
        client.get(url)  # warm up
        durations = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(durations, n=20)[-1]
        print(
            f"{name:<28} p50 {statistics.median(durations):6.1f} ms  p95 {p95:6.1f} ms  "
            f"{len(queries):2d} queries"
        )


def timed_sweeps() -> None:
    now = timezone.now()
    durations = []
    for _ in range(20):
        started = time.perf_counter()
        assert sla_sweep(now=now) == 0
        durations.append((time.perf_counter() - started) * 1000)
    print(f"{'sweep, nothing due':<28} p50 {statistics.median(durations):6.1f} ms")
    durations = []
    for _ in range(3):
        with transaction.atomic():
            ids = list(Ticket.objects.open().order_by("?").values_list("id", flat=True)[:1000])
            due = now - timezone.timedelta(minutes=1)
            Ticket.objects.filter(id__in=ids).update(
                next_due=due, first_response_due=due, first_response_warn_at=due
            )
            started = time.perf_counter()
            acted = sla_sweep(now=now)
            swept = time.perf_counter()
            notified = sla_notify_pending()
            emails = OutboxEmail.objects.filter(dedupe_key__startswith="sla:").count()
            durations.append(((swept - started) * 1000, (time.perf_counter() - swept) * 1000))
            transaction.set_rollback(True)
    sweep_ms = statistics.median(d[0] for d in durations)
    notify_ms = statistics.median(d[1] for d in durations)
    total_ms = statistics.median(d[0] + d[1] for d in durations)
    print(
        f"{'sweep, 1,000 tickets due':<28} p50 {sweep_ms:6.1f} ms ({acted} steps recorded "
        f"and escalated)"
    )
    print(
        f"{'notices for those steps':<28} p50 {notify_ms:6.1f} ms ({notified} steps, "
        f"{emails} digest emails in the outbox)"
    )
    print(f"{'sweep + notices, 1,000 due':<28} p50 {total_ms:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    agent, _team = fill(args.tickets)
    total = Ticket.objects.order_by("-id").values_list("id", flat=True).first()
    print(f"tickets: ~{total:,} (10 % open), messages: ~{3 * total:,}")
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)
    sample = Ticket.objects.open().order_by("-id").first()
    deep = Ticket.objects.open().order_by("id").first()
    urls = {
        "queue: all open": "/console/tickets/?view=open",
        "queue: mine": "/console/tickets/?view=mine",
        "queue: team unassigned": "/console/tickets/?view=team",
        "queue: breaching 1 h": "/console/tickets/?view=breaching",
        "queue: search reference": f"/console/tickets/?view=search&q={sample.reference}",
        "queue: open, deep page": f"/console/tickets/?view=open&before={deep.pk + 100}",
        "ticket page": f"/console/tickets/{sample.reference}/",
    }
    timed_pages(client, urls, args.rounds)
    timed_sweeps()


if __name__ == "__main__":
    main()
