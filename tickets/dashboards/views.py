"""The dashboards' pages: parse the period form, compute the figures over its scope, render
(or download them as CSV). Access: the supervise permission for the floor and the agents'
list, the console permission for one's own figures; the teams come from the form's scope.

The supervisors' page also shows the panels the apps register (support.registry: tickets' SLA
snapshot, live chat, help center, complaints), those that take a period over the chosen one,
those that take teams over the viewer's teams (as the live tiles); the others count the whole
floor and are shown apart, under a heading that says so."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from support.audit import AuditTarget, audit_record
from support.audit_models import AuditAction
from support.factor_gate import reauth_redirect
from support.factors import recent_factor
from support.registry import dashboard_figures
from tickets.dashboards import csv, live
from tickets.dashboards.figures import FIGURES, as_table, compute
from tickets.dashboards.forms import NO_TEAM, PeriodForm
from tickets.dashboards.panels import AGENT_FIGURES, agent_comparison, label, panel
from tickets.metrics import Scope, agent_figures, cube


def _refused(request: HttpRequest, form: PeriodForm, template: str) -> HttpResponse:
    return render(request, template, {"form": form}, status=400)


@login_required
@permission_required("support.supervise", raise_exception=True)
@cube.one_plan_per_scope()
def supervisor_dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET, user=request.user)
    if not form.is_valid():
        return _refused(request, form, "tickets/dashboards/supervisor.html")
    scope = form.scope()
    if request.GET.get("format") == "csv":
        if not recent_factor(request):  # an export: a factor from the last 15 minutes
            return reauth_redirect(request, request.get_full_path())
        return _download(request, scope)
    values = [(spec, compute(spec, scope)) for spec in FIGURES]
    context = {
        "form": form,
        "scope": scope,
        "tiles": live.tiles(live.tile_values(teams=form.allowed_teams)),
        "panels": [panel(spec, value) for spec, value in values],
        **_app_panels(form, scope),
        "computed_at": timezone.now(),
        "counted_to": cube.complete_to(),
        "query": request.GET.urlencode(),
        "console_section": "sla_dashboards",
    }
    return render(request, "tickets/dashboards/supervisor.html", context)


def _app_panels(form: PeriodForm, scope: Scope) -> dict:
    """The apps' panels over the chosen period and the viewer's teams, those counted by team
    first (`every_team`: the viewer is an administrator, whose teams are all of them)."""
    panels = dashboard_figures(start=scope.start, end=scope.end, teams=form.allowed_teams)
    by_team_first = sorted(panels.items(), key=lambda item: not item[1]["by_team"])
    return {"app_panels": dict(by_team_first), "every_team": form.allowed_teams is None}


def _download(request: HttpRequest, scope: Scope) -> HttpResponse:
    key = request.GET.get("figure", "all")
    specs = [spec for spec in FIGURES if key in ("all", spec.key)]
    if not specs:
        return HttpResponse(_("There is no such figure."), status=400, content_type="text/plain")
    tables = [(spec.key, *as_table(compute(spec, scope))) for spec in specs]
    audit_record(
        AuditAction.REPORT_EXPORTED,
        request=request,
        target=AuditTarget("report", f"dashboard:{key}", f"{key}.csv"),
        detail={"start": scope.start, "end": scope.end, "teams": scope.teams},
    )
    if key == "all":
        return csv.download(csv.all_rows(tables), "figures.csv")
    _key, columns, rows = tables[0]
    return csv.download(csv.figure_rows(columns, rows), f"{key}.csv")


@login_required
@permission_required("support.use_console", raise_exception=True)
@cube.one_plan_per_scope()
def my_figures(request: HttpRequest) -> HttpResponse:
    """One's own figures (every team's tickets assigned to them) beside their teams'."""
    form = PeriodForm(request.GET, user=request.user)
    if not form.is_valid():
        return _refused(request, form, "tickets/dashboards/me.html")
    mine = replace(form.scope(agent=request.user.pk), teams=None)
    team_ids = tuple(request.user.agent_profile.teams.values_list("pk", flat=True))
    team = replace(mine, agent=None, teams=team_ids or (NO_TEAM,))
    context = {
        "form": form,
        "scope": mine,
        "rows": agent_comparison(agent_figures(mine), agent_figures(team)),
        "computed_at": timezone.now(),
        "counted_to": cube.complete_to(),
        "console_section": "my_figures",
    }
    return render(request, "tickets/dashboards/me.html", context)


@login_required
@permission_required("support.supervise", raise_exception=True)
@cube.one_plan_per_scope()
def team_agents(request: HttpRequest) -> HttpResponse:
    """Every agent of the supervisor's teams (of the one team chosen), with their figures."""
    form = PeriodForm(request.GET, user=request.user)
    if not form.is_valid():
        return _refused(request, form, "tickets/dashboards/agents.html")
    scope = form.scope()
    context = {
        "form": form,
        "scope": scope,
        "headings": [label(key) for key in ("name", *AGENT_FIGURES)],
        "agents": agent_figures(scope),
        "computed_at": timezone.now(),
        "counted_to": cube.complete_to(),
        "console_section": "sla_dashboards",
    }
    return render(request, "tickets/dashboards/agents.html", context)
