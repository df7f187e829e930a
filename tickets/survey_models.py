"""Follow-up surveys (CSAT after a solved ticket, NPS for a sample of active customers) and
quality reviews of agents' work. Imported by tickets/models.py, so they are tickets' models.

Pending sends are rows with a due time (`next_at`, partial index) that a periodic task picks
up; links carry a random token of which only the hash is stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.models import Team
from support.taxonomy import Language
from tickets.models import Channel, Ticket


class SurveyPolicy(models.Model):
    """When and how often customers are asked: one row per channel (blank: every channel
    without a row of its own). Admins edit these rows."""

    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, blank=True, unique=True
    )
    enabled = models.BooleanField(_("send surveys"), default=True)
    delay_minutes = models.PositiveIntegerField(_("minutes after solving"), default=120)
    reminder_after_hours = models.PositiveIntegerField(_("remind after (hours)"), default=48)
    quiet_days = models.PositiveIntegerField(_("days between surveys to one customer"), default=7)
    link_valid_days = models.PositiveIntegerField(_("link valid for (days)"), default=14)

    class Meta:
        ordering = ["channel"]
        verbose_name = _("survey policy")
        verbose_name_plural = _("survey policies")

    def __str__(self) -> str:
        return self.get_channel_display() or str(_("Every channel"))


class SurveyState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("survey state", "Scheduled")
    SENT = "sent", pgettext_lazy("survey state", "Sent")
    REMINDED = "reminded", pgettext_lazy("survey state", "Reminded")
    ANSWERED = "answered", pgettext_lazy("survey state", "Answered")
    CANCELLED = "cancelled", pgettext_lazy("survey state", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("survey state", "Expired")


class SurveyInvitation(models.Model):
    """The satisfaction survey of one solved ticket: at most one per ticket, ever."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="survey")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="surveys"
    )
    email = models.EmailField(_("email"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    send_at = models.DateTimeField(_("send at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=40, blank=True, default="")
    next_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [
            models.Index(
                fields=["next_at"], name="survey_next", condition=Q(next_at__isnull=False)
            ),
            models.Index(fields=["customer", "sent_at"], name="survey_customer_sent"),
            # The dashboards' periods: sent and answered counted from the index alone.
            models.Index(fields=["sent_at"], include=["answered_at"], name="survey_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state}"


class SurveyAnswer(models.Model):
    """A customer's answer, attached to the ticket, the agent and the team as they were when
    the ticket was solved."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="answer"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_answers")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    score = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, default="")
    negative = models.BooleanField(_("negative comment"), default=False)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"
            )
        ]
        indexes = [
            models.Index(fields=["created_at"], name="survey_answer_created"),
            models.Index(fields=["agent", "created_at"], name="survey_answer_agent"),
            models.Index(fields=["team", "created_at"], name="survey_answer_team"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"


class NpsInvitation(models.Model):
    """The relationship survey (0–10, "why?") for a sampled customer: once a quarter at most."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nps_surveys"
    )
    quarter = models.CharField(_("quarter"), max_length=7)  # "2026Q4"
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    send_at = models.DateTimeField(_("send at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("NPS survey")
        verbose_name_plural = _("NPS surveys")
        constraints = [
            models.UniqueConstraint(fields=["customer", "quarter"], name="nps_once_a_quarter")
        ]
        indexes = [
            models.Index(fields=["next_at"], name="nps_next", condition=Q(next_at__isnull=False))
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.quarter}"


class NpsAnswer(models.Model):
    invitation = models.OneToOneField(
        NpsInvitation, on_delete=models.CASCADE, related_name="answer"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    score = models.PositiveSmallIntegerField(_("likelihood to recommend (0–10)"))
    reason = models.TextField(_("why"), blank=True, default="")
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("NPS answer")
        verbose_name_plural = _("NPS answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10), name="nps_score_0_to_10"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="nps_answer_created")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"


class SurveyFollowUp(models.Model):
    """A low score or a negative comment: a task for the team's lead to follow up."""

    answer = models.OneToOneField(SurveyAnswer, on_delete=models.CASCADE, related_name="follow_up")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=40)
    note = models.TextField(_("what was done"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")
        indexes = [
            models.Index(
                fields=["assignee", "created_at"],
                name="survey_follow_up_open",
                condition=Q(done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.reason}"


class ReviewCriterion(models.Model):
    """One line of the quality scorecard, in one language; admins edit them."""

    key = models.SlugField(_("key"), max_length=40)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("what to look for"), blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="review_criterion_once")
        ]

    def __str__(self) -> str:
        return self.label


class QualityReview(models.Model):
    """A supervisor's review of one solved ticket or one chat (`conversation_id`: chats are
    livechat's, which tickets does not import)."""

    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="quality_reviews"
    )
    conversation_id = models.PositiveBigIntegerField(_("chat"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quality_reviews_given"
    )
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1, default=0)
    comment = models.TextField(_("comment"), blank=True, default="")
    agent_reply = models.TextField(_("agent's reply"), blank=True, default="")
    agent_replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=False) | Q(conversation_id__isnull=False),
                name="quality_review_has_subject",
            )
        ]
        indexes = [models.Index(fields=["agent", "created_at"], name="quality_review_agent")]

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.score}"


class QualityScore(models.Model):
    """One criterion's mark in a review: 0 missed, 1 partly, 2 met; null: not applicable."""

    review = models.ForeignKey(QualityReview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    mark = models.PositiveSmallIntegerField(_("mark"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("quality score")
        verbose_name_plural = _("quality scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="quality_score_once"),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__lte=2), name="quality_mark_0_to_2"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.criterion_id}: {self.mark}"
