"""Every figure of the supervisors' dashboards: one function per figure, one definition each
(docs/metrics.md), computed from the rows the console shows (or roll-ups of them).

Each function takes a `Scope` (the period and the filters a supervisor chose, already limited
to the teams they may see) and returns plain values (numbers, dicts, lists of points), so the
dashboard page, its CSV downloads, the agent view and the tests all read the same numbers.
"""

from tickets.metrics.agents import agent_figures
from tickets.metrics.compliance import sla_compliance
from tickets.metrics.deflection import deflection, top_unanswered_searches
from tickets.metrics.flow import (
    backlog_trend,
    first_contact_resolution,
    reopen_rate,
    sentiment_trend,
    volume_trend,
)
from tickets.metrics.scope import MAX_PERIOD_DAYS, Scope
from tickets.metrics.surveys import csat, csat_trend, nps, nps_trend
from tickets.metrics.times import average_handle_time, first_response_times, resolution_times

__all__ = [
    "MAX_PERIOD_DAYS",
    "Scope",
    "agent_figures",
    "average_handle_time",
    "backlog_trend",
    "csat",
    "csat_trend",
    "deflection",
    "first_contact_resolution",
    "first_response_times",
    "nps",
    "nps_trend",
    "reopen_rate",
    "resolution_times",
    "sentiment_trend",
    "sla_compliance",
    "top_unanswered_searches",
    "volume_trend",
]
