"""A customer's data rights: exports they ask for, erasures staff ask for and a second person
approves, and legal holds that stop both erasure and the retention sweeps (support/data_rights/)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    """One archive of everything a customer gave us, built by a Celery task; one pending per
    customer at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        ERASED = "erased", _("Deleted")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    file_name = models.CharField(_("stored file"), max_length=200, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status="pending"), name="one_pending_export"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of customer {self.customer_id}"


class LegalHold(models.Model):
    """While a hold is active (not released) the customer cannot be erased and no retention
    sweep deletes their data."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="legal_holds",
    )
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_reason = models.TextField(_("reason for release"), blank=True, default="")

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        permissions = [
            ("manage_customer_data", "Can hold and erase customers' data"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(released_at__isnull=True), name="one_active_hold"
            )
        ]

    def __str__(self) -> str:
        return f"hold on customer {self.customer_id}"


class ErasureRequest(models.Model):
    """A request to erase a customer: asked by one authorised person with a reason, approved by
    another, then carried out by a Celery task."""

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        ERASED = "erased", _("Erased")
        REJECTED = "rejected", _("Rejected")
        REFUSED = "refused", _("Refused")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="erasure_requests",
    )
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.AWAITING_APPROVAL
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, default="")
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(state__in=["awaiting", "approved"]),
                name="one_open_erasure",
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.pk} of customer {self.customer_id}"
