from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from support.data_models import DataExport, ErasureRequest, LegalHold  # noqa: F401
from support.taxonomy import Category, KycStatus, Language, Tier


class Team(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    handles_security = models.BooleanField(
        _("handles security incidents"),
        default=False,
        help_text=_("Urgent security incidents go straight to this team."),
    )
    is_escalation = models.BooleanField(_("escalation team"), default=False)
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_(
            "Only this team's members and supervisors read its tickets and chats "
            "(e.g. Security, VIP)."
        ),
    )
    round_robin = models.BooleanField(
        _("round robin"), default=False, help_text=_("Otherwise the least loaded agent first.")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_teams",
    )
    email_from = models.EmailField(
        _("sender address"),
        blank=True,
        default="",
        help_text=_("Replies of this team's agents are sent from it. Empty: the site's address."),
    )
    email_signature = models.TextField(
        _("email signature"),
        blank=True,
        default="",
        help_text=_("Ends every emailed reply of this team's agents."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class CustomerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_profile"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=7, choices=Language.choices, default=Language.EN
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    exchange_account_id = models.CharField(
        _("exchange account id"), max_length=64, unique=True, null=True, blank=True
    )
    kyc_status = models.CharField(
        _("KYC status"), max_length=16, choices=KycStatus.choices, default=KycStatus.NONE
    )

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.tier})"


class AgentProfile(models.Model):
    class Presence(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=7, choices=Language.choices, default=Language.EN
    )
    languages = ArrayField(
        models.CharField(max_length=7, choices=Language.choices),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    skills = ArrayField(
        models.CharField(max_length=32, choices=Category.choices),
        verbose_name=_("skills"),
        default=list,
        blank=True,
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), related_name="agents", blank=True)
    max_open_chats = models.PositiveSmallIntegerField(_("maximum open chats"), default=3)
    max_open_tickets = models.PositiveSmallIntegerField(_("maximum open tickets"), default=25)
    presence = models.CharField(
        _("presence"), max_length=8, choices=Presence.choices, default=Presence.OFFLINE
    )
    presence_changed_at = models.DateTimeField(_("presence changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        permissions = [
            ("use_console", "Can use the agent console"),
            ("view_customer_account", "Can view a customer's exchange account"),
            ("supervise", "Can supervise teams and SLA dashboards"),
            ("remediate_account", "Can request remediation actions on exchange accounts"),
            ("approve_remediation", "Can approve remediation actions above the threshold"),
            ("handle_complaints", "Can handle complaints"),
            ("review_appeals", "Can review complaint appeals"),
            ("manage_content", "Can manage help-center content"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class DemoExchangeAccount(models.Model):
    """The demo exchange's back office: one JSON document per account (see support/exchange)."""

    account_id = models.CharField(max_length=64, unique=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("demo exchange account")
        verbose_name_plural = _("demo exchange accounts")

    def __str__(self) -> str:
        return self.account_id


class RetentionPeriod(models.Model):
    """How long one kind of stored customer data is kept before a sweep purges it; admins edit
    the rows."""

    class Kind(models.TextChoices):
        RAW_EMAIL = "raw_email", _("Raw inbound emails")
        RAW_WEBHOOK = "raw_webhook", _("Raw inbound webhook payloads")
        ATTACHMENT = "attachment", _("Attachments")
        CHAT_TRANSCRIPT = "chat_transcript", _("Chat transcripts")
        AUDIT_LOG = "audit_log", _("Audit log entries")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, unique=True)
    days = models.PositiveIntegerField(_("days kept"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"{self.kind}: {self.days}"


class OutboxQuerySet(models.QuerySet):
    def undelivered(self) -> "OutboxQuerySet":
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)


class OutboxEmail(models.Model):
    """An email that must not be lost: written in the same transaction as the change it reports,
    delivered by a Celery task, retried by a periodic sweep until sent."""

    dedupe_key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    language = models.CharField(max_length=7, choices=Language.choices, default=Language.EN)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    from_email = models.CharField(max_length=254, blank=True, default="")  # blank: the default
    # Files to attach: [{"name": storage name, "filename": …, "content_type": …}].
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # A delivery status notification said the recipient's server refused it after sending.
    bounced_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_undelivered",
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
            # The hourly cap on acknowledgements counts them by address (tickets/channels/
            # email_acks.py), the address compared as `to__iexact` does (UPPER).
            models.Index(
                Upper("to"),
                "created_at",
                name="outbox_acks_by_address",
                condition=models.Q(dedupe_key__startswith="ack:"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


from support.audit_models import AuditEntry  # noqa: E402, F401  (the audit log)
from support.factor_models import FactorReset  # noqa: E402, F401  (second-factor resets)

# Official channels and verification codes live in support/official/ (docs/verification.md);
# importing them here makes them support's models.
from support.official.models import (  # noqa: E402, F401
    ChannelCheck,
    OfficialChannel,
    VerificationCode,
)

# The webhooks' models live in their package (support/webhooks/); importing them here makes
# them support's models.
from support.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
