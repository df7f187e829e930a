"""CSV downloads of the dashboard's figures: values, never formulas.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
formula by a spreadsheet (OWASP "CSV injection"): it is prefixed with an apostrophe. Numbers
are written as numbers (a negative NPS stays a number), dates in ISO form.
"""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()


def figure_rows(columns: list[str], rows: list[list]) -> list[list]:
    """One figure: its column keys as the header, then its rows."""
    return [columns, *rows]


def all_rows(tables: list[tuple[str, list[str], list[list]]]) -> list[list]:
    """Every figure in one file, one value a line: figure, row (its day or name), field, value."""
    lines: list[list] = [["figure", "row", "field", "value"]]
    for key, columns, rows in tables:
        labelled = bool(columns) and columns[0] in ("day", "figure")
        for index, row in enumerate(rows):
            name = row[0] if labelled else index + 1
            for column, value in list(zip(columns, row, strict=False))[int(labelled) :]:
                lines.append([key, name, column, value])
    return lines


def download(rows: list[list], filename: str) -> HttpResponse:
    response = HttpResponse(_write(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
