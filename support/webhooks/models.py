"""Outbound webhooks: the endpoints admins register and the deliveries to them (the outbox).

A delivery row is written in the transaction of the change it reports and is due at once
(`next_attempt_at`); a task sends it after commit and a periodic sweep sends what is left, both
reading only due rows through a partial index. `next_attempt_at` is NULL once the delivery is
done: delivered, or given up (`failed_at`).
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from support.webhooks.events import WebhookEvent


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=2000,
        help_text=_(
            "http or https. Checked again at every delivery: addresses of private, loopback "
            "and link-local networks are refused unless allowed in WEBHOOK_ALLOWED_HOSTS."
        ),
    )
    events = ArrayField(
        models.CharField(max_length=40, choices=WebhookEvent.choices),
        verbose_name=_("events"),
        default=list,
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    secret_sealed = models.BinaryField(default=b"", editable=False)
    # After a rotation the former secret also signs, for a while, so receivers can switch.
    previous_secret_sealed = models.BinaryField(default=b"", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(
        _("failed attempts in a row"), default=0, editable=False
    )
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(
        _("disabled after failures at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    # The event's id, the same in every endpoint's delivery of it and in a replay: receivers
    # skip an id they have processed (X-Support-Event-Id).
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    body = models.TextField(_("body"))  # the exact JSON sent and signed
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    replay_of = models.ForeignKey(
        "self",
        verbose_name=_("replay of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replays",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(next_attempt_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
