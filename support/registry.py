"""Registries through which the apps above `support` plug into shared pages.

`support` imports no other app: each app registers its site and console navigation entries,
customer-360 panels and dashboard figures in its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    permission: str | tuple[str, ...] | None  # a tuple: any one of them
    order: int
    description: str = ""


@dataclass(frozen=True)
class DashboardFigure:
    provider: Callable
    with_period: bool
    with_teams: bool


_nav: dict[str, NavEntry] = {}
_site_nav: dict[str, NavEntry] = {}
_customer_panels: dict[str, tuple[Callable, bool]] = {}
_dashboard_figures: dict[str, DashboardFigure] = {}
_demo_loaders: dict[str, Callable] = {}
_inbox_providers: dict[str, Callable] = {}


def register_nav(
    *, key: str, label: str, url_name: str, permission: str | tuple[str, ...] | None, order: int
):
    """A console navigation entry, shown to users with `permission` (a tuple: any of them)."""
    _nav[key] = NavEntry(key, label, url_name, permission, order)


def register_site_nav(*, key: str, label: str, description: str, url_name: str, order: int):
    """An entry of the customer site's main navigation (and a card on its home page)."""
    _site_nav[key] = NavEntry(key, label, url_name, None, order, description)


def site_nav(path: str) -> list[dict]:
    entries = sorted(_site_nav.values(), key=lambda entry: entry.order)
    items = []
    for entry in entries:
        url = reverse(entry.url_name)
        items.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "description": entry.description,
                "current": path.startswith(url),
            }
        )
    return items


def nav_for(user: AbstractBaseUser) -> list[dict]:
    entries = sorted(_nav.values(), key=lambda entry: entry.order)
    return [
        {"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)}
        for entry in entries
        if _allowed(user, entry.permission)
    ]


def _allowed(user: AbstractBaseUser, permission: str | tuple[str, ...] | None) -> bool:
    if permission is None:
        return True
    if isinstance(permission, str):
        return user.has_perm(permission)
    return any(user.has_perm(name) for name in permission)


def register_customer_panel(key: str, provider: Callable, *, with_viewer: bool = False) -> None:
    """`provider(customer) -> list[dict]`, rows shown in the customer 360 panel; with
    `with_viewer`, `provider(customer, viewer)`: the staff member looking (None: unknown), so
    that rows they may not see (support.teams) are left out."""
    _customer_panels[key] = (provider, with_viewer)


def customer_panels(
    customer: AbstractBaseUser, viewer: AbstractBaseUser | None = None
) -> dict[str, list[dict]]:
    return {
        key: provider(customer, viewer) if with_viewer else provider(customer)
        for key, (provider, with_viewer) in sorted(_customer_panels.items())
    }


def register_dashboard_figure(
    key: str, provider: Callable, *, with_period: bool = False, with_teams: bool = False
) -> None:
    """`provider() -> {"title": str, "figures": [{"label", "value", "tone"?}]}`, one panel of
    the supervisors' dashboard; tone is "ok", "warning" or "breached". With `with_period`,
    `provider(start=..., end=...)`: the period the supervisor chose ([start, end), aware
    datetimes), which the panel's title then names; without, the panel keeps its own window
    (and says it: "last 7 days"). With `with_teams`, `provider(teams=...)`: the ids of the
    teams the viewer may see, or None for every team (administrators); the panel counts only
    those teams' work, and work of no team only when `teams` is None. Without, the panel
    counts the whole floor and the dashboard says so."""
    _dashboard_figures[key] = DashboardFigure(provider, with_period, with_teams)


def figure(label: str, value, *, alert: str | None = None) -> dict:
    """One dashboard figure; with `alert` ("warning" or "breached") it takes that tone when
    the value is not zero, and "ok" when it is."""
    if alert is None:
        return {"label": label, "value": value}
    return {"label": label, "value": value, "tone": alert if value else "ok"}


def dashboard_figures(
    *, start: datetime, end: datetime, teams: tuple[int, ...] | None
) -> dict[str, dict]:
    """Every registered panel, those that take a period computed over [start, end), those
    that take teams over `teams` (None: every team). Each panel says whether it was counted by
    team (`"by_team"`), so that the page can tell them from the floor-wide ones."""
    panels = {}
    for key, registered in sorted(_dashboard_figures.items()):
        options = {}
        if registered.with_period:
            options.update(start=start, end=end)
        if registered.with_teams:
            options.update(teams=teams)
        panels[key] = {**registered.provider(**options), "by_team": registered.with_teams}
    return panels


def register_inbox_provider(key: str, provider: Callable) -> None:
    """`provider(agent) -> list[dict]`: entries a higher app adds to the agent's inbox (the
    chat queue and the agent's open chats), newest work first, each `{"key", "kind", "group",
    "title", "customer", "status", "urgent", "at", "url"}` (`group`: "queue" or "mine").
    The provider applies its own access rule and caps its rows (one query, whatever the
    number of entries)."""
    _inbox_providers[key] = provider


def inbox_entries(agent: AbstractBaseUser) -> list[dict]:
    return [
        entry for _key, provider in sorted(_inbox_providers.items()) for entry in provider(agent)
    ]


def register_demo_loader(key: str, loader: Callable) -> None:
    """`loader(stdout) -> None` adds an app's demo data; it must be idempotent."""
    _demo_loaders[key] = loader


def demo_loaders() -> list[Callable]:
    return [loader for _key, loader in sorted(_demo_loaders.items())]


_metrics: dict[str, Callable] = {}


def register_metric(key: str, provider: Callable) -> None:
    """`provider(scope, **options) -> plain values`: a dashboard figure computed by a higher
    app from its own rows (tickets.metrics combines them; the scope is tickets.metrics.Scope)."""
    _metrics[key] = provider


def metric(key: str, scope, **options):
    """The provider's value for `scope`, or None when no app registered `key`."""
    provider = _metrics.get(key)
    return None if provider is None else provider(scope, **options)


_review_sources: dict[str, Callable] = {}


def register_review_source(key: str, provider: Callable) -> None:
    """`provider(agent_ids, since, limit, order, conversation_ids=None) -> list[dict]`: work
    of a higher app (chats) that supervisors may sample for quality reviews, each
    `{"conversation_id", "agent", "language", "title", "solved_at", "csat", "url"}` (`agent`
    an id, `csat` 1–5 or None). `agent_ids` None means every agent; `order` is "random" or
    "low_csat" (lowest rating first, unrated last). Sampling leaves out work already reviewed
    and ended before `since`; with `conversation_ids` the provider returns those (of
    `agent_ids`), reviewed or not, whatever their age: the review form's lookup."""
    _review_sources[key] = provider


def review_sources() -> list[Callable]:
    return [provider for _key, provider in sorted(_review_sources.items())]
