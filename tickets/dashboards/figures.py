"""Which figures the dashboard shows, and each figure's value as a table (columns and rows).

The figures are tickets.metrics' functions, looked up by name so that a figure not written yet
shows "—" rather than breaking the page. Whatever shape a function returns (a number, a dict,
a dict of dicts, a list of daily points, a dataclass), `as_table` turns it into the one table
the page, the chart and the CSV all read: they can never disagree.
"""

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

import tickets.metrics
from tickets.metrics import Scope


@dataclass(frozen=True)
class FigureSpec:
    """`bars`: the keys of a dict figure drawn as bars (all in `unit`); trends are lines."""

    key: str
    title: str
    function: str
    unit: str
    bars: tuple[str, ...] = ()


SLA = ("first_response", "next_response", "resolution")
SPREAD = ("median", "p90")
FIGURES = (
    FigureSpec("sla_compliance", _("SLA compliance"), "sla_compliance", _("Percent met"), SLA),
    FigureSpec(
        "first_response",
        _("First response time"),
        "first_response_times",
        _("Business minutes"),
        SPREAD,
    ),
    FigureSpec(
        "resolution", _("Resolution time"), "resolution_times", _("Business minutes"), SPREAD
    ),
    FigureSpec(
        "fcr", _("First-contact resolution"), "first_contact_resolution", _("Percent"), ("rate",)
    ),
    FigureSpec(
        "handle_time", _("Average handle time"), "average_handle_time", _("Minutes"), ("minutes",)
    ),
    FigureSpec("reopen_rate", _("Reopen rate"), "reopen_rate", _("Percent"), ("rate",)),
    FigureSpec("volume", _("Volume"), "volume_trend", _("Tickets")),
    FigureSpec("backlog", _("Backlog"), "backlog_trend", _("Tickets")),
    FigureSpec(
        "csat",
        _("Customer satisfaction (CSAT)"),
        "csat",
        _("Percent"),
        ("satisfied_pct", "response_rate"),
    ),
    FigureSpec("csat_trend", _("CSAT trend"), "csat_trend", _("Score")),
    FigureSpec(
        "nps",
        _("Net promoter score (NPS)"),
        "nps",
        _("Answers"),
        ("promoters", "passives", "detractors"),
    ),
    FigureSpec("nps_trend", _("NPS trend"), "nps_trend", _("Score")),
    FigureSpec("sentiment", _("Sentiment trend"), "sentiment_trend", _("Tickets")),
    FigureSpec(
        "deflection",
        _("Help-center deflection"),
        "deflection",
        _("Count"),
        ("searches", "bot_answers", "ended_without_ticket"),
    ),
    FigureSpec(
        "unanswered_searches",
        _("Top searches with no good answer"),
        "top_unanswered_searches",
        _("Searches"),
    ),
)
FIGURE_KEYS = frozenset(spec.key for spec in FIGURES)


def metric_function(name: str) -> Callable | None:
    """tickets.metrics' function `name`, from the package or one of its modules; None if absent."""
    found = getattr(tickets.metrics, name, None)
    if callable(found):
        return found
    for module in pkgutil.iter_modules(tickets.metrics.__path__):
        found = getattr(importlib.import_module(f"tickets.metrics.{module.name}"), name, None)
        if callable(found):
            return found
    return None


def compute(spec: FigureSpec, scope: Scope):
    """The function's value over `scope`, or None when the function does not exist (yet)."""
    function = metric_function(spec.function)
    return function(scope) if function is not None else None


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _scalar(value) -> bool:
    return not isinstance(_plain(value), dict | list | tuple)


def as_table(value) -> tuple[list[str], list[list]]:
    """(column keys, rows) of a figure's value; ([], []) for no value."""
    value = _plain(value)
    if value is None:
        return [], []
    if _scalar(value):
        return ["value"], [[value]]
    if isinstance(value, dict):
        return _dict_table(value)
    rows = [_plain(item) for item in value]
    if not all(isinstance(row, dict) for row in rows):
        return ["value"], [[row] for row in rows]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return columns, [[row.get(column) for column in columns] for row in rows]


def _dict_table(value: dict, prefix: str = "") -> tuple[list[str], list[list]]:
    """A dict as (figure, value) rows; nested dicts flattened to dotted names (counts.met)."""
    rows = []
    for key, item in value.items():
        item = _plain(item)
        if isinstance(item, dict):
            rows.extend(_dict_table(item, f"{prefix}{key}.")[1])
        else:
            rows.append([f"{prefix}{key}", item])
    return ["figure", "value"], rows
