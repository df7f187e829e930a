"""Daily roll-ups of the dashboards' counts (tickets/figure_models.py, docs/metrics.md).

A 90-day period at a million tickets is ~250,000 tickets, 750,000 messages and 500,000 events:
counted on every page load, each figure took seconds. `refresh()` (the Celery beat's
`figures_refresh_task`) instead rebuilds each day's sums once, per combination of the filters,
and a figure adds up the days it needs.

Exact, not eventually right: database triggers (migration 0018) mark every day a change touches,
and `plan(scope)` takes from the roll-ups only the UTC days that are whole inside the period,
ended, rebuilt after they ended and not marked since. Every other day (today, a marked day, the
part of a day a local-time period cuts) is counted from the tickets by the figure's own
definition, so a figure is the same number either way, only slower for those days.
"""

import contextlib
import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from tickets.figure_models import AgentDay, FigureCounted, FigureDay, FigureDirty
from tickets.metrics import rollups
from tickets.metrics.base import ticket_filter
from tickets.metrics.cube_sql import REBUILD_DAY
from tickets.metrics.scope import Scope
from tickets.models import Ticket

REFRESH_SECONDS = 20  # at most this long per call; the rest waits for the next minute
CACHE_SECONDS = 24 * 3600
# Today is rebuilt "so far" on every refresh (each minute); its rows are read while they are at
# most this old, else today is counted from the tickets.
TODAY_FRESH = timedelta(minutes=2)
T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """The days a figure reads from the roll-ups, and the spans it counts from the tickets."""

    days: "Days"
    spans: tuple[tuple[datetime, datetime], ...]

    def raw_scopes(self, scope: Scope) -> list[Scope]:
        return [replace(scope, start=start, end=end) for start, end in self.spans]


class Days(tuple):
    """The counted days a figure reads from the roll-ups; `version`: when the newest ended one
    was rebuilt (the roll-ups of the same ended days and filters at the same version are the
    same numbers, so they are cached: `remembered`); `today`: the UTC day the plan was made."""

    version: str = ""
    today: date = date.max

    def __new__(cls, days=(), version: str = "", today: date = date.max) -> "Days":
        made = super().__new__(cls, days)
        made.version, made.today = version, today
        return made


def remembered(
    name: str,
    scope: Scope,
    days: Days,
    compute: Callable[[Days], T],
    merge: Callable[[list[T]], T],
) -> T:
    """`compute(days)` of the roll-ups: the ended days' part from the cache when the same days
    were read at the same version with the same filters, today's part (rebuilt every minute)
    always read; `merge` adds the two. Never stale: rebuilding any ended day changes the
    version. A cache that does not answer only costs the computation."""
    ended = Days([day for day in days if day < days.today], days.version, days.today)
    current = Days([day for day in days if day >= days.today], days.version, days.today)
    parts = [compute(current)] if current else []
    if ended:
        key = "figures:" + hashlib.sha256(
            repr(
                (name, scope.teams, scope.channels, scope.languages, scope.categories,
                 scope.priorities, scope.agent, tuple(ended), ended.version)
            ).encode()
        ).hexdigest()  # fmt: skip
        try:
            found = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache is an optimisation, never a dependency
            found = None
        if found is None:
            found = compute(ended)
            with contextlib.suppress(Exception):  # a cache that does not answer keeps nothing
                cache.set(key, found, CACHE_SECONDS)
        parts.append(found)
    return merge(parts)


def add_counts(parts: list[dict]) -> dict:
    """{key: number} dicts added key by key."""
    total: dict = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, 0) + value
    return total


def add_by_key(parts: list[dict[int, dict]]) -> dict[int, dict]:
    """{key: {name: number}} dicts added key by key and name by name."""
    total: dict[int, dict] = {}
    for part in parts:
        for key, numbers in part.items():
            total[key] = add_counts([total.get(key, {}), numbers])
    return total


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


_PLANS: ContextVar[dict | None] = ContextVar("figure_plans", default=None)


@contextlib.contextmanager
def one_plan_per_scope():
    """Within one page, the figures of one scope share one plan (one read of the day
    stamps instead of one per figure)."""
    token = _PLANS.set({})
    try:
        yield
    finally:
        _PLANS.reset(token)


def plan(scope: Scope, now: datetime | None = None) -> Plan:
    """Split the period into whole, ended, counted, unmarked UTC days and the rest."""
    plans = _PLANS.get()
    if plans is None or now is not None:
        return _plan(scope, now)
    if scope not in plans:
        plans[scope] = _plan(scope, None)
    return plans[scope]


def _plan(scope: Scope, now: datetime | None) -> Plan:
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    first = scope.start.astimezone(UTC).date()
    if _day_start(first) < scope.start:
        first += timedelta(days=1)
    last = (scope.end.astimezone(UTC) - timedelta(days=1)).date()
    last = min(last, today)
    counted = {}
    if first <= last:
        counted = dict(
            FigureCounted.objects.filter(day__gte=first, day__lte=last)
            .exclude(
                day__in=FigureDirty.objects.filter(day__gte=first, day__lte=last).values("day")
            )
            .filter(
                Q(counted_at__gte=_day_end_expression())
                | Q(day=today, counted_at__gte=now - TODAY_FRESH)
            )
            .values_list("day", "counted_at")
        )
    whole = set(counted)
    spans: list[tuple[datetime, datetime]] = []
    cursor = scope.start
    for day in sorted(whole):
        if _day_start(day) > cursor:
            spans.append((cursor, _day_start(day)))
        cursor = _day_start(day) + timedelta(days=1)
    if cursor < scope.end:
        spans.append((cursor, scope.end))
    ended = [moment for day, moment in counted.items() if day < today]
    version = max(ended).isoformat() if ended else ""
    return Plan(days=Days(sorted(whole), version, today), spans=tuple(spans))


def _day_end_expression() -> ExpressionWrapper:
    return ExpressionWrapper(
        Cast(F("day"), DateTimeField()) + timedelta(days=1), output_field=DateTimeField()
    )


def _days_filter(days) -> Q:
    """The days as a range when they follow each other (a short statement, one index range),
    else as a list."""
    first, last = min(days), max(days)
    if len(set(days)) == (last - first).days + 1:
        return Q(day__gte=first, day__lte=last)
    return Q(day__in=days)


def figure_rows(scope: Scope, days: tuple[date, ...]) -> QuerySet[FigureDay]:
    """The roll-up rows of `days` that the scope's filters select (no agent: FigureDay has none)."""
    if scope.categories or scope.priorities:
        grain = FigureDay.ALL_FILTERS
    elif scope.channels or scope.languages:
        grain = FigureDay.TEAM_CHANNEL_LANGUAGE
    else:
        grain = FigureDay.TEAM
    # The roll-ups carry the ticket's own field names: the tickets' filter applies as it is.
    return FigureDay.objects.filter(
        _days_filter(days), ticket_filter(scope, agent=False), grain=grain
    )


def agent_rows(scope: Scope, days: tuple[date, ...]) -> QuerySet[AgentDay]:
    rows = AgentDay.objects.filter(_days_filter(days))
    if scope.teams is not None:
        rows = rows.filter(team__in=scope.teams)
    if scope.agent is not None:
        rows = rows.filter(agent=scope.agent)
    return rows


def covers(scope: Scope) -> bool:
    """Whether the figure rows can answer this scope at all (they have no agent column)."""
    return scope.agent is None


def agents_covered(scope: Scope) -> bool:
    """AgentDay keeps team and agent only: other filters are counted from the tickets."""
    return not (scope.channels or scope.languages or scope.categories or scope.priorities)


def refresh(*, seconds: float = REFRESH_SECONDS, now: datetime | None = None) -> int:
    """Rebuild the marked days and the ended days not counted since they ended, newest first,
    for at most `seconds`; return the number of days rebuilt."""
    now = now or timezone.now()
    started, rebuilt = time.monotonic(), 0
    for day in _days_to_count(now):
        _rebuild(day)
        rebuilt += 1
        if time.monotonic() - started > seconds:
            return rebuilt
    _rebuild(now.astimezone(UTC).date(), until=now)  # today so far
    return rebuilt


def _days_to_count(now: datetime) -> list[date]:
    yesterday = now.astimezone(UTC).date() - timedelta(days=1)
    marked = set(
        FigureDirty.objects.filter(day__lte=yesterday).values_list("day", flat=True).distinct()
    )
    oldest = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is not None:
        first = oldest.astimezone(UTC).date()
        counted = set(
            FigureCounted.objects.filter(
                day__gte=first, counted_at__gte=_day_end_expression()
            ).values_list("day", flat=True)
        )
        day = first
        while day <= yesterday:
            if day not in counted:
                marked.add(day)
            day += timedelta(days=1)
    return sorted(marked, reverse=True)


def _rebuild(day: date, until: datetime | None = None) -> None:
    """One day's rows from the tickets (today's: up to `until`, now). The day's marks are
    removed first, in the same transaction: a change committed after that is marked again and
    rebuilt next time."""
    start = _day_start(day)
    end = min(start + timedelta(days=1), until or start + timedelta(days=1))
    with transaction.atomic():
        FigureDirty.objects.filter(day=day).delete()
        FigureDay.objects.filter(day=day).delete()
        AgentDay.objects.filter(day=day).delete()
        with connection.cursor() as cursor:
            # Planned afresh each time: compiling it (JIT) would cost more than running it.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(REBUILD_DAY, {"day": day, "start": start, "end": end})
        FigureCounted.objects.update_or_create(
            day=day, defaults={"counted_at": until or timezone.now()}
        )


def today_counted_at(now: datetime | None = None) -> datetime | None:
    """When today's rows were rebuilt, if the figures read them (at most TODAY_FRESH ago)."""
    now = now or timezone.now()
    found = FigureCounted.objects.filter(
        day=now.astimezone(UTC).date(), counted_at__gte=now - TODAY_FRESH
    ).first()
    return found.counted_at if found else None


def split(scope: Scope) -> tuple[Days, list[Scope]]:
    """(the days to read from the roll-ups, the scopes to count from the tickets)."""
    if not covers(scope):
        return Days(), [scope]
    found = plan(scope)
    return found.days, found.raw_scopes(scope)


def split_for_agents(scope: Scope) -> tuple[Days, list[Scope]]:
    """`split` for the agents' figures: AgentDay keeps team and agent only, so a scope with any
    other filter is counted from the tickets."""
    if not agents_covered(scope):
        return Days(), [scope]
    found = plan(scope)
    return found.days, found.raw_scopes(scope)


def agent_sums(scope: Scope, days: Days, *fields: str) -> dict[int, dict[str, int]]:
    """{agent: {field: total}} of the AgentDay roll-ups over `days`."""
    if not days:
        return {}

    def compute(part: Days) -> dict[int, dict[str, int]]:
        rows = (
            agent_rows(scope, part)
            .values("agent")
            .annotate(**{name: Sum(name) for name in fields})
            .order_by()
        )
        return {row["agent"]: {name: row[name] or 0 for name in fields} for row in rows}

    return remembered("agents" + ",".join(fields), scope, days, compute, add_by_key)


def complete_to(now: datetime | None = None) -> datetime:
    """Up to when the dashboards' figures are complete: the business-minute roll-ups' earliest
    row still to count, and today's rebuild when the figures read it."""
    now = now or timezone.now()
    return min(rollups.freshness(now), today_counted_at(now) or now)


def sums(scope: Scope, days: Days, *fields: str) -> dict[str, int]:
    """The roll-ups' totals of `fields` over `days` (0 without rows)."""
    if not days:
        return dict.fromkeys(fields, 0)

    def compute(part: Days) -> dict[str, int]:
        found = figure_rows(scope, part).aggregate(**{name: Sum(name) for name in fields})
        return {name: found[name] or 0 for name in fields}

    return remembered("sums" + ",".join(fields), scope, days, compute, add_counts)


def per_day(scope: Scope, days: Days, *fields: str) -> dict[date, dict[str, int]]:
    """{day: {field: total}} over `days` (days without rows left out)."""
    if not days:
        return {}

    def compute(part: Days) -> dict[date, dict[str, int]]:
        rows = (
            figure_rows(scope, part)
            .values("day")
            .annotate(**{name: Sum(name) for name in fields})
            .order_by()
        )
        return {row["day"]: {name: row[name] or 0 for name in fields} for row in rows}

    def merge(parts: list[dict]) -> dict:
        return {day: row for part in parts for day, row in part.items()}

    return remembered("per_day" + ",".join(fields), scope, days, compute, merge)


def minutes_histogram(scope: Scope, days: Days, field: str) -> dict[int, int]:
    """{minutes: how many} of the roll-ups' `field` histograms ("fr" or "res") over `days`."""

    def compute(part: Days) -> dict[int, int]:
        rows = figure_rows(scope, part).values_list(f"{field}_values", f"{field}_counts")
        sql, params = rows.query.sql_with_params()
        statement = (
            "SELECT v, sum(n) FROM (SELECT unnest(x.vs) AS v, unnest(x.ns) AS n "  # noqa: S608
            f"FROM ({sql}) AS x(vs, ns)) AS u GROUP BY v"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return {value: int(n) for value, n in cursor.fetchall()}

    if not days:
        return {}
    try:
        return remembered("minutes" + field, scope, days, compute, add_counts)
    except EmptyResultSet:  # a filter that can match nothing ("no team")
        return {}
