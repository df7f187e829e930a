"""The data of bench/complaints_bench.py, made with set-based SQL (see its docstring): customers
with profiles, tickets, and complaints in every stage with the events, messages, deadline rows,
appeals and ticket links their stage implies. Imported after django.setup()."""

import importlib
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from complaints.models import Complaint
from support.roles import Role
from tests.conftest import ensure_roles, make_person

queue_due = importlib.import_module("complaints.migrations.0004_queue_due")

CUSTOMERS = 20_000
OFFICERS = 10
LANGUAGES = "ARRAY['en','zh-hans','zh-hant','ko','ja']"

CUSTOMERS_SQL = f"""
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                       is_active, date_joined)
SELECT '!', false, 'cmp' || g || '@example.com', 'Customer', 'Bench' || g,
       'cmp' || g || '@example.com', false, true, now()
FROM generate_series(1, %(customers)s) AS g;
INSERT INTO support_customerprofile (user_id, preferred_language, tier, exchange_account_id,
                                     kyc_status)
SELECT u.id, ({LANGUAGES})[1 + (u.id - %(first)s) %% 5], 'standard', 'CMP-' || u.id, 'verified'
FROM auth_user u WHERE u.username LIKE 'cmp%%@example.com';
"""

TICKETS_SQL = """
INSERT INTO tickets_ticket (
    channel, external_conversation, category, priority, status, language, tier, subject, tags,
    escalation_level, needs_triage, security_followup, strongly_negative, version,
    next_response_paused_base, sla_paused_minutes, created_at, updated_at, customer_id, solved_at
)
SELECT 'web', '', 'deposit_withdrawal', 'normal',
       CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'closed' END, 'en', 'standard',
       'Withdrawal stuck ' || g, '{}', 0, false, false, false, 1, 0, 0,
       now() - interval '1 minute' * (%(n)s - g), now(),
       %(first)s + ((hashtext(g || 'customer')::bigint + 2147483648) %% %(customers)s)::int,
       CASE WHEN g %% 10 = 0 THEN NULL ELSE now() END
FROM generate_series(%(start)s, %(n)s) AS g
"""

# Each complaint's stage from its number, and its times from its stage (x: 0..1 from a hash, so
# that the times spread independently of the stage). Open stages are recent, so most running
# deadlines lie ahead; the oldest of them are overdue (and already breached).
COMPLAINTS_SQL = f"""
INSERT INTO complaints_complaint (
    email, language, category, description, desired_outcome, source, transactions, sentiment,
    root_causes, stage, outcome, decision_reason, remedy, version, created_at, updated_at,
    acknowledged_at, decided_at, appeal_deadline, closed_at, paused_at, published_summary,
    customer_id, officer_id, decided_by_id
)
SELECT u.email, p.preferred_language,
       (ARRAY['account_freeze','transfer_delay','trading_dispute','fees','kyc_rejection',
              'service_quality'])[1 + g %% 6],
       'My withdrawal has been held for days and nobody answers, complaint ' || g,
       'Release it.', 'form', '{{}}', '', '{{}}', s.stage,
       CASE WHEN t.decided IS NULL THEN ''
            ELSE (ARRAY['upheld','partly_upheld','rejected'])[1 + g %% 3] END,
       CASE WHEN t.decided IS NULL THEN '' ELSE 'Our reasons, in full.' END, '', 3,
       t.created, now(),
       CASE WHEN s.stage <> 'submitted' THEN t.created + interval '2 hours' END,
       t.decided,
       t.decided + interval '14 days',
       CASE WHEN s.stage = 'closed' THEN t.closed END,
       CASE WHEN s.stage = 'waiting' THEN t.created + interval '2 days' END,
       '', u.id,
       CASE WHEN s.stage <> 'submitted' THEN (%(officers)s::int[])[1 + h.officer %% {OFFICERS}] END,
       CASE WHEN t.decided IS NOT NULL THEN (%(officers)s::int[])[1 + h.officer %% {OFFICERS}] END
FROM generate_series(%(start)s, %(n)s) AS g,
LATERAL (
    SELECT hashtext(g || 'officer')::bigint + 2147483648 AS officer,
           (hashtext(g || 'customer')::bigint + 2147483648) %% %(customers)s AS customer,
           ((hashtext(g || 'time')::bigint + 2147483648) %% 1024) / 1024.0 AS x
) AS h,
LATERAL (
    SELECT CASE WHEN g %% 100 < 3 THEN 'submitted' WHEN g %% 100 < 6 THEN 'acknowledged'
                WHEN g %% 100 < 12 THEN 'investigating' WHEN g %% 100 < 14 THEN 'waiting'
                WHEN g %% 100 < 22 THEN 'decided' WHEN g %% 100 < 23 THEN 'appealed'
                WHEN g %% 100 < 24 THEN 'appeal_review' ELSE 'closed' END AS stage
) AS s,
LATERAL (
    SELECT CASE s.stage
             WHEN 'submitted' THEN now() - interval '36 hours' * h.x
             WHEN 'acknowledged' THEN now() - interval '1 day' - interval '20 days' * h.x
             WHEN 'investigating' THEN now() - interval '2 days' - interval '28 days' * h.x
             WHEN 'waiting' THEN now() - interval '3 days' - interval '15 days' * h.x
             WHEN 'decided' THEN now() - interval '20 days' - interval '10 days' * h.x
             WHEN 'closed' THEN now() - interval '40 days' - interval '700 days' * h.x
             ELSE now() - interval '30 days' - interval '10 days' * h.x END AS created,
           CASE s.stage
             WHEN 'decided' THEN now() - interval '13 days' * h.x
             WHEN 'closed' THEN now() - interval '40 days' - interval '700 days' * h.x
                                + interval '15 days'
             WHEN 'appealed' THEN now() - interval '5 days' - interval '8 days' * h.x
             WHEN 'appeal_review' THEN now() - interval '5 days' - interval '8 days' * h.x
           END AS decided,
           now() - interval '40 days' - interval '700 days' * h.x + interval '29 days' AS closed
) AS t,
LATERAL (SELECT %(first)s + h.customer::int AS id) AS c
JOIN auth_user u ON u.id = c.id
JOIN support_customerprofile p ON p.user_id = u.id
"""

# The stage path each complaint has walked, by its stage (closed: 2 % of all after an appeal).
PATHS_SQL = """
CREATE TEMP TABLE bench_paths AS
SELECT c.id, c.created_at, c.acknowledged_at, c.decided_at, c.closed_at, c.paused_at,
       c.officer_id, c.customer_id,
       CASE c.stage
         WHEN 'submitted' THEN '{submitted}'::text[]
         WHEN 'acknowledged' THEN '{submitted,acknowledged}'
         WHEN 'investigating' THEN '{submitted,acknowledged,investigating}'
         WHEN 'waiting' THEN '{submitted,acknowledged,waiting}'
         WHEN 'decided' THEN '{submitted,acknowledged,investigating,decided}'
         WHEN 'appealed' THEN '{submitted,acknowledged,investigating,decided,appealed}'
         WHEN 'appeal_review'
           THEN '{submitted,acknowledged,investigating,decided,appealed,appeal_review}'
         ELSE CASE WHEN c.id %% 100 IN (24, 25)
           THEN '{submitted,acknowledged,investigating,decided,appealed,appeal_review,final,closed}'
           ELSE '{submitted,acknowledged,investigating,decided,closed}' END::text[]
       END AS path
FROM complaints_complaint c WHERE c.id > %(after)s;
"""

STAGE_TIME = """CASE p.path[k]
  WHEN 'submitted' THEN p.created_at WHEN 'acknowledged' THEN p.acknowledged_at
  WHEN 'investigating' THEN p.acknowledged_at + interval '1 hour'
  WHEN 'waiting' THEN p.paused_at WHEN 'decided' THEN p.decided_at
  WHEN 'appealed' THEN p.decided_at + interval '3 days'
  WHEN 'appeal_review' THEN p.decided_at + interval '4 days'
  WHEN 'final' THEN p.closed_at WHEN 'closed' THEN p.closed_at END"""

EVENTS_SQL = f"""
INSERT INTO complaints_complaintevent (kind, from_stage, to_stage, reason, public, created_at,
                                       actor_id, complaint_id, person_id)
SELECT e.kind, e.from_stage, e.to_stage, '', e.public, e.at, e.actor, e.id, e.person
FROM (
    SELECT 'stage' AS kind, coalesce(p.path[k - 1], '') AS from_stage, p.path[k] AS to_stage,
           true AS public, {STAGE_TIME} AS at,
           CASE WHEN p.path[k] IN ('submitted', 'appealed') THEN p.customer_id
                WHEN p.path[k] IN ('appeal_review', 'final') THEN %(reviewer)s
                ELSE p.officer_id END AS actor,
           p.id, NULL::int AS person, 2 * k AS step
    FROM bench_paths p, generate_series(1, array_length(p.path, 1)) AS k
    UNION ALL
    SELECT 'assigned', '', '', false, p.acknowledged_at, p.officer_id, p.id, p.officer_id, 3
    FROM bench_paths p WHERE p.officer_id IS NOT NULL
) AS e
ORDER BY e.id, e.step;
"""

MESSAGES_SQL = """
INSERT INTO complaints_complaintmessage (kind, body, created_at, author_id, complaint_id)
SELECT m.kind, 'Message ' || m.kind || ' about complaint ' || p.id,
       CASE m.kind WHEN 'letter' THEN p.decided_at WHEN 'request' THEN p.paused_at
            ELSE p.acknowledged_at + interval '30 minutes' * m.n END,
       CASE WHEN m.kind = 'customer' THEN p.customer_id ELSE p.officer_id END, p.id
FROM bench_paths p,
LATERAL (
    SELECT kind, n FROM unnest(
        CASE WHEN array_length(p.path, 1) = 1 THEN '{}'::text[]
             WHEN 'decided' = ANY(p.path) THEN '{customer,note,letter}'
             WHEN 'waiting' = ANY(p.path) THEN '{customer,note,request}'
             WHEN 'investigating' = ANY(p.path) THEN '{customer,note}'
             ELSE '{customer}' END
    ) WITH ORDINALITY AS u(kind, n)
) AS m
ORDER BY p.id, m.n;
"""

# The deadline rows of each stage: (target, start, due, warning hours, met or cancelled at).
# Running rows carry the sweep's marks up to now; a paused one has no next time.
DEADLINES_SQL = """
INSERT INTO complaints_complaintdeadline (target, started_at, warn_at, due_at, next_at, paused_at,
                                          warned_at, breached_at, met_at, cancelled_at,
                                          complaint_id)
SELECT d.target, d.started, CASE WHEN d.warn > interval '0' THEN d.due - d.warn END, d.due,
       CASE WHEN d.ended IS NOT NULL OR d.paused IS NOT NULL THEN NULL
            WHEN d.due - d.warn > now() THEN d.due - d.warn
            WHEN d.due > now() THEN d.due END,
       d.paused,
       CASE WHEN d.ended IS NULL AND d.warn > interval '0' AND d.due - d.warn <= now()
            THEN d.due - d.warn END,
       CASE WHEN d.ended IS NULL AND d.paused IS NULL AND d.due <= now() THEN d.due END,
       d.ended, NULL, p.id
FROM bench_paths p,
LATERAL (VALUES
    ('acknowledge', p.created_at, p.created_at + interval '24 hours', interval '4 hours',
     p.acknowledged_at, NULL::timestamptz, true),
    ('decide', p.created_at, p.created_at + interval '21 days', interval '48 hours',
     p.decided_at, p.paused_at, true),
    ('appeal_window', p.decided_at, p.decided_at + interval '14 days', interval '0',
     CASE WHEN 'appealed' = ANY(p.path) THEN p.decided_at + interval '3 days'
          ELSE p.closed_at END, NULL, p.decided_at IS NOT NULL),
    ('appeal_decide', p.decided_at + interval '3 days', p.decided_at + interval '17 days',
     interval '48 hours', CASE WHEN 'final' = ANY(p.path) THEN p.closed_at END, NULL,
     'appealed' = ANY(p.path))
) AS d(target, started, due, warn, ended, paused, applies)
WHERE d.applies
ORDER BY p.id;
"""

APPEALS_SQL = """
INSERT INTO complaints_appeal (grounds, outcome, decision_reason, remedy, created_at, decided_at,
                               reviewer_id, complaint_id)
SELECT 'I disagree with the decision.',
       CASE WHEN 'final' = ANY(p.path)
            THEN (ARRAY['upheld','overturned','modified'])[1 + p.id %% 3] ELSE '' END,
       CASE WHEN 'final' = ANY(p.path) THEN 'The reviewer''s reasons.' ELSE '' END, '',
       p.decided_at + interval '3 days',
       CASE WHEN 'final' = ANY(p.path) THEN p.closed_at END,
       CASE WHEN 'appeal_review' = ANY(p.path) THEN %(reviewer)s END, p.id
FROM bench_paths p WHERE 'appealed' = ANY(p.path);
"""

LINKS_SQL = """
INSERT INTO complaints_complaint_tickets (complaint_id, ticket_id)
SELECT c.id, t.id FROM complaints_complaint c
CROSS JOIN LATERAL (
    SELECT id FROM tickets_ticket WHERE customer_id = c.customer_id ORDER BY id DESC LIMIT 1
) AS t
WHERE c.id > %(after)s AND c.id %% 3 = 0;
"""


def person(email: str, role: str):
    user = get_user_model().objects.filter(username=email).first()
    return user or make_person(email, role, languages=["en"])


def people() -> dict:
    ensure_roles()
    officers = [person(f"bench.officer{i}@example.com", Role.COMPLAINTS_OFFICER) for i in range(10)]
    return {
        "officer": officers[0],
        "officers": officers,
        "reviewer": person("bench.reviewer@example.com", Role.APPEAL_REVIEWER),
        "supervisor": person("bench.supervisor@example.com", Role.SUPERVISOR),
        "admin": person("bench.admin@example.com", Role.ADMIN),
    }


def fill(complaints: int, tickets: int, staff: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM auth_user WHERE username LIKE 'cmp%%@example.com'")
        first = cursor.fetchone()[0]
        if first is None:
            cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM auth_user")
            first = cursor.fetchone()[0]
            cursor.execute(CUSTOMERS_SQL, {"customers": CUSTOMERS, "first": first})
            cursor.execute("ANALYZE auth_user; ANALYZE support_customerprofile")
        common = {"customers": CUSTOMERS, "first": first}
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        have = cursor.fetchone()[0]
        if have < tickets:
            started = time.perf_counter()
            cursor.execute(TICKETS_SQL, {**common, "start": have + 1, "n": tickets})
            cursor.execute("ANALYZE tickets_ticket")
            print(f"filled {tickets - have:,} tickets in {time.perf_counter() - started:.0f} s")
        have = Complaint.objects.count()
        if have < complaints:
            started = time.perf_counter()
            with transaction.atomic():  # all of a complaint's rows, or none
                fill_complaints(cursor, common, have, complaints, staff)
            print(
                f"filled {complaints - have:,} complaints in {time.perf_counter() - started:.0f} s"
            )


def fill_complaints(cursor, common: dict, have: int, complaints: int, staff: dict) -> None:
    cursor.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
    after = cursor.fetchone()[0]
    officers = [user.pk for user in staff["officers"]]
    cursor.execute(
        COMPLAINTS_SQL, {**common, "start": have + 1, "n": complaints, "officers": officers}
    )
    cursor.execute(PATHS_SQL, {"after": after})
    cursor.execute(EVENTS_SQL, {"reviewer": staff["reviewer"].pk})
    cursor.execute(MESSAGES_SQL)
    cursor.execute(DEADLINES_SQL)
    cursor.execute(queue_due.FILL)  # each complaint's next staff deadline, as the timers keep it
    cursor.execute(APPEALS_SQL, {"reviewer": staff["reviewer"].pk})
    cursor.execute(LINKS_SQL, {"after": after})
    cursor.execute("DROP TABLE bench_paths")
    for table in ("complaint", "complaintevent", "complaintmessage", "complaintdeadline"):
        cursor.execute(f"ANALYZE complaints_{table}")
    cursor.execute("ANALYZE complaints_appeal; ANALYZE complaints_complaint_tickets")
