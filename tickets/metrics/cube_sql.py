"""The SQL of the daily roll-ups: the triggers that mark changed days, and the statement that
rebuilds one day's rows (tickets/metrics/cube.py explains both). Every piece is a constant of
this module; the only values, the day and its bounds, are bound parameters. Migration 0018
installs the triggers; a change to them needs a migration that runs INSTALL again (every
function is CREATE OR REPLACE)."""

# ruff: noqa: S608

from tickets.metrics.base import SATISFIED_FROM

DAY = "((%s) AT TIME ZONE 'UTC')::date"

TICKET_TIMES = (
    "created_at",
    "solved_at",
    "closed_at",
    "first_responded_at",
    "first_response_due",
    "resolution_due",
)
TICKET_FIELDS = (
    "team_id",
    "channel",
    "language",
    "category",
    "priority",
    "assignee_id",
    "merged_into_id",
    "status",
    "strongly_negative",
    "first_response_minutes",
    "resolution_minutes",
    "resolution_of",
    *TICKET_TIMES,
)
MESSAGE_FIELDS = (
    "ticket_id",
    "kind",
    "author_id",
    "created_at",
    "handle_minutes",
    "cycle_started_at",
)


def _ticket_days(alias: str) -> str:
    """The days a ticket's counts are dated by, and the days of its survey answers (their
    category and priority are the ticket's)."""
    values = ", ".join(f"({alias}.{name})" for name in TICKET_TIMES)
    return (
        f"LATERAL (SELECT x.ts FROM (VALUES {values}) AS x(ts) UNION ALL "
        f"SELECT a.created_at FROM tickets_surveyanswer a WHERE a.ticket_id = {alias}.id) AS v(ts)"
    )


# Today is always counted from the tickets, so its changes need no mark, except in its last
# hour: a transaction still open at midnight may commit after the day was rebuilt.
MARKED = "ts < date_trunc('day', now() AT TIME ZONE 'UTC' + interval '1 hour') AT TIME ZONE 'UTC'"


def _mark(select: str) -> str:
    return (
        f"INSERT INTO tickets_figuredirty (day) SELECT DISTINCT {DAY % 'ts'} FROM {select} "
        f"AND {MARKED};"
    )


def _changed(fields: tuple[str, ...]) -> str:
    old = ", ".join(f"o.{name}" for name in fields)
    new = ", ".join(f"n.{name}" for name in fields)
    return f"({old}) IS DISTINCT FROM ({new})"


def _function(name: str, days: str, *, fields: tuple[str, ...] = (), join: str = ", ") -> str:
    """A statement trigger function marking the days that `days` names for the rows written
    (`r`); on an update (`fields` given) only for the rows whose `fields` changed, the old row's
    days and the new one's."""
    updated = ""
    if fields:
        pairs = "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE " + _changed(fields)
        rows = f"(SELECT o.* {pairs} UNION ALL SELECT n.* {pairs}) AS r"
        updated = f"ELSIF TG_OP = 'UPDATE' THEN\n    {_mark(rows + join + days)}"
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_mark("new_rows AS r" + join + days)}
  ELSIF TG_OP = 'DELETE' THEN
    {_mark("old_rows AS r" + join + days)}
  {updated}
  END IF;
  RETURN NULL;
END $$;
"""


TICKET_FUNCTION = _function(
    "tickets_figure_mark_tickets", _ticket_days("r") + " WHERE ts IS NOT NULL", fields=TICKET_FIELDS
)
# A reply dates handle time and next responses by its own day, and changes the first-contact
# resolution of its ticket's solve day.
_REPLY_DAYS = (
    "LATERAL (VALUES (r.created_at), ((SELECT t.solved_at FROM tickets_ticket t "
    "WHERE t.id = r.ticket_id))) AS v(ts) WHERE r.kind = 'reply' AND ts IS NOT NULL"
)
MESSAGE_FUNCTION = _function("tickets_figure_mark_messages", _REPLY_DAYS, fields=MESSAGE_FIELDS)
EVENT_FUNCTION = _function(
    "tickets_figure_mark_events",
    "LATERAL (VALUES (r.created_at)) AS v(ts) WHERE r.field = 'status'",
)
# A breach row dates a missed next response by its due time, and turns its ticket's first
# response or resolution from met to breached on the day that target was decided.
_BREACH_DAYS = (
    "LEFT JOIN tickets_ticket t ON t.id = r.ticket_id, LATERAL (VALUES (r.due_at), "
    + ", ".join(f"(t.{name})" for name in TICKET_TIMES)
    + ") AS v(ts) WHERE r.kind = 'breach' AND ts IS NOT NULL"
)
SLA_FUNCTION = _function("tickets_figure_mark_sla_events", _BREACH_DAYS, join=" ")
# A survey answer counts on the day it was given, with the team, channel and language recorded
# on it when the ticket was solved.
SURVEY_ANSWER_FIELDS = ("ticket_id", "team_id", "channel", "language", "score", "created_at")
SURVEY_ANSWER_FUNCTION = _function(
    "tickets_figure_mark_survey_answers",
    "LATERAL (VALUES (r.created_at)) AS v(ts) WHERE ts IS NOT NULL",
    fields=SURVEY_ANSWER_FIELDS,
)


def _triggers(table: str, function: str, events: tuple[str, ...]) -> str:
    """The statement triggers `{table}_figures_{event}` calling `function`."""
    statements = []
    for event in events:
        transition = {
            "INSERT": "NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        }[event]
        statements.append(
            f"CREATE TRIGGER {table}_figures_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    return "\n".join(statements)


ALL = ("INSERT", "UPDATE", "DELETE")
INSTALL = "\n".join(
    [
        TICKET_FUNCTION,
        MESSAGE_FUNCTION,
        EVENT_FUNCTION,
        SLA_FUNCTION,
        _triggers("tickets_ticket", "tickets_figure_mark_tickets", ALL),
        _triggers("tickets_message", "tickets_figure_mark_messages", ALL),
        _triggers("tickets_event", "tickets_figure_mark_events", ("INSERT", "DELETE")),
        _triggers("tickets_slaevent", "tickets_figure_mark_sla_events", ("INSERT", "DELETE")),
    ]
)
# Migration 0022: the ticket function again (it now also marks its survey answers' days), the
# survey answers' function and triggers.
INSTALL_SURVEYS = "\n".join(
    [
        TICKET_FUNCTION,
        SURVEY_ANSWER_FUNCTION,
        _triggers("tickets_surveyanswer", "tickets_figure_mark_survey_answers", ALL),
    ]
)
UNINSTALL_SURVEYS = "\n".join(
    [
        *(
            f"DROP TRIGGER IF EXISTS tickets_surveyanswer_figures_{e.lower()} "
            "ON tickets_surveyanswer;"
            for e in ALL
        ),
        "DROP FUNCTION IF EXISTS tickets_figure_mark_survey_answers();",
    ]
)
UNINSTALL = "\n".join(
    [
        *(
            f"DROP TRIGGER IF EXISTS tickets_ticket_figures_{e.lower()} ON tickets_ticket;"
            for e in ALL
        ),
        *(
            f"DROP TRIGGER IF EXISTS tickets_message_figures_{e.lower()} ON tickets_message;"
            for e in ALL
        ),
        "DROP TRIGGER IF EXISTS tickets_event_figures_insert ON tickets_event;",
        "DROP TRIGGER IF EXISTS tickets_event_figures_delete ON tickets_event;",
        "DROP TRIGGER IF EXISTS tickets_slaevent_figures_insert ON tickets_slaevent;",
        "DROP TRIGGER IF EXISTS tickets_slaevent_figures_delete ON tickets_slaevent;",
        "DROP FUNCTION IF EXISTS tickets_figure_mark_tickets();",
        "DROP FUNCTION IF EXISTS tickets_figure_mark_messages();",
        "DROP FUNCTION IF EXISTS tickets_figure_mark_events();",
        "DROP FUNCTION IF EXISTS tickets_figure_mark_sla_events();",
    ]
)


# One day's rows, rebuilt from the tickets: every part yields the filters' columns, the agent a
# count belongs to (the assignee for solves and first responses, the author for replies) and its
# counts; the parts' sums per combination are the day's FigureDay rows, per team and agent its
# AgentDay rows. The definitions are docs/metrics.md's, restricted to one day.
COUNTS = (
    "created",
    "negative",
    "resolved",
    "fcr_solved",
    "fcr_first_contact",
    "reopenings",
    "solves",
    "fr_met",
    "fr_breached",
    "res_met",
    "res_breached",
    "nr_met",
    "nr_breached",
    "handle_total",
    "handle_count",
    "csat_responses",
    "csat_score_total",
    "csat_satisfied",
)
MINUTES = ("fr_minute", "res_minute")
DIMENSIONS = ("team_id", "channel", "language", "category", "priority")
IN_DAY = "{0} >= %(start)s AND {0} < %(end)s"
DONE = "t.status IN ('solved', 'closed')"
RESOLVED = f"CASE WHEN {DONE} THEN COALESCE(t.solved_at, t.closed_at) END"


def _breach(target: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM tickets_slaevent b WHERE b.ticket_id = t.id "
        f"AND b.target = '{target}' AND b.kind = 'breach')"
    )


FIRST_RESPONSE_MET = (
    "(t.first_responded_at IS NOT NULL AND t.first_responded_at <= t.first_response_due "
    f"AND NOT {_breach('first_response')})"
)
RESOLUTION_MET = (
    f"({RESOLVED} IS NOT NULL AND {RESOLVED} <= t.resolution_due AND NOT {_breach('resolution')})"
)
FIRST_CONTACT = (
    "((SELECT count(*) FROM tickets_message r WHERE r.ticket_id = t.id AND r.kind = 'reply') = 1 "
    "AND NOT EXISTS (SELECT 1 FROM tickets_event e WHERE e.ticket_id = t.id "
    "AND e.field = 'status' AND e.before = 'solved' AND e.after = 'open'))"
)
LATE_BREACH = (
    "EXISTS (SELECT 1 FROM tickets_slaevent b WHERE b.ticket_id = m.ticket_id "
    "AND b.target = 'next_response' AND b.kind = 'breach' "
    "AND b.due_at > m.cycle_started_at AND b.due_at <= m.created_at)"
)
TICKETS = "FROM tickets_ticket t WHERE t.merged_into_id IS NULL AND "
PARTS = (
    (
        {"created": "1", "negative": "t.strongly_negative::int"},
        "NULL::integer",
        TICKETS + IN_DAY.format("t.created_at"),
    ),
    (
        {
            "csat_responses": "1",
            "csat_score_total": "t.score",
            "csat_satisfied": f"(t.score >= {SATISFIED_FROM})::int",
        },
        "NULL::integer",
        # Every answer, merged tickets' included, as the raw figure counts them.
        "FROM (SELECT a.team_id, a.channel, a.language, k.category, k.priority, a.score, "
        "a.created_at FROM tickets_surveyanswer a JOIN tickets_ticket k ON k.id = a.ticket_id) "
        "AS t WHERE " + IN_DAY.format("t.created_at"),
    ),
    (
        {"resolved": "1"},
        "NULL::integer",
        TICKETS + f"{DONE} AND " + IN_DAY.format("COALESCE(t.solved_at, t.closed_at)"),
    ),
    (
        {
            "fcr_solved": "1",
            "fcr_first_contact": f"{FIRST_CONTACT}::int",
            "res_minute": "CASE WHEN t.resolution_of = t.solved_at THEN t.resolution_minutes END",
        },
        "t.assignee_id",
        TICKETS + f"{DONE} AND " + IN_DAY.format("t.solved_at"),
    ),
    (
        {"fr_met": "x.met::int", "fr_breached": "1 - x.met::int"},
        "t.assignee_id",
        f"FROM tickets_ticket t CROSS JOIN LATERAL (SELECT {FIRST_RESPONSE_MET} AS met) AS x "
        "WHERE t.merged_into_id IS NULL AND t.first_response_due IS NOT NULL AND "
        + IN_DAY.format("LEAST(t.first_responded_at, t.first_response_due)"),
    ),
    (
        {"res_met": "x.met::int", "res_breached": "1 - x.met::int"},
        "NULL::integer",
        f"FROM tickets_ticket t CROSS JOIN LATERAL (SELECT {RESOLUTION_MET} AS met) AS x "
        "WHERE t.merged_into_id IS NULL AND t.resolution_due IS NOT NULL AND "
        + IN_DAY.format(f"LEAST({RESOLVED}, t.resolution_due)"),
    ),
    (
        {"fr_minute": "t.first_response_minutes"},
        "NULL::integer",
        TICKETS
        + "t.first_response_minutes IS NOT NULL AND "
        + IN_DAY.format("t.first_responded_at"),
    ),
    (
        {
            "nr_met": f"(m.cycle_started_at IS NOT NULL AND NOT {LATE_BREACH})::int",
            "handle_total": "COALESCE(m.handle_minutes, 0)",
            "handle_count": "(m.handle_minutes IS NOT NULL)::int",
        },
        "m.author_id",
        "FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id "
        "WHERE t.merged_into_id IS NULL AND m.kind = 'reply' AND " + IN_DAY.format("m.created_at"),
    ),
    (
        {"nr_breached": "1"},
        "NULL::integer",
        "FROM tickets_slaevent s JOIN tickets_ticket t ON t.id = s.ticket_id "
        "WHERE t.merged_into_id IS NULL AND s.target = 'next_response' AND s.kind = 'breach' AND "
        + IN_DAY.format("s.due_at"),
    ),
    (
        {
            "reopenings": "(e.before = 'solved' AND e.after = 'open')::int",
            "solves": "(e.after = 'solved')::int",
        },
        "NULL::integer",
        "FROM tickets_event e JOIN tickets_ticket t ON t.id = e.ticket_id "
        "WHERE t.merged_into_id IS NULL AND e.field = 'status' "
        "AND (e.after = 'solved' OR (e.before = 'solved' AND e.after = 'open')) AND "
        + IN_DAY.format("e.created_at"),
    ),
)


def _part(counts: dict, agent: str, source: str) -> str:
    columns = [f"t.{name}" for name in DIMENSIONS] + [f"{agent} AS agent_id"]
    columns += [f"{counts.get(name, '0')} AS {name}" for name in COUNTS]
    columns += [f"{counts.get(name, 'NULL::integer')} AS {name}" for name in MINUTES]
    return "SELECT " + ", ".join(columns) + " " + source


_SUMS = ", ".join(f"SUM({name})" for name in COUNTS)
_GROUP = ", ".join(DIMENSIONS)
# Three grains of the same sums (FigureDay.grain): every filter; team, channel and language (the
# filters a supervisor uses most); team alone (the default views). A figure reads the coarsest
# grain that holds its filters: a few hundred rows for 90 days instead of a quarter million.
_GRAIN = (
    "CASE GROUPING(channel, language, category, priority) WHEN 0 THEN 0 WHEN 3 THEN 1 ELSE 2 END"
)
_SETS = """GROUPING SETS ((team_id, channel, language, category, priority{extra}),
      (team_id, channel, language{extra}), (team_id{extra}))"""
_KEY = (
    "team_id, COALESCE(channel, '') AS channel, COALESCE(language, '') AS language, "
    "COALESCE(category, '') AS category, COALESCE(priority, '') AS priority"
)
_SAME_ROW = " AND ".join(
    ["h.grain = s.grain", "h.team_id IS NOT DISTINCT FROM s.team_id"]
    + [f"h.{name} = s.{name}" for name in DIMENSIONS[1:]]
)
# Minutes are kept as a histogram per row (each minute value once, with how many): a team's day
# holds a few hundred replies but far fewer distinct minute values.
REBUILD_DAY = f"""
WITH parts AS ({" UNION ALL ".join(_part(*part) for part in PARTS)}),
minutes AS (
  SELECT team_id, channel, language, category, priority, 'f' AS kind, fr_minute AS v
  FROM parts WHERE fr_minute IS NOT NULL
  UNION ALL
  SELECT team_id, channel, language, category, priority, 'r', res_minute
  FROM parts WHERE res_minute IS NOT NULL
),
counted AS (
  SELECT {_GRAIN} AS grain, {_KEY}, kind, v, count(*) AS n
  FROM minutes GROUP BY {_SETS.format(extra=", kind, v")}
),
histograms AS (
  SELECT grain, team_id, channel, language, category, priority,
      array_agg(v ORDER BY v) FILTER (WHERE kind = 'f') AS fr_values,
      array_agg(n ORDER BY v) FILTER (WHERE kind = 'f') AS fr_counts,
      array_agg(v ORDER BY v) FILTER (WHERE kind = 'r') AS res_values,
      array_agg(n ORDER BY v) FILTER (WHERE kind = 'r') AS res_counts
  FROM counted GROUP BY grain, team_id, channel, language, category, priority
),
sums AS (
  SELECT {_GRAIN} AS grain, {_KEY}, {", ".join(f"SUM({name}) AS {name}" for name in COUNTS)}
  FROM parts GROUP BY {_SETS.format(extra="")}
),
figures AS (
  INSERT INTO tickets_figureday (day, grain, {_GROUP}, {", ".join(COUNTS)},
      fr_values, fr_counts, res_values, res_counts)
  SELECT %(day)s, s.grain, {", ".join(f"s.{name}" for name in DIMENSIONS)},
      {", ".join(f"s.{name}" for name in COUNTS)},
      COALESCE(h.fr_values, '{{}}'), COALESCE(h.fr_counts, '{{}}'),
      COALESCE(h.res_values, '{{}}'), COALESCE(h.res_counts, '{{}}')
  FROM sums s LEFT JOIN histograms h ON {_SAME_ROW}
  RETURNING 1
)
INSERT INTO tickets_agentday (day, team_id, agent_id, solved, fr_decided, fr_met, handle_total,
    handle_count)
SELECT %(day)s, team_id, agent_id, SUM(fcr_solved), SUM(fr_met + fr_breached), SUM(fr_met),
    SUM(handle_total), SUM(handle_count)
FROM parts WHERE agent_id IS NOT NULL GROUP BY team_id, agent_id
HAVING SUM(fcr_solved) + SUM(fr_met + fr_breached) + SUM(handle_count) > 0
"""


# The rebuild reads each part of a day by the expression that dates it; these indexes make each
# read a range scan instead of a scan of every ticket (5 s a day at a million tickets).
INDEXES = f"""
CREATE INDEX IF NOT EXISTS ticket_resolved_on ON tickets_ticket ((COALESCE(solved_at, closed_at)));
CREATE INDEX IF NOT EXISTS ticket_first_response_decided
    ON tickets_ticket ((LEAST(first_responded_at, first_response_due)));
CREATE INDEX IF NOT EXISTS ticket_resolution_decided
    ON tickets_ticket ((LEAST({RESOLVED.replace("t.", "")}, resolution_due)));
CREATE INDEX IF NOT EXISTS sla_next_response_breach_due ON tickets_slaevent (due_at)
    WHERE target = 'next_response' AND kind = 'breach';
"""
DROP_INDEXES = """
DROP INDEX IF EXISTS ticket_resolved_on;
DROP INDEX IF EXISTS ticket_first_response_decided;
DROP INDEX IF EXISTS ticket_resolution_decided;
DROP INDEX IF EXISTS sla_next_response_breach_due;
"""
