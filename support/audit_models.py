"""The audit log: who did what to which object, when, from where. Append-only: the model
refuses changes and deletes, and a database trigger (migration 0006) refuses them to anyone
else, except the retention sweep's deletes of rows past the floor (support/audit.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_RETENTION_DAYS = 365  # the trigger's floor: no row younger than this is ever deleted


class AuditChangeRefused(Exception):
    """Raised when code tries to change or delete an audit row."""

    def __init__(self) -> None:
        super().__init__(_("Audit log entries cannot be changed or deleted."))


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    REAUTHENTICATED = "reauthenticated", _("Confirmed their identity again")
    FACTOR_ENROLLED = "factor_enrolled", _("Second factor enrolled")
    FACTOR_REMOVED = "factor_removed", _("Second factor removed")
    FACTOR_RESET_REQUESTED = "factor_reset_requested", _("Second factor reset requested")
    FACTOR_RESET_APPROVED = "factor_reset_approved", _("Second factor reset approved")
    ROLE_CHANGED = "role_changed", _("Roles changed")
    TEAM_CHANGED = "team_changed", _("Teams changed")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    CUSTOMER_VIEWED = "customer_viewed", _("Customer account viewed")
    REPORT_EXPORTED = "report_exported", _("Report exported")
    RAW_EMAIL_DOWNLOADED = "raw_email_downloaded", _("Raw email downloaded")
    DATA_EXPORT_REQUESTED = "data_export_requested", _("Customer data export requested")
    DATA_EXPORT_DOWNLOADED = "data_export_downloaded", _("Customer data export downloaded")
    CUSTOMER_ERASURE_REQUESTED = "customer_erasure_requested", _("Customer erasure requested")
    CUSTOMER_ERASURE_APPROVED = "customer_erasure_approved", _("Customer erasure approved")
    CUSTOMER_ERASED = "customer_erased", _("Customer erased")
    LEGAL_HOLD_SET = "legal_hold_set", _("Legal hold set")
    LEGAL_HOLD_RELEASED = "legal_hold_released", _("Legal hold released")
    REMEDIATION_REQUESTED = "remediation_requested", _("Remediation requested")
    REMEDIATION_APPROVED = "remediation_approved", _("Remediation approved")
    REMEDIATION_REJECTED = "remediation_rejected", _("Remediation rejected")
    ADMIN_ADDED = "admin_added", _("Added in the admin")
    ADMIN_CHANGED = "admin_changed", _("Changed in the admin")
    ADMIN_DELETED = "admin_deleted", _("Deleted in the admin")
    FORUM_POST_HIDDEN = "forum_post_hidden", _("Forum post hidden")
    FORUM_POST_SHOWN = "forum_post_shown", _("Forum post shown again")
    FORUM_TOPIC_LOCKED = "forum_topic_locked", _("Forum topic locked")
    FORUM_TOPIC_UNLOCKED = "forum_topic_unlocked", _("Forum topic unlocked")
    WEBHOOK_ENDPOINT_CHANGED = "webhook_endpoint_changed", _("Webhook endpoint changed")
    AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
    AUDIT_PURGED = "audit_purged", _("Old audit entries deleted")
    CUSTOMER_MERGED = "customer_merged", _("Customers merged")
    CUSTOMER_UNMERGED = "customer_unmerged", _("Customer merge undone")
    IDENTITY_LINKED = "identity_linked", _("Account linked to a customer")
    IDENTITY_UNLINKED = "identity_unlinked", _("Account unlinked from a customer")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditChangeRefused()

    def delete(self):
        raise AuditChangeRefused()

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who it was when the row was written, still readable once the account is gone.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    # Values of AuditAction, checked by audit_record; no `choices` here, so that a new action
    # needs no migration.
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), db_index=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_by_actor"),
            models.Index(fields=["customer", "at"], name="audit_by_customer"),
            models.Index(fields=["action", "at"], name="audit_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditChangeRefused()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditChangeRefused()

    def action_label(self) -> str:
        """The action in the reader's language (an action since retired shows its value)."""
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
