"""A figure as the page shows it: title, SVG chart, table with translated headings, CSV link."""

import functools
from datetime import date

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tickets.dashboards import charts
from tickets.dashboards.figures import FigureSpec, as_table

# Headings of the keys the metrics functions use; any other key is shown as written.
COLUMN_LABELS = {
    "day": _("Day"),
    "figure": _("Figure"),
    "value": _("Value"),
    "count": _("Count"),
    "median": _("Median"),
    "p90": _("90th percentile"),
    "rate": _("Rate (%)"),
    "met": pgettext_lazy("SLA targets counted", "Met"),
    "breached": _("Breached"),
    "total": _("Total"),
    "opened": _("Opened"),
    "created": _("Created"),
    "solved": pgettext_lazy("tickets counted", "Solved"),
    "backlog": _("Backlog"),
    "open": pgettext_lazy("tickets counted", "Open"),
    "score": _("Score"),
    "average": _("Average"),
    "responses": _("Responses"),
    "sent": pgettext_lazy("surveys counted", "Sent"),
    "response_rate": _("Response rate (%)"),
    "promoters": _("Promoters"),
    "passives": _("Passives"),
    "detractors": _("Detractors"),
    "positive": _("Positive"),
    "neutral": _("Neutral"),
    "negative": _("Negative"),
    "query": _("Search"),
    "searches": _("Searches"),
    "first_response": _("First response"),
    "name": _("Agent"),
    "agent": _("Agent id"),
    "csat": _("CSAT (1–5)"),
    "sla_first_response": _("First response within SLA (%)"),
    "handle_minutes": _("Handle time (minutes)"),
    "reviews": _("Quality review average"),
    "minutes": _("Minutes"),
    "satisfied_pct": _("Satisfied (%)"),
    "bot_answers": _("Bot answers"),
    "ended_without_ticket": _("Ended without a ticket"),
    "reopened": _("Reopened"),
    "messages": _("Messages"),
    "next_response": _("Next response"),
    "resolution": _("Resolution"),
}


def label(key) -> str:
    """The heading of a key in the active language; dotted keys (counts.met) part by part."""
    parts = str(key).split(".")
    return " · ".join(str(COLUMN_LABELS.get(part, part.replace("_", " "))) for part in parts)


def _numeric(columns: list[str], rows: list[list]) -> list[str]:
    return [
        column
        for index, column in enumerate(columns)
        if any(
            isinstance(row[index], int | float) and not isinstance(row[index], bool)
            for row in rows
            if index < len(row)
        )
    ]


def chart(spec: FigureSpec, columns: list[str], rows: list[list]):
    """Daily points as lines; a dict figure's `bars` keys as bars; a ranked list (searches)
    as bars of its first numeric column."""
    numeric = [key for key in _numeric(columns, rows) if key != "day"]
    if not rows or not numeric:
        return None
    if columns[0] == "day":
        points = [dict(zip(columns, row, strict=False)) for row in rows]
        series = [(key, label(key)) for key in numeric][:4]
        return charts.line_chart(str(spec.title), points, series, y_label=str(spec.unit))
    if columns == ["figure", "value"]:
        values = dict((row[0], row[1]) for row in rows)
        bars = [(label(key), values.get(key)) for key in spec.bars]
    else:
        index = columns.index(numeric[0])
        bars = [(str(row[0]), row[index]) for row in rows]
    if not bars:
        return None
    return charts.bar_chart(str(spec.title), bars, y_label=str(spec.unit))


@functools.lru_cache(maxsize=8192, typed=True)
def _localized(value: date | int | float, language: str) -> str:
    """A date or number in `language`'s format (the trend tables repeat the same 90 days)."""
    return conditional_escape(localize(value))


def _cell(value) -> str:
    """A value as the template would show it (localised, escaped); "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, date | int | float):
        return _localized(value, get_language())
    return conditional_escape(localize(value))


def table_body(rows: list[list]) -> SafeString:
    """The rows of a figure's table as HTML. Built here rather than by a template loop: a
    90-day page holds ~2,000 cells, and each step of a template loop costs more than the cell."""
    if not rows:
        return mark_safe("<tr><td>0</td></tr>")
    cells = ("".join(f"<td>{_cell(value)}</td>" for value in row) for row in rows)
    return mark_safe("".join(f"<tr>{row}</tr>" for row in cells))  # noqa: S308 - escaped


def panel(spec: FigureSpec, value) -> dict:
    columns, rows = as_table(value)
    shown = [[label(row[0]), *row[1:]] if columns[:1] == ["figure"] else row for row in rows]
    return {
        "key": spec.key,
        "title": spec.title,
        "missing": value is None,
        "headings": [label(column) for column in columns],
        "rows": shown,
        "body": table_body(shown),
        "chart": chart(spec, columns, rows),
    }


AGENT_FIGURES = ("solved", "csat", "sla_first_response", "handle_minutes", "reviews")


def agent_comparison(mine: list[dict], team: list[dict]) -> list[dict]:
    """Rows (label, mine, team) of an agent's figures beside their team's: the team's solved
    tickets summed, its other figures the mean over the team's agents who have one."""
    own = mine[0] if mine else {}
    rows = []
    for key in AGENT_FIGURES:
        values = [row[key] for row in team if row.get(key) is not None]
        if key == "solved":
            together = sum(values)
        else:
            together = round(sum(values) / len(values), 2) if values else None
        rows.append({"key": key, "label": label(key), "mine": own.get(key), "team": together})
    return rows
