"""Every figure of the supervisors' dashboards: one function per figure, one definition each
(docs/metrics.md), computed from the rows the console shows (or roll-ups of them).

Each function takes a `Scope` (the period and the filters a supervisor chose, already limited
to the teams they may see) and returns plain values (numbers, dicts, lists of points), so the
dashboard page, its CSV downloads, the agent view and the tests all read the same numbers.
"""

from tickets.metrics.scope import MAX_PERIOD_DAYS, Scope

__all__ = ["MAX_PERIOD_DAYS", "Scope"]
