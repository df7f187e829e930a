"""Social channels (docs/channels.md, "Facebook Messenger and Instagram"): an account per page
or profile we answer from, and the messages waiting to be sent to it.

An account's secrets (the app secret that signs webhooks, the access token that sends) are
stored sealed (tickets/channels/social_common.py) and never shown back. A reply to a customer is
a row of `SocialOutbox`, written in the transaction of the agent's reply and sent by a worker,
as Telegram's are (tickets/telegram_models.py).
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from support.models import Team


def new_verify_token() -> str:
    return secrets.token_urlsafe(32)


class SocialAccount(models.Model):
    class Kind(models.TextChoices):
        MESSENGER = "messenger", _("Facebook page (Messenger)")
        INSTAGRAM = "instagram", _("Instagram professional account")
        LINE = "line", _("LINE Official Account")
        X = "x", _("X account")
        KAKAO = "kakao", _("Kakao Talk Channel (Open Builder bot)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="social_accounts",
        help_text=_("Tickets from this account go to this team."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("The page or profile name."))
    external_id = models.CharField(
        _("page or account id"),
        max_length=64,
        help_text=_(
            "Meta: the numeric id of the page or the Instagram account. LINE: the bot's user "
            "id (U followed by 32 characters), the webhook's destination."
        ),
    )
    secret_sealed = models.BinaryField(_("app secret (encrypted)"), default=b"", editable=False)
    token_sealed = models.BinaryField(_("access token (encrypted)"), default=b"", editable=False)
    verify_token = models.CharField(
        _("verify token"), max_length=100, default=new_verify_token, editable=False
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "external_id"], name="social_account_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class SocialOutbox(models.Model):
    """A message to a customer on a social channel that must not be lost: an agent's reply
    (with `message`) or a notice (a file refused). Sent by a worker, retried after a refusal
    for too many requests or with growing gaps while the provider is away, given up
    (failed_at) only on an answer that will never change."""

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="outbox")
    recipient = models.CharField(_("recipient"), max_length=100)
    dedupe_key = models.CharField(max_length=200, unique=True)
    message = models.ForeignKey(
        "tickets.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_deliveries",
    )
    text = models.TextField(_("text"), blank=True)
    # LINE: the reply token of the event this answers, used while fresh (else a push).
    reply_token = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # How many text pieces the provider has taken: a retry goes on from the next one.
    parts_sent = models.PositiveSmallIntegerField(default=0)
    # Why it failed, for the agent (tickets.file_delivery_models.DeliveryFailure).
    failure = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("outgoing social message")
        verbose_name_plural = _("outgoing social messages")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="social_outbox_due",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.recipient}: {self.text[:40]}"
