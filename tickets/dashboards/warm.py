"""The beat keeps the dashboards' usual views ready: after the daily roll-ups change, it reads
the figures of every supervisor's default scopes once, so their roll-up sums are in the cache
(tickets/metrics/cube.py, `remembered`) before anyone opens the page.

The usual views are the period presets (today, 7, 30 and 90 days) with no filter, for an
administrator (every team) and for each set of teams a supervisor has. A view with filters is
computed on its first opening and kept from then on.
"""

from datetime import UTC

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Max, Q
from django.utils import timezone

from support.models import Team
from support.roles import Role
from support.teams import is_admin
from tickets.dashboards.figures import FIGURES, compute
from tickets.dashboards.forms import PRESETS, PeriodForm
from tickets.figure_models import FigureCounted
from tickets.metrics import cube

WARMED_KEY = "figures:warmed-version"


def viewers() -> list:
    """One administrator (every team), and one supervisor of each distinct set of teams."""
    people = get_user_model().objects.filter(is_active=True)
    admin = people.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN)).order_by("pk").first()
    found, team_sets = ([admin] if admin is not None else []), set()
    for supervisor in people.filter(pk__in=Team.objects.values("supervisor")).order_by("pk"):
        teams = frozenset(Team.objects.filter(supervisor=supervisor).values_list("pk", flat=True))
        if teams not in team_sets and not is_admin(supervisor):
            team_sets.add(teams)
            found.append(supervisor)
    return found


def warm(*, force: bool = False) -> int:
    """Read the usual views' figures when the ended days' roll-ups changed since the last
    time; return the number of views read."""
    # Only the ended days are cached (today's rows are read on every load): warm again when
    # one of them was rebuilt, not after each minute's rebuild of today.
    today = timezone.now().astimezone(UTC).date()
    version = FigureCounted.objects.filter(day__lt=today).aggregate(latest=Max("counted_at"))[
        "latest"
    ]
    if version is None:
        return 0
    stamp = version.isoformat()
    if not force and cache.get(WARMED_KEY) == stamp:
        return 0
    views = 0
    for person in viewers():
        for preset in PRESETS:
            form = PeriodForm({"preset": preset}, user=person)
            if not form.is_valid():
                continue
            with cube.one_plan_per_scope():
                scope = form.scope()
                for spec in FIGURES:
                    compute(spec, scope)
            views += 1
    cache.set(WARMED_KEY, stamp, None)
    return views
