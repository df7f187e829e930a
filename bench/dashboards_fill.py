"""The data of bench/dashboards_bench.py, made with set-based SQL (see its docstring): a year of
a support floor's work, spread evenly over 365 days so that a 90-day period holds about a
quarter of it. Imported after django.setup().

Eight teams (three on business-hour calendars) of 60 agents, four SLA policies (one per
priority), 50,000 customers with profiles; N tickets over five channels, five languages, the
twelve categories and four priorities, nearly all solved or closed (recent ones more often
open); about 3 messages a ticket (customer messages and public replies alternating, some
internal notes), the status events of each solve, reopening and closing, the SLA breach rows
the sweep would have written; satisfaction surveys for half the solved tickets not from chat
and their answers; quarterly NPS samples and their answers; help-center searches with the
contact form's deflection rows; chats with the bot's answers; a few thousand quality reviews.

Every column is a function of the row's number through `hashtext`, so the columns are
independent of each other and a second run with the same numbers makes the same data. Rows
are added only when a table has fewer than asked (use a fresh database: an appended part is
spread over the whole year again).
"""

import time
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from bench.complaints_fill import person
from helpcenter.models import SearchRecord
from livechat.models import Conversation
from support.models import AgentProfile, Team
from support.roles import Role
from tests.conftest import ensure_roles
from tickets.models import BusinessCalendar, SlaPolicy, Ticket
from tickets.survey_models import NpsInvitation, SurveyAnswer

CUSTOMERS = 50_000
AGENTS = 60
# (slug, calendar): None is 24/7; the others are a business calendar of that name.
TEAMS = (
    ("dash-payments", None),
    ("dash-kyc", "Seoul office"),
    ("dash-trading", None),
    ("dash-security", None),
    ("dash-accounts", None),
    ("dash-compliance", "Hong Kong office"),
    ("dash-asia", None),
    ("dash-vip", "Seoul office"),
)
CALENDARS = {
    "Seoul office": ("Asia/Seoul", "KR"),
    "Hong Kong office": ("Asia/Hong_Kong", "HK"),
}
# Priority: (first response, next response, resolution) in business minutes.
POLICIES = {
    "urgent": (30, 60, 240),
    "high": (60, 120, 480),
    "normal": (120, 240, 1440),
    "low": (240, 480, 2880),
}
YEAR = "interval '365 days'"
LANGUAGES = "ARRAY['en','zh-hans','zh-hant','ko','ja']"


def x(name: str, row: str = "g") -> str:
    """SQL for a number in [0, 1) from a hash of the row's number and `name`."""
    return f"((hashtext({row} || '{name}')::bigint + 2147483648) %% 1000000) / 1000000.0"


def u(name: str, row: str = "g") -> str:
    """SQL for a non-negative integer from a hash of the row's number and `name`."""
    return f"(hashtext({row} || '{name}')::bigint + 2147483648)"


CUSTOMERS_SQL = f"""
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                       is_active, date_joined)
SELECT '!', false, 'dash' || g || '@example.com',
       (ARRAY['Minjun','Wei','Yuki','Alex','Hana','Jun'])[1 + g %% 6], 'Bench' || g,
       'dash' || g || '@example.com', false, true, now() - {YEAR}
FROM generate_series(1, %(customers)s) AS g;
INSERT INTO support_customerprofile (user_id, preferred_language, tier, exchange_account_id,
                                     kyc_status)
SELECT u.id, ({LANGUAGES})[1 + u.id %% 5], 'standard', 'DSH-' || u.id, 'verified'
FROM auth_user u WHERE u.username LIKE 'dash%%@example.com';
"""

# The ticket numbered g gets the id offset + g and is created at an even step through the year.
# `a`: what the ticket is; `t`, `b`: whether it is still open, its targets and its first reply;
# `s`, `c`: its solve (after the first reply; NULL while open) and status. `OFFSET 0` keeps
# PostgreSQL from inlining a subquery into each place that names its columns (which repeats
# every hash and made the insert six times slower).
TICKETS_SQL = f"""
INSERT INTO tickets_ticket (
    id, customer_id, channel, external_conversation, category, priority, status, language, tier,
    subject, tags, escalation_level, needs_triage, security_followup, strongly_negative,
    version, next_response_paused_base, sla_paused_minutes, created_at, updated_at, team_id,
    assignee_id, sla_policy_id, first_response_due, first_responded_at, next_response_due,
    resolution_due, next_due, solved_at, closed_at
)
SELECT %(offset)s + g, %(first_customer)s + ({u("customer")} %% %(customers)s)::int,
       a.channel, '', (%(categories)s::text[])[1 + {u("category")} %% 12], a.priority,
       c.status, a.language, 'standard', 'Withdrawal stuck ' || g,
       CASE WHEN {x("tags")} < 0.04 THEN '{{vip}}'::varchar[]
            WHEN {x("tags")} > 0.995 THEN '{{spam}}'::varchar[] ELSE '{{}}'::varchar[] END,
       CASE WHEN b.open AND b.resolution_due < now() THEN 1 ELSE 0 END, false, false,
       {x("negative")} < 0.03, 1, 0,
       CASE WHEN {x("reopen")} < 0.04 THEN (60 * {x("paused")})::int ELSE 0 END,
       a.created, coalesce(c.closed, c.solved, a.created), (%(teams)s::bigint[])[1 + a.team],
       CASE WHEN c.status = 'new' AND {x("unassigned")} < 0.5 THEN NULL
            ELSE (%(agents)s::int[])[1 + a.team + 8 * ({u("agent")} %% a.team_agents)] END,
       (%(policies)s::bigint[])[1 + a.priority_index], b.first_response_due,
       CASE WHEN c.status <> 'new' THEN least(c.responded, c.solved) END,
       b.next_response_due, b.resolution_due,
       CASE WHEN b.open THEN least(b.next_response_due, b.resolution_due,
                                   CASE WHEN c.status = 'new' THEN b.first_response_due END) END,
       c.solved, c.closed
FROM generate_series(%(start)s, %(n)s) AS g,
LATERAL (
    SELECT now() - {YEAR} * ((%(n)s - g)::float / %(n)s) AS created,
           {u("team")} %% 8 AS team,
           CASE WHEN {u("team")} %% 8 < 4 THEN 8 ELSE 7 END AS team_agents,
           CASE WHEN {x("priority")} < 0.05 THEN 0 WHEN {x("priority")} < 0.20 THEN 1
                WHEN {x("priority")} < 0.80 THEN 2 ELSE 3 END AS priority_index,
           (ARRAY['urgent','high','normal','low'])[
               CASE WHEN {x("priority")} < 0.05 THEN 1 WHEN {x("priority")} < 0.20 THEN 2
                    WHEN {x("priority")} < 0.80 THEN 3 ELSE 4 END] AS priority,
           CASE WHEN {x("channel")} < 0.35 THEN 'web' WHEN {x("channel")} < 0.60 THEN 'email'
                WHEN {x("channel")} < 0.80 THEN 'chat' WHEN {x("channel")} < 0.92 THEN 'telegram'
                ELSE 'phone' END AS channel,
           CASE WHEN {x("language")} < 0.40 THEN 'en' WHEN {x("language")} < 0.55 THEN 'zh-hans'
                WHEN {x("language")} < 0.70 THEN 'zh-hant' WHEN {x("language")} < 0.85 THEN 'ko'
                ELSE 'ja' END AS language
    OFFSET 0
) AS a,
LATERAL (
    SELECT (%(targets)s::int[])[1 + a.priority_index] AS first_minutes,
           (%(targets)s::int[])[9 + a.priority_index] AS resolution_minutes,
           -- Open: most of the last few days' tickets, a few old ones left behind.
           {x("status")} < 0.6 * exp(-extract(epoch FROM now() - a.created) / 259200.0) + 0.003
               AS open
    OFFSET 0
) AS t,
LATERAL (
    SELECT t.open,
           CASE WHEN t.open AND {x("open_status")} < 0.15
                THEN now() + interval '1 minute' * ({x("due")} * 240 - 30)
                ELSE a.created + interval '1 minute' * t.first_minutes END AS first_response_due,
           CASE WHEN t.open THEN now() + interval '1 minute' * ({x("due")} * 480 - 60)
                END AS next_response_due,
           CASE WHEN t.open THEN now() + interval '1 minute' * ({x("due")} * 4320 - 720)
                ELSE a.created + interval '1 minute' * t.resolution_minutes END AS resolution_due,
           least(now(), a.created + interval '1 minute'
                                    * (1 + power({x("respond")}, 4) * 3 * t.first_minutes))
               AS responded,
           t.resolution_minutes
    OFFSET 0
) AS b,
LATERAL (
    SELECT CASE WHEN NOT b.open THEN least(now(),
                    b.responded + interval '1 minute'
                                  * (5 + power({x("solve")}, 4) * 4 * b.resolution_minutes)) END
               AS solved,
           b.responded
    OFFSET 0
) AS s,
LATERAL (
    SELECT s.solved, s.responded,
           CASE WHEN NOT b.open AND s.solved < now() - interval '4 days'
                THEN s.solved + interval '4 days' END AS closed,
           CASE WHEN b.open THEN (ARRAY['new','open','open','open','pending','on_hold'])[
                    1 + ({u("open_status")} %% 6)]
                WHEN s.solved < now() - interval '4 days' THEN 'closed'
                ELSE 'solved' END AS status
    OFFSET 0
) AS c
"""

# Duplicates merged into the ticket before them (their messages stay on the kept one).
MERGED_SQL = """
UPDATE tickets_ticket SET merged_into_id = id - 1
WHERE id > %(after)s + 1 AND id %% 200 = 0 AND status = 'closed'
"""

# Each ticket's messages: how many and of which kinds from a hash of its id; times from its
# creation through its first reply to its solve (or now), in the order of their ids.
MESSAGES_SQL = f"""
INSERT INTO tickets_message (ticket_id, kind, author_id, channel, body, body_html, metadata,
                             counted, created_at)
SELECT t.id, m.kind, CASE WHEN m.kind = 'customer' THEN t.customer_id ELSE t.assignee_id END,
       t.channel, 'About my withdrawal of 500 USDT, message ' || m.k,
       '<p>About my withdrawal of 500 USDT, message ' || m.k || '</p>', '{{}}', false,
       CASE WHEN p.first_reply IS NULL OR m.k = 1 THEN t.created_at
            WHEN m.k < p.first_reply
                THEN t.created_at + (t.first_responded_at - t.created_at) * (m.k - 1)
                                    / p.first_reply
            ELSE t.first_responded_at
                 + (coalesce(t.solved_at, now()) - t.first_responded_at) * (m.k - p.first_reply)
                   / (p.n - p.first_reply + 1) END
FROM tickets_ticket t,
LATERAL (
    SELECT CASE WHEN t.status = 'new' OR t.first_responded_at IS NULL THEN '{{customer}}'::text[]
                WHEN {x("messages", "t.id")} < 0.45 THEN '{{customer,reply}}'
                WHEN {x("messages", "t.id")} < 0.55 THEN '{{customer,note,reply}}'
                WHEN {x("messages", "t.id")} < 0.65 THEN '{{customer,reply,customer}}'
                WHEN {x("messages", "t.id")} < 0.90 THEN '{{customer,reply,customer,reply}}'
                ELSE '{{customer,reply,customer,note,reply,customer}}' END AS kinds
    OFFSET 0
) AS h,
LATERAL (
    SELECT array_length(h.kinds, 1) AS n, array_position(h.kinds, 'reply') AS first_reply
) AS p,
LATERAL unnest(h.kinds) WITH ORDINALITY AS m(kind, k)
WHERE t.id > %(after)s
ORDER BY t.id, m.k
"""

# Status events: a solve (two, with a reopening between them, for 4 % of the solved tickets,
# the same 4 % that carry paused minutes) and the closing four days later.
EVENTS_SQL = f"""
INSERT INTO tickets_event (ticket_id, actor_id, field, before, after, created_at)
SELECT e.ticket_id, e.actor_id, 'status', e.before, e.after, e.at
FROM (
    SELECT t.id AS ticket_id, t.assignee_id AS actor_id, v.before, v.after, v.at, v.step
    FROM tickets_ticket t,
    LATERAL (
        SELECT t.first_responded_at
               + (t.solved_at - coalesce(t.first_responded_at, t.created_at)) * 0.4 AS first,
               t.first_responded_at
               + (t.solved_at - coalesce(t.first_responded_at, t.created_at)) * 0.6 AS reopened
    ) AS r,
    LATERAL (VALUES
        ('open', 'solved', r.first, 1, {x("reopen", "(t.id - %(offset)s)")} < 0.04),
        ('solved', 'open', r.reopened, 2, {x("reopen", "(t.id - %(offset)s)")} < 0.04),
        ('open', 'solved', t.solved_at, 3, true),
        ('solved', 'closed', t.closed_at, 4, t.closed_at IS NOT NULL)
    ) AS v(before, after, at, step, applies)
    WHERE t.id > %(after)s AND t.solved_at IS NOT NULL AND t.first_responded_at IS NOT NULL
      AND v.applies
) AS e
ORDER BY e.ticket_id, e.step
"""

# The breaches the SLA sweep would have recorded: first responses and solves after their due
# time, open tickets past theirs, and a next response missed on one ticket in fifty.
SLA_EVENTS_SQL = f"""
INSERT INTO tickets_slaevent (ticket_id, target, kind, due_at, created_at, notified_at)
SELECT t.id, v.target, 'breach', v.due, v.due, v.due + interval '1 minute'
FROM tickets_ticket t,
LATERAL (VALUES
    ('first_response', t.first_response_due,
     coalesce(t.first_responded_at, now()) > t.first_response_due),
    ('resolution', t.resolution_due, coalesce(t.solved_at, now()) > t.resolution_due),
    ('next_response',
     t.first_responded_at + (coalesce(t.solved_at, now()) - t.first_responded_at) * 0.5,
     t.first_responded_at IS NOT NULL AND {x("next_breach", "t.id")} < 0.02)
) AS v(target, due, applies)
WHERE t.id > %(after)s AND v.applies AND v.due < now()
"""

# Half the solved tickets not from chat were surveyed two hours after their solve; a share of
# those answered (`answered`: chosen so that about `answers` answer). The rows still running
# have their next step ahead, as if the sweep had run until now.
INVITATIONS_SQL = f"""
INSERT INTO tickets_surveyinvitation (
    ticket_id, customer_id, email, agent_id, team_id, channel, language, state, token_hash,
    send_at, sent_at, remind_at, reminded_at, expires_at, answered_at, cancelled_at,
    cancel_reason, next_at, created_at
)
SELECT t.id, t.customer_id, u.email, t.assignee_id, t.team_id, t.channel, t.language, s.state,
       CASE WHEN s.state <> 'scheduled' THEN md5(t.id || 'survey') || md5(t.id || 'token') END,
       s.send, CASE WHEN s.state <> 'scheduled' THEN s.send END,
       CASE WHEN s.state <> 'scheduled' THEN s.send + interval '48 hours' END,
       CASE WHEN s.state IN ('reminded', 'expired')
                 OR (s.state = 'answered' AND s.send + interval '48 hours' < s.answered)
            THEN s.send + interval '48 hours' END,
       CASE WHEN s.state <> 'scheduled' THEN s.send + interval '14 days' END,
       CASE WHEN s.state = 'answered' THEN s.answered END, NULL, '',
       CASE s.state WHEN 'scheduled' THEN s.send WHEN 'sent' THEN s.send + interval '48 hours'
                    WHEN 'reminded' THEN s.send + interval '14 days' END,
       t.solved_at
FROM tickets_ticket t
JOIN auth_user u ON u.id = t.customer_id,
LATERAL (
    SELECT t.solved_at + interval '2 hours' AS send,
           least(now() - interval '1 minute', t.solved_at + interval '2 hours'
                 + interval '72 hours' * power({x("answer_time", "t.id")}, 2)) AS answered
    OFFSET 0
) AS a,
LATERAL (
    SELECT a.send, a.answered,
           CASE WHEN a.send > now() THEN 'scheduled'
                WHEN {x("answered", "t.id")} < %(answered)s THEN 'answered'
                WHEN a.send + interval '14 days' <= now() THEN 'expired'
                WHEN a.send + interval '48 hours' > now() THEN 'sent'
                ELSE 'reminded' END AS state
    OFFSET 0
) AS s
WHERE t.id > %(after)s AND t.status IN ('solved', 'closed') AND t.channel <> 'chat'
  AND t.merged_into_id IS NULL AND {x("surveyed", "t.id")} < 0.5
"""

ANSWERS_SQL = f"""
INSERT INTO tickets_surveyanswer (invitation_id, ticket_id, agent_id, team_id, channel, language,
                                  score, solved, comment, negative, created_at)
SELECT i.id, i.ticket_id, i.agent_id, i.team_id, i.channel, i.language, s.score,
       s.score >= 3, CASE WHEN s.commented THEN c.comment ELSE '' END,
       s.commented AND s.score <= 2, i.answered_at
FROM tickets_surveyinvitation i,
LATERAL (
    SELECT CASE WHEN {x("score", "i.id")} < 0.50 THEN 5 WHEN {x("score", "i.id")} < 0.75 THEN 4
                WHEN {x("score", "i.id")} < 0.85 THEN 3 WHEN {x("score", "i.id")} < 0.91 THEN 2
                ELSE 1 END AS score,
           {x("commented", "i.id")} < 0.2 AS commented
    OFFSET 0
) AS s,
LATERAL (
    SELECT CASE WHEN s.score >= 4 THEN 'Quick and clear, thank you.'
                ELSE 'It took far too long and nobody explained why.' END AS comment
) AS c
WHERE i.id > %(after)s AND i.state = 'answered'
ORDER BY i.id
"""

# A sample of the customers each quarter of the year (`quarters`: their names and the days
# the sample was sent); a third of those asked answered.
NPS_SQL = f"""
INSERT INTO tickets_npsinvitation (customer_id, quarter, email, language, state, token_hash,
                                   send_at, sent_at, expires_at, answered_at, next_at,
                                   created_at)
SELECT u.id, q.quarter, u.email, p.preferred_language, s.state,
       md5(u.id || q.quarter) || md5(q.quarter || u.id), q.sent, q.sent,
       q.sent + interval '14 days', CASE WHEN s.state = 'answered' THEN s.answered END,
       CASE WHEN s.state = 'sent' THEN q.sent + interval '14 days' END, q.sent
FROM auth_user u
JOIN support_customerprofile p ON p.user_id = u.id,
unnest(%(quarters)s::text[], %(sent)s::timestamptz[]) AS q(quarter, sent),
LATERAL (
    SELECT CASE WHEN {x("nps_answered", "(u.id || q.quarter)")} < 0.34 THEN 'answered'
                WHEN q.sent + interval '14 days' <= now() THEN 'expired'
                ELSE 'sent' END AS state,
           least(now() - interval '1 minute', q.sent + interval '14 days'
                 * power({x("nps_time", "(u.id || q.quarter)")}, 2)) AS answered
    OFFSET 0
) AS s
WHERE u.username LIKE 'dash%%@example.com'
  AND {x("nps_asked", "(u.id || q.quarter)")} < %(asked)s
ORDER BY q.sent, u.id
"""

NPS_ANSWERS_SQL = f"""
INSERT INTO tickets_npsanswer (invitation_id, customer_id, language, score, reason, created_at)
SELECT i.id, i.customer_id, i.language, s.score,
       CASE WHEN {x("nps_reason", "i.id")} < 0.3 THEN 'Fast withdrawals, slow support.' ELSE ''
       END, i.answered_at
FROM tickets_npsinvitation i,
LATERAL (
    SELECT (ARRAY[0,1,2,3,4,5,6,6,7,7,8,8,8,9,9,9,9,10,10,10])[
        1 + {u("nps_score", "i.id")} %% 20] AS score
) AS s
WHERE i.id > %(after)s AND i.state = 'answered'
ORDER BY i.id
"""

# Searches over the year: 2,000 distinct texts, a few of them most of the searches; 8 % found
# nothing, and a result's best score spreads over 0–1 (below 0.15: no good answer).
SEARCHES_SQL = f"""
INSERT INTO helpcenter_searchrecord (query, normalized_query, language, results_count,
                                     best_score, clicked_article_id, source, created_at)
SELECT initcap(q.text), q.text, ({LANGUAGES})[1 + {u("language")} %% 5],
       CASE WHEN {x("found")} < 0.08 THEN 0 ELSE 1 + {u("results")} %% 10 END,
       CASE WHEN {x("found")} < 0.08 THEN 0 ELSE {x("score")} END, NULL,
       CASE WHEN {x("source")} < 0.80 THEN 'help_search' WHEN {x("source")} < 0.95
            THEN 'contact_form' ELSE 'chat' END,
       now() - {YEAR} * ((%(n)s - g)::float / %(n)s)
FROM generate_series(%(start)s, %(n)s) AS g,
LATERAL (
    SELECT (ARRAY['withdrawal pending','deposit not credited','reset 2fa','kyc rejected',
                  'trading fee','api key','account locked','usdt network','p2p dispute',
                  'staking rewards'])[1 + {u("topic")} %% 10]
           || ' ' || (power({x("variant")}, 3) * 200)::int AS text
) AS q
"""

DEFLECTIONS_SQL = f"""
INSERT INTO helpcenter_deflectionrecord (search_id, article_id, source, outcome, created_at)
SELECT s.id, NULL, 'contact_form',
       CASE WHEN {x("deflected", "s.id")} < 0.4 THEN 'deflected' ELSE 'submitted' END,
       s.created_at
FROM helpcenter_searchrecord s
WHERE s.id > %(after)s AND s.source = 'contact_form' AND s.results_count > 0
ORDER BY s.id
"""

# Chats over the year: the bot answered 60 %, 45 % were handed to a person; the last few
# minutes' are still with the bot, queued or with an agent.
CHATS_SQL = f"""
INSERT INTO livechat_conversation (
    guest_email, guest_key, language, category, status, urgent, handoff_reason, bot_summary,
    transfer_note, wants_transcript, customer_read_up_to, agent_read_up_to, rating,
    rating_comment, ticket_reference, created_at, queued_at, assigned_at, ended_at, agent_id,
    customer_id, team_id
)
SELECT CASE WHEN c.guest THEN 'guest' || g || '@example.com' ELSE '' END, '',
       ({LANGUAGES})[1 + {u("language")} %% 5], (%(categories)s::text[])[1 + {u("category")} %% 12],
       c.status, false, CASE WHEN c.handed THEN 'asked_for_human' ELSE '' END, '', '', true, 0, 0,
       CASE WHEN c.handed AND c.status = 'ended' AND {x("rated")} < 0.3
            THEN 1 + {u("rating")} %% 5 END, '',
       CASE WHEN c.handed AND {x("ticket")} < 0.2 THEN 'T-' || lpad(g::text, 6, '0') ELSE '' END,
       c.created, CASE WHEN c.handed THEN c.created + interval '2 minutes' END,
       CASE WHEN c.handed AND c.status <> 'queued'
            THEN c.created + interval '2 minutes' + interval '5 minutes' * {x("wait")} END,
       CASE WHEN c.status = 'ended' THEN c.created + interval '10 minutes'
                                         + interval '20 minutes' * {x("length")} END,
       CASE WHEN c.handed AND c.status <> 'queued'
            THEN (%(agents)s::int[])[1 + {u("agent")} %% {AGENTS}] END,
       CASE WHEN NOT c.guest THEN %(first_customer)s + ({u("customer")} %% %(customers)s)::int
            END,
       (%(teams)s::bigint[])[1 + {u("team")} %% 8]
FROM generate_series(%(start)s, %(n)s) AS g,
LATERAL (
    SELECT now() - {YEAR} * ((%(n)s - g)::float / %(n)s) AS created,
           {x("guest")} < 0.5 AS guest,
           {x("handed")} < 0.45 AS handed,
           CASE WHEN g <= %(n)s - 40 THEN 'ended'
                WHEN {x("handed")} >= 0.45 THEN 'bot'
                WHEN g %% 2 = 0 THEN 'queued' ELSE 'assigned' END AS status
    OFFSET 0
) AS c
"""

CHAT_MESSAGES_SQL = """
INSERT INTO livechat_chatmessage (conversation_id, sender, author_id, body, client_message_id,
                                  automated, bot_action, internal, articles, created_at)
SELECT c.id, m.sender, CASE m.sender WHEN 'customer' THEN c.customer_id
                                     WHEN 'agent' THEN c.agent_id END,
       m.body, '', m.sender = 'bot', m.action, false, '[]', c.created_at + m.after
FROM livechat_conversation c,
LATERAL (VALUES
    ('customer', 'My deposit has not arrived', '', interval '0', true, 1),
    ('bot', 'Deposits on this network take up to 30 minutes: see this article.', 'answer',
     interval '10 seconds', (hashtext(c.id || 'bot')::bigint + 2147483648) %% 10 < 6, 2),
    ('agent', 'Let me check that for you.', '', interval '3 minutes', c.agent_id IS NOT NULL, 3)
) AS m(sender, body, action, after, applies, step)
WHERE c.id > %(after)s AND m.applies
ORDER BY c.id, m.step
"""

# One reviewed ticket in 300, by a supervisor, two days after its solve.
REVIEWS_SQL = f"""
INSERT INTO tickets_qualityreview (ticket_id, conversation_id, agent_id, reviewer_id, language,
                                   score, comment, agent_reply, created_at)
SELECT t.id, NULL, t.assignee_id, %(reviewer)s, t.language, 60 + 40 * {x("review", "t.id")},
       '', '', least(now(), t.solved_at + interval '2 days')
FROM tickets_ticket t
WHERE t.id > %(after)s AND t.id %% 300 = 0 AND t.solved_at IS NOT NULL
  AND t.assignee_id IS NOT NULL
"""


def staff() -> dict:
    """The teams with their calendars, 60 agents (agent i in team i mod 8; a third online),
    the SLA policies, a supervisor of the first two teams (one 24/7, one on office hours) and
    an administrator."""
    ensure_roles()
    calendars = {
        name: BusinessCalendar.objects.get_or_create(
            name=name,
            defaults={
                "timezone": zone,
                "always_open": False,
                "weekly_hours": {str(day): [["09:00", "18:00"]] for day in range(5)},
                "holiday_country": country,
            },
        )[0]
        for name, (zone, country) in CALENDARS.items()
    }
    teams = []
    for slug, calendar in TEAMS:
        team, _ = Team.objects.get_or_create(slug=slug, defaults={"name": slug[5:].title()})
        if calendar:
            calendars[calendar].teams.add(team)
        teams.append(team)
    agents = [_agent(index, teams[index % len(teams)]) for index in range(AGENTS)]
    supervisor = person("bench.dash.supervisor@example.com", Role.SUPERVISOR)
    Team.objects.filter(pk__in=[teams[0].pk, teams[1].pk]).update(supervisor=supervisor)
    policies = [
        SlaPolicy.objects.get_or_create(
            name=f"Dashboards {priority}",
            defaults={
                "priority": priority,
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
            },
        )[0]
        for priority, (first, following, resolution) in POLICIES.items()
    ]
    return {
        "teams": teams,
        "agents": agents,
        "agent": agents[1],  # of a team on a business-hour calendar
        "supervisor": supervisor,
        "admin": person("bench.dash.admin@example.com", Role.ADMIN),
        "policies": policies,
    }


def _agent(index: int, team: Team):
    email = f"bench.dash.agent{index}@example.com"
    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        user = person(email, Role.AGENT)
        presence = ("online", "online", "away", "offline", "offline", "offline")[index % 6]
        AgentProfile.objects.filter(user=user).update(presence=presence)
        user.agent_profile.teams.add(team)
    return user


def fill(*, tickets: int, answers: int, searches: int, chats: int, people: dict) -> None:
    """Add what is missing of each part: customers, tickets with everything that hangs on them,
    NPS, searches, chats. Every part analysed after it is filled."""
    from support.taxonomy import Category

    with connection.cursor() as cursor:
        first_customer = _customers(cursor)
        common = {
            "first_customer": first_customer,
            "customers": CUSTOMERS,
            "categories": list(Category.values),
            "teams": [team.pk for team in people["teams"]],
            "agents": [agent.pk for agent in people["agents"]],
        }
        have = Ticket.objects.count()
        if have < tickets:
            _timed(
                f"{tickets - have:,} tickets with their messages, events, SLA breaches, surveys",
                lambda: _tickets(cursor, common, have, tickets, answers, people),
            )
        if NpsInvitation.objects.count() == 0:
            _timed("NPS samples and answers", lambda: _nps(cursor, answers // 10))
        have = SearchRecord.objects.count()
        if have < searches:
            _timed(f"{searches - have:,} searches", lambda: _searches(cursor, have, searches))
        have = Conversation.objects.count()
        if have < chats:
            _timed(f"{chats - have:,} chats", lambda: _chats(cursor, common, have, chats))


def run(cursor, what: str, sql: str, params: dict) -> None:
    """One statement of the fill, with its rows and time printed."""
    started = time.perf_counter()
    cursor.execute(sql, params)
    print(f"    {what}: {cursor.rowcount:,} rows, {time.perf_counter() - started:.0f} s")


def _timed(what: str, work) -> None:
    started = time.perf_counter()
    work()
    print(f"filled {what} in {time.perf_counter() - started:.0f} s")


def _customers(cursor) -> int:
    cursor.execute("SELECT min(id) FROM auth_user WHERE username LIKE 'dash%%@example.com'")
    first = cursor.fetchone()[0]
    if first is None:
        cursor.execute(CUSTOMERS_SQL, {"customers": CUSTOMERS})
        cursor.execute("ANALYZE auth_user; ANALYZE support_customerprofile")
        cursor.execute("SELECT min(id) FROM auth_user WHERE username LIKE 'dash%%@example.com'")
        first = cursor.fetchone()[0]
    return first


def _tickets(cursor, common: dict, have: int, tickets: int, answers: int, people: dict) -> None:
    """The tickets numbered have+1 … tickets and every row that hangs on them, in one
    transaction (a run stopped half-way leaves nothing half made)."""
    targets = [minutes for column in zip(*POLICIES.values(), strict=True) for minutes in column]
    with transaction.atomic():
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        after = cursor.fetchone()[0]
        offset = after - have
        run(
            cursor,
            "tickets",
            TICKETS_SQL,
            {
                **common,
                "start": have + 1,
                "n": tickets,
                "offset": offset,
                "policies": [policy.pk for policy in people["policies"]],
                "targets": targets,
            },
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), max(id)) "
            "FROM tickets_ticket"
        )
        run(cursor, "merged duplicates", MERGED_SQL, {"after": after})
        cursor.execute("ANALYZE tickets_ticket")
        run(cursor, "messages", MESSAGES_SQL, {"after": after})
        run(cursor, "status events", EVENTS_SQL, {"after": after, "offset": offset})
        run(cursor, "SLA breaches", SLA_EVENTS_SQL, {"after": after})
        _surveys(cursor, after, answers - SurveyAnswer.objects.count())
        reviewer = people["supervisor"].pk
        run(cursor, "quality reviews", REVIEWS_SQL, {"after": after, "reviewer": reviewer})
    for table in ("message", "event", "slaevent", "surveyinvitation", "surveyanswer"):
        cursor.execute(f"ANALYZE tickets_{table}")
    cursor.execute("ANALYZE tickets_qualityreview")


def _surveys(cursor, after: int, answers: int) -> None:
    """Invitations for half the eligible tickets; answered: the share that makes `answers`."""
    cursor.execute(
        "SELECT count(*) FROM tickets_ticket WHERE id > %s AND status IN ('solved', 'closed') "
        "AND channel <> 'chat' AND merged_into_id IS NULL AND solved_at < now() - interval "
        "'2 hours'",
        [after],
    )
    surveyed = cursor.fetchone()[0] / 2
    cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_surveyinvitation")
    invitations_after = cursor.fetchone()[0]
    share = min(1.0, max(answers, 0) / surveyed) if surveyed else 0.0
    run(cursor, "survey invitations", INVITATIONS_SQL, {"after": after, "answered": share})
    run(cursor, "survey answers", ANSWERS_SQL, {"after": invitations_after})


def quarters(now: datetime, count: int = 4) -> list[tuple[str, datetime]]:
    """The last `count` quarters (this one included): their names and the day their sample was
    sent (five days in, or yesterday for a quarter that began less than five days ago)."""
    found = []
    year, quarter = now.year, (now.month - 1) // 3
    for _ in range(count):
        start = datetime(year, 3 * quarter + 1, 1, 9, tzinfo=UTC)
        found.append((f"{year}Q{quarter + 1}", min(start + timedelta(days=5), now - timedelta(1))))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return found


def _nps(cursor, answers: int) -> None:
    """NPS invitations to the share of customers that makes about `answers` answers."""
    sampled = quarters(timezone.now())
    asked = min(1.0, answers / 0.34 / len(sampled) / CUSTOMERS)
    with transaction.atomic():
        cursor.execute(
            NPS_SQL,
            {
                "quarters": [name for name, _sent in sampled],
                "sent": [sent for _name, sent in sampled],
                "asked": asked,
            },
        )
        cursor.execute(NPS_ANSWERS_SQL, {"after": 0})
    cursor.execute("ANALYZE tickets_npsinvitation; ANALYZE tickets_npsanswer")


def _searches(cursor, have: int, searches: int) -> None:
    cursor.execute("SELECT coalesce(max(id), 0) FROM helpcenter_searchrecord")
    after = cursor.fetchone()[0]
    with transaction.atomic():
        cursor.execute(SEARCHES_SQL, {"start": have + 1, "n": searches})
        cursor.execute(DEFLECTIONS_SQL, {"after": after})
    cursor.execute("ANALYZE helpcenter_searchrecord; ANALYZE helpcenter_deflectionrecord")


def _chats(cursor, common: dict, have: int, chats: int) -> None:
    cursor.execute("SELECT coalesce(max(id), 0) FROM livechat_conversation")
    after = cursor.fetchone()[0]
    with transaction.atomic():
        cursor.execute(CHATS_SQL, {**common, "start": have + 1, "n": chats})
        cursor.execute(CHAT_MESSAGES_SQL, {"after": after})
    cursor.execute("ANALYZE livechat_conversation; ANALYZE livechat_chatmessage")


def counts() -> dict[str, int]:
    """Rows per table of the data (estimates from the statistics for the large ones)."""
    tables = {
        "tickets": "tickets_ticket",
        "open tickets": None,
        "messages": "tickets_message",
        "status events": "tickets_event",
        "SLA breach rows": "tickets_slaevent",
        "survey invitations": "tickets_surveyinvitation",
        "survey answers": "tickets_surveyanswer",
        "NPS invitations": "tickets_npsinvitation",
        "NPS answers": "tickets_npsanswer",
        "help-center searches": "helpcenter_searchrecord",
        "deflection rows": "helpcenter_deflectionrecord",
        "chats": "livechat_conversation",
        "chat messages": "livechat_chatmessage",
        "quality reviews": "tickets_qualityreview",
    }
    found = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            if table is None:
                found[name] = Ticket.objects.open().count()
                continue
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names above)
            found[name] = cursor.fetchone()[0]
    return found
