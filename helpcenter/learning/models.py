"""What the help center learned from its readers, and what an admin told it to forget."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LearnedAnswer(models.Model):
    """Evidence that an article answers a query, rebuilt from the records by a periodic task
    (`learned_answers_refresh`): never edited by hand (reset it with `learning_reset`)."""

    language = models.CharField(_("language"), max_length=10)
    normalized_query = models.CharField(_("query"), max_length=200)
    article = models.ForeignKey(
        "helpcenter.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    good_visitors = models.PositiveIntegerField(_("readers answered"), default=0)
    missed_visitors = models.PositiveIntegerField(_("readers who wrote to us"), default=0)
    good = models.FloatField(default=0.0)  # decayed, capped visitor weight of the good outcomes
    missed = models.FloatField(default=0.0)  # the same for the misses
    boost = models.FloatField(_("boost"), default=0.0)  # added to the article's coverage
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["language", "normalized_query", "-boost"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "normalized_query", "article"],
                name="helpcenter_learned_unique",
            )
        ]
        verbose_name = _("learned answer")
        verbose_name_plural = _("learned answers")

    def __str__(self) -> str:
        return f"{self.language}: {self.normalized_query} → {self.article_id}"


class LearningReset(models.Model):
    """From `created_at` on, evidence older than this row is ignored: for everything, for one
    article, or for one query in one language (blank fields match all)."""

    created_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        "helpcenter.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    normalized_query = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("learning reset")
        verbose_name_plural = _("learning resets")

    def __str__(self) -> str:
        scope = self.normalized_query or (self.article_id and f"article {self.article_id}")
        return f"{self.created_at:%Y-%m-%d %H:%M}: {scope or 'all'}"
