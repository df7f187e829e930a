"""The dashboards' daily roll-ups (tickets/metrics/cube.py, docs/metrics.md): what each UTC day
added to every count, per combination of the filters a supervisor can choose, so a 90-day
period sums a few thousand rows instead of reading every ticket, message and event of it.

Rows are rebuilt a whole day at a time from the tickets, replies, status events and SLA breach
rows. Database triggers (migration 0018) write a `FigureDirty` row for every day a change
touches (the old and the new day when a date moves); a day with a dirty row, today, or a day
never counted since it ended is counted from the tickets directly by the figures, so they are
never stale, only slower for those days.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class FigureDay(models.Model):
    """One day's counts for one combination of team, channel, language, category and priority
    (duplicates merged away left out). Each count is dated by its own event: `created` and
    `negative` by the ticket's creation, `resolved` by its last solve (else closing) while it is
    solved or closed, `fcr_*` and `resolution_minutes` by its last solve, `fr_*`/`res_*` by when
    the target was decided (met or due), `nr_met`/`handle_*` by the reply, `nr_breached` by the
    breach's due time, `reopenings`/`solves` by the status event, `csat_*` by the survey
    answer."""

    ALL_FILTERS, TEAM_CHANNEL_LANGUAGE, TEAM = 0, 1, 2

    day = models.DateField()
    # Which filters the row is split by (cube_sql.REBUILD_DAY): the others are "" on it.
    grain = models.PositiveSmallIntegerField(default=ALL_FILTERS)
    team = models.ForeignKey(
        "support.Team", null=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    channel = models.CharField(max_length=16)
    language = models.CharField(max_length=7)
    category = models.CharField(max_length=32)
    priority = models.CharField(max_length=8)
    created = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    fcr_solved = models.IntegerField(default=0)
    fcr_first_contact = models.IntegerField(default=0)
    reopenings = models.IntegerField(default=0)
    solves = models.IntegerField(default=0)
    fr_met = models.IntegerField(default=0)
    fr_breached = models.IntegerField(default=0)
    res_met = models.IntegerField(default=0)
    res_breached = models.IntegerField(default=0)
    nr_met = models.IntegerField(default=0)
    nr_breached = models.IntegerField(default=0)
    handle_total = models.BigIntegerField(default=0)
    handle_count = models.IntegerField(default=0)
    # Survey answers given that day (team, channel and language as recorded on the answer).
    csat_responses = models.IntegerField(default=0)
    csat_score_total = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    # The day's first-response and resolution minutes as histograms: each value once, sorted,
    # with how many tickets took it.
    fr_values = ArrayField(models.IntegerField(), default=list)
    fr_counts = ArrayField(models.IntegerField(), default=list)
    res_values = ArrayField(models.IntegerField(), default=list)
    res_counts = ArrayField(models.IntegerField(), default=list)

    class Meta:
        indexes = [models.Index(fields=["grain", "day"], name="figure_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.team_id} {self.channel} {self.language}"


class AgentDay(models.Model):
    """One day's counts per team and agent: tickets assigned to them solved, their first-response
    targets decided (and met), and the handle minutes of the replies they wrote."""

    day = models.DateField()
    team = models.ForeignKey(
        "support.Team", null=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False
    )
    solved = models.IntegerField(default=0)
    fr_decided = models.IntegerField(default=0)
    fr_met = models.IntegerField(default=0)
    handle_total = models.BigIntegerField(default=0)
    handle_count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="agent_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.team_id} {self.agent_id}"


class FigureDirty(models.Model):
    """A day whose roll-up rows a change has made wrong (written by the triggers)."""

    day = models.DateField(db_index=True)

    def __str__(self) -> str:
        return str(self.day)


class FigureCounted(models.Model):
    """When a day's rows were last rebuilt: only rows rebuilt after the day ended are whole."""

    day = models.DateField(primary_key=True)
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} {self.counted_at}"
