"""The period and filters of the dashboards, parsed into a `Scope` limited to the viewer's teams."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from support.models import Team
from support.taxonomy import Category, Language
from support.teams import is_admin
from tickets.metrics import Scope
from tickets.models import Channel, Priority

NO_TEAM = 0  # no team has this id: a supervisor of no team sees no team's figures
PRESETS = {"today": 0, "7d": 6, "30d": 29, "90d": 89}


def viewer_team_ids(user: AbstractBaseUser) -> tuple[int, ...] | None:
    """The teams whose figures `user` may see: None (every team) for administrators, else the
    teams they supervise (Team.supervisor), never an empty tuple (which would mean "all")."""
    if is_admin(user):
        return None
    supervised = tuple(Team.objects.filter(supervisor=user).values_list("pk", flat=True))
    return supervised or (NO_TEAM,)


class PeriodForm(forms.Form):
    """GET parameters of the dashboard. A preset wins over the dates; no dates: the last 7 days."""

    preset = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Chosen dates")),
            ("today", _("Today")),
            ("7d", _("Last 7 days")),
            ("30d", _("Last 30 days")),
            ("90d", _("Last 90 days")),
        ],
    )
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("All my teams")
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)

    def __init__(self, data, *, user: AbstractBaseUser) -> None:
        super().__init__(data)
        self.allowed_teams = viewer_team_ids(user)
        teams = Team.objects.all()
        if self.allowed_teams is not None:
            teams = teams.filter(pk__in=self.allowed_teams)
        self.fields["team"].queryset = teams
        every = [("", _("All"))]
        self.fields["channel"].choices = every + list(Channel.choices)
        self.fields["language"].choices = every + list(Language.choices)
        self.fields["category"].choices = every + list(Category.choices)
        self.fields["priority"].choices = every + list(Priority.choices)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def period(self) -> tuple[datetime, datetime]:
        """[start, end) in the current time zone: whole days, the end day included."""
        today = timezone.localdate()
        preset = self.cleaned_data.get("preset")
        if preset:
            first, last = today - timedelta(days=PRESETS[preset]), today
        else:
            last = self.cleaned_data.get("end") or today
            first = self.cleaned_data.get("start") or last - timedelta(days=PRESETS["7d"])
        zone = timezone.get_current_timezone()
        start = datetime.combine(first, time.min, tzinfo=zone)
        return start, datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)

    def scope(self, *, agent: int | None = None) -> Scope:
        start, end = self.period()
        team = self.cleaned_data.get("team")
        teams = (team.pk,) if team is not None else self.allowed_teams
        return Scope(
            start=start,
            end=end,
            teams=teams,
            channels=_one(self.cleaned_data.get("channel")),
            languages=_one(self.cleaned_data.get("language")),
            categories=_one(self.cleaned_data.get("category")),
            priorities=_one(self.cleaned_data.get("priority")),
            agent=agent,
        )


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()
