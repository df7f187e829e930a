"""What a figure is computed over: a period and the filters, as one plain value."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_PERIOD_DAYS = 731  # two years: a longer period is capped, and the page says so


@dataclass(frozen=True)
class Scope:
    """[start, end) in UTC, and filters; an empty tuple means "all". `teams` is always the
    teams the viewer may see (never empty for a supervisor limited to their teams: `None`
    means every team, for administrators). `agent`: one agent's own figures."""

    start: datetime
    end: datetime
    teams: tuple[int, ...] | None = None
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    agent: int | None = None
    capped: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.end - self.start > timedelta(days=MAX_PERIOD_DAYS):
            object.__setattr__(self, "start", self.end - timedelta(days=MAX_PERIOD_DAYS))
            object.__setattr__(self, "capped", True)
