"""Writing many rows' values in one statement."""

from django.db import connection, models


def update_rows(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> int:
    """UPDATE each row of `model` named by `rows` ((pk, value of each of `fields`)) in one
    statement, from one array per column (`unnest`): Django's bulk_update builds a CASE per
    field and row, which costs seconds to compile for a thousand rows. Runs in the caller's
    transaction; returns how many rows were given."""
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    names = [quote(column.column) for column in columns]
    arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - model names
        f"FROM unnest({arrays}) AS v({', '.join(names)}) WHERE t.{names[0]} = v.{names[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])
    return len(rows)


def insert_rows(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> int:
    """INSERT `rows` (the values of `fields`, foreign keys by their `_id` attribute name) in
    one statement from one array per column, without building a model instance per row (a
    thousand of them cost more than the insert). Columns not named take their database
    default, so name every column that has none. Returns how many rows were given."""
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.get_field(name.removesuffix("_id")) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column.column) for column in columns)
    arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])
    return len(rows)
