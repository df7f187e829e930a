"""A request to reset a colleague's second factor, which a second administrator approves
(support/factor_resets.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FactorReset(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose factor"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("second factor reset")
        verbose_name_plural = _("second factor resets")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(approved_at__isnull=True),
                name="one_open_factor_reset_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=models.F("requested_by")),
                name="factor_reset_approved_by_another",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)
