"""The agents' inbox at scale: views, filters, saved-view counts, chats, customer search and the
customer page at N tickets and M chats.

Fills the database in DATABASE_URL once (use a dedicated one) with set-based SQL shaped like
bench/tickets_scale.py's (same columns, 10 % of tickets open), but with the spread the inbox
filters on: five languages, six channels, twelve categories, four priorities, five teams (one
restricted), tags, SLA targets from an hour overdue to two days ahead, customer profiles with
exchange account ids and names, and M chats (most ended, some waiting or with agents). No
ticket messages: no measured page reads them (text search is tickets_scale's subject).

    createdb bench_inbox
    DATABASE_URL=postgres://…/bench_inbox REDIS_URL=… SECRET_KEY=x EXCHANGE_BACKEND=demo \\
        .venv/bin/python bench/inbox_scale.py --tickets 1000000 --chats 200000

Then measures in-process through Django's test client, as the agent of two teams with ten
saved views (five shared): p50/p95 per page, the median CPU time of this (Django) process per
page (on a shared machine less dependent on the others' load than the wall time; PostgreSQL's
time is not in it), and its SQL queries; for the side list's counts
(their own request, made by the page once shown), how many were given (a count that would
take longer than its timeout shows none).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench.tickets_scale import make_or_get  # noqa: E402
from livechat.models import Conversation  # noqa: E402
from support.models import Team  # noqa: E402
from support.roles import Role  # noqa: E402
from support.taxonomy import Category  # noqa: E402
from tests.conftest import ensure_roles  # noqa: E402
from tickets.inbox.filters import InboxFilters  # noqa: E402
from tickets.inbox.saved import saved_view_create  # noqa: E402
from tickets.models import SavedView, SlaPolicy, Ticket  # noqa: E402

CUSTOMERS = 50_000
TEAMS = ("bench", "payments", "kyc", "asia")
CATEGORIES = list(Category.values)

CUSTOMERS_SQL = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                       is_active, date_joined)
SELECT '!', false, 'inbox' || g || '@example.com',
       (ARRAY['Minjun','Wei','Yuki','Alex','Hana','Jun'])[1 + g %% 6],
       'Bench' || g, 'inbox' || g || '@example.com', false, true, now()
FROM generate_series(1, %(customers)s) AS g;
INSERT INTO support_customerprofile (user_id, preferred_language, tier, exchange_account_id,
                                     kyc_status)
SELECT u.id, 'en', 'standard', 'EXB-' || substr(u.username, 6, length(u.username) - 17),
       'verified'
FROM auth_user u WHERE u.username LIKE 'inbox%%@example.com';
"""

# A column's value from a hash of the row number and the column's name, so that the columns
# are independent of each other (a plain `g % 6` next to `g % 10` would leave some
# combinations, such as open tickets by email, empty).
TICKETS_SQL = """
INSERT INTO tickets_ticket (
    reference, customer_id, channel, external_conversation, category, priority, status,
    language, tier, subject, tags, escalation_level, needs_triage, security_followup,
    strongly_negative, version, next_response_paused_base, sla_paused_minutes, created_at,
    updated_at, team_id, assignee_id, sla_policy_id, first_response_due, resolution_due,
    next_due, solved_at
)
SELECT
    'T-' || lpad(g::text, 9, '0'),
    %(first_customer)s + (h.customer %% %(customers)s)::int,
    (ARRAY['web','email','chat','telegram','phone','twitter'])[1 + h.channel %% 6],
    '',
    (%(categories)s::text[])[1 + h.category %% 12],
    CASE WHEN h.priority %% 100 < 2 THEN 'urgent' WHEN h.priority %% 100 < 12 THEN 'high'
         WHEN h.priority %% 100 < 30 THEN 'low' ELSE 'normal' END,
    CASE WHEN g %% 10 = 0 THEN (ARRAY['new','open','pending','on_hold'])[1 + h.status %% 4]
         WHEN g %% 10 = 1 THEN 'solved' ELSE 'closed' END,
    (ARRAY['en','en','zh-hans','zh-hant','ko','ja'])[1 + h.language %% 6],
    'standard', 'Withdrawal stuck ' || g,
    CASE WHEN h.tags %% 100 < 5 THEN '{vip}'::varchar[]
         WHEN h.tags %% 100 < 7 THEN '{docs,kyc}'::varchar[] ELSE '{}'::varchar[] END,
    0, false, false, false, 1, 0, 0,
    now() - interval '1 minute' * (%(n)s - g), now(),
    CASE WHEN h.team %% 40 = 0 THEN %(security)s ELSE (%(teams)s::bigint[])[1 + h.team %% 4] END,
    CASE WHEN g %% 5000 = 0 THEN %(agent)s WHEN h.assignee %% 3 = 0 THEN NULL
         ELSE (%(agents)s::int[])[1 + h.assignee %% 4] END,
    %(policy)s,
    CASE WHEN g %% 10 = 0 THEN now() + interval '1 minute' * (h.due %% 10080 - 60) END,
    CASE WHEN g %% 10 = 0 THEN now() + interval '1 minute' * (h.due %% 10080 + 600) END,
    CASE WHEN g %% 10 = 0 THEN now() + interval '1 minute' * (h.due %% 10080 - 60) END,
    CASE WHEN g %% 10 = 1 THEN now() END
FROM generate_series(%(start)s, %(n)s) AS g,
LATERAL (
    SELECT hashtext(g || 'customer')::bigint + 2147483648 AS customer,
           hashtext(g || 'channel')::bigint + 2147483648 AS channel,
           hashtext(g || 'category')::bigint + 2147483648 AS category,
           hashtext(g || 'priority')::bigint + 2147483648 AS priority,
           hashtext(g || 'status')::bigint + 2147483648 AS status,
           hashtext(g || 'language')::bigint + 2147483648 AS language,
           hashtext(g || 'tags')::bigint + 2147483648 AS tags,
           hashtext(g || 'team')::bigint + 2147483648 AS team,
           hashtext(g || 'assignee')::bigint + 2147483648 AS assignee,
           hashtext(g || 'due')::bigint + 2147483648 AS due
) AS h
"""

CHATS_SQL = """
INSERT INTO livechat_conversation (
    guest_email, guest_key, language, category, status, urgent, handoff_reason, bot_summary,
    transfer_note, wants_transcript, customer_read_up_to, agent_read_up_to, rating_comment,
    ticket_reference, created_at, queued_at, assigned_at, ended_at, agent_id, customer_id, team_id
)
SELECT '', '', (ARRAY['en','zh-hans','zh-hant','ko','ja'])[1 + g %% 5],
       (%(categories)s::text[])[1 + g %% 12],
       CASE WHEN g %% 2000 = 0 THEN 'queued' WHEN g %% 2000 = 1 THEN 'assigned' ELSE 'ended' END,
       g %% 4000 = 0, '', '', '', true, 0, 0, '', '',
       now() - interval '1 second' * (%(m)s - g),
       CASE WHEN g %% 2000 IN (0, 1) THEN now() - interval '1 second' * (g %% 600) END,
       CASE WHEN g %% 2000 = 1 THEN now() END,
       CASE WHEN g %% 2000 > 1 THEN now() END,
       CASE WHEN g %% 2000 = 1 THEN (%(agents)s::int[])[1 + (g / 2000) %% 5] END,
       %(first_customer)s + ((hashtext(g || 'chat')::bigint + 2147483648) %% %(customers)s)::int,
       (%(teams)s::bigint[])[1 + g %% 4]
FROM generate_series(1, %(m)s) AS g
"""


def fill(tickets: int, chats: int):
    call_command("migrate", verbosity=0)
    ensure_roles()
    teams = [
        Team.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0] for slug in TEAMS
    ]
    security, _ = Team.objects.get_or_create(
        slug="security", defaults={"name": "Security", "restricted": True}
    )
    agent = make_or_get("bench.agent@example.com", Role.AGENT, teams[0])
    agent.agent_profile.teams.add(teams[1])
    others = [
        make_or_get(f"bench.agent{i}@example.com", Role.AGENT, teams[i % 4]) for i in range(4)
    ]
    policy, _ = SlaPolicy.objects.get_or_create(
        name="Bench",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM auth_user WHERE username LIKE 'inbox%%@example.com'")
        if cursor.fetchone()[0] == 0:
            cursor.execute(CUSTOMERS_SQL, {"customers": CUSTOMERS})
        cursor.execute("SELECT min(id) FROM auth_user WHERE username LIKE 'inbox%%@example.com'")
        first_customer = cursor.fetchone()[0]
        common = {
            "first_customer": first_customer,
            "customers": CUSTOMERS,
            "categories": CATEGORIES,
            "teams": [team.pk for team in teams],
            "agents": [user.pk for user in [agent, *others]],
        }
        have = Ticket.objects.count()
        if have < tickets:
            started = time.perf_counter()
            cursor.execute(
                TICKETS_SQL,
                {
                    **common,
                    "agents": [user.pk for user in others],
                    "n": tickets,
                    "start": have + 1,
                    "security": security.pk,
                    "agent": agent.pk,
                    "policy": policy.pk,
                },
            )
            print(f"filled {tickets - have} tickets in {time.perf_counter() - started:.0f} s")
        if Conversation.objects.count() < chats:
            started = time.perf_counter()
            cursor.execute(CHATS_SQL, {**common, "m": chats})
            print(f"filled {chats} chats in {time.perf_counter() - started:.0f} s")
        cursor.execute(
            "ANALYZE tickets_ticket; ANALYZE livechat_conversation; ANALYZE auth_user; "
            "ANALYZE support_customerprofile"
        )
    return agent, teams


def saved_views(agent, supervisor) -> list[SavedView]:
    """Ten saved views: five of the agent's own, five shared by a supervisor; some broad, some
    narrow (the narrow ones are where a capped count has to look furthest)."""
    SavedView.objects.all().delete()
    personal = [
        InboxFilters(view="open", language=("ko",)),
        InboxFilters(view="team", priority=("urgent", "high")),
        InboxFilters(view="open", tag=("vip",)),
        InboxFilters(view="open", language=("ja",), channel=("telegram",), priority=("urgent",)),
        InboxFilters(view="open", status=("closed",), language=("zh-hant",), category=("fees",)),
    ]
    shared = [
        InboxFilters(view="unassigned", language=("zh-hans", "zh-hant")),
        InboxFilters(view="breaching", category=("deposit_withdrawal",)),
        InboxFilters(view="open", channel=("email",), category=("kyc",)),
        InboxFilters(view="open", tag=("kyc", "docs")),
        InboxFilters(view="mine", status=("pending",)),
    ]
    views = [
        saved_view_create(owner=agent, name=f"Mine {i}", filters=f) for i, f in enumerate(personal)
    ]
    views += [
        saved_view_create(owner=supervisor, name=f"Shared {i}", filters=f, shared=True)
        for i, f in enumerate(shared)
    ]
    return views


def collect_static() -> None:
    """Pages name their static files by content hash, as in production: collect them once into
    a directory of this run (as the test suite does)."""
    storage = {"BACKEND": "support.staticfiles.StaticFilesStorage", "OPTIONS": {"compress": False}}
    root = tempfile.mkdtemp(prefix="bench-static-")
    override_settings(
        STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": storage}
    ).enable()
    call_command("collectstatic", interactive=False, verbosity=0)


def timed_pages(client: Client, urls: dict[str, str], rounds: int) -> None:
    for name, url in urls.items():
        response = client.get(url)  # warm up
        assert response.status_code == 200, (url, response.status_code)
        durations, cpu = [], []
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts = response.json()["counts"] if response["Content-Type"] == "application/json" else {}
        given = (
            f"{sum(1 for count in counts.values() if count)}/{len(counts)} counted"
            if counts
            else ""
        )
        p95 = statistics.quantiles(durations, n=20)[-1]
        print(
            f"{name:<34} p50 {statistics.median(durations):6.1f} ms  p95 {p95:6.1f} ms  "
            f"CPU p50 {statistics.median(cpu):5.1f} ms  {len(queries):2d} queries  {given}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--chats", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--fill-only", action="store_true", help="fill, then stop")
    args = parser.parse_args()
    agent, teams = fill(args.tickets, args.chats)
    if args.fill_only:
        return
    collect_static()
    supervisor = make_or_get("bench.supervisor@example.com", Role.SUPERVISOR, teams[0])
    views = saved_views(agent, supervisor)
    total = Ticket.objects.order_by("-id").values_list("id", flat=True).first()
    print(f"tickets: ~{total:,} (10 % open), chats: {Conversation.objects.count():,}")
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)
    sample = Ticket.objects.exclude(team__restricted=True).order_by("-id").first()
    deep = Ticket.objects.open().order_by("id").first()
    customer = sample.customer
    inbox = "/console/tickets/"
    urls = {
        "inbox: side-list counts (JSON)": f"{inbox}counts/",
        "inbox: mine (+ chats)": f"{inbox}?view=mine",
        "inbox: my teams": f"{inbox}?view=team",
        "inbox: unassigned": f"{inbox}?view=unassigned",
        "inbox: breaching within 1 h": f"{inbox}?view=breaching",
        "inbox: breached": f"{inbox}?view=breached",
        "inbox: all open": f"{inbox}?view=open",
        "inbox: open, ko": f"{inbox}?view=open&language=ko",
        "inbox: open, ja+telegram+urgent": (
            f"{inbox}?view=open&language=ja&channel=telegram&priority=urgent"
        ),
        "inbox: open, tag vip": f"{inbox}?view=open&tag=vip",
        "inbox: closed, fees, zh-hant": (
            f"{inbox}?view=open&status=closed&category=fees&language=zh-hant"
        ),
        "inbox: saved view (shared)": f"{inbox}?saved={views[-1].pk}",
        "inbox: chats": f"{inbox}?view=chats",
        "inbox: search reference": f"{inbox}?view=search&q={sample.reference}",
        "inbox: open, deep page": f"{inbox}?view=open&before={deep.pk + 100}",
        "customers: search email": f"/console/customers/?q={customer.email}",
        "customers: search account id": (
            f"/console/customers/?q={customer.customer_profile.exchange_account_id}"
        ),
        "customers: search name": "/console/customers/?q=Bench4711",
        "customer page": f"/console/customers/{customer.pk}/",
    }
    timed_pages(client, urls, args.rounds)


if __name__ == "__main__":
    main()
