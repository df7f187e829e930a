"""Call records, telephony providers, the numbers we know customers by, and callback requests
with the policy admins edit. Imported by tickets/models.py, so they are tickets' models."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.models import Team
from support.taxonomy import Category, Language, Tier
from tickets.models import BusinessCalendar, Ticket

https_only = URLValidator(schemes=["https"], message=_("Enter an https:// link."))


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class CallOutcome(models.TextChoices):
    RESOLVED = "resolved", pgettext_lazy("call outcome", "Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    CALLBACK_NEEDED = "callback_needed", _("Callback needed")
    NO_ANSWER = "no_answer", _("No answer")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    BUSY = "busy", _("Line busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


# A callback whose call ended so goes back to the queue for another try.
NOT_REACHED = (CallOutcome.NO_ANSWER, CallOutcome.VOICEMAIL, CallOutcome.BUSY)


class TelephonyProvider(models.Model):
    """A PBX or cloud telephony service posting call events to
    /channels/phone/<key>/events, signed with its own secret (stored sealed)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    secret_sealed = models.BinaryField(_("signing secret (encrypted)"), default=b"", editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team of new phone tickets"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("telephony provider")
        verbose_name_plural = _("telephony providers")

    def __str__(self) -> str:
        return self.name


class CallbackPolicy(models.Model):
    """Who may ask for a callback and how soon we call: one row, edited by admins (without
    it, the defaults below apply)."""

    eligible_tiers = ArrayField(
        models.CharField(max_length=16, choices=Tier.choices),
        verbose_name=_("tiers that may request a callback"),
        default=list,
        blank=True,
        help_text=_("Anyone reporting a security incident may request one too."),
    )
    target_minutes = models.PositiveIntegerField(_("call within (business minutes)"), default=240)
    incident_target_minutes = models.PositiveIntegerField(
        _("security incidents: call within (business minutes)"), default=30
    )
    warn_share = models.DecimalField(
        _("warn at share of target"), max_digits=3, decimal_places=2, default=0.75
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("calendar"),
        help_text=_("Empty: 24/7."),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("team that calls back"),
        help_text=_("Its supervisor is told about callbacks at risk and overdue."),
    )

    class Meta:
        verbose_name = _("callback policy")
        verbose_name_plural = _("callback policies")

    def __str__(self) -> str:
        return str(_("Callback policy"))


class CallbackState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("callback state", "Waiting")
    CLAIMED = "claimed", pgettext_lazy("callback state", "Being called")
    DONE = "done", pgettext_lazy("callback state", "Called")
    CANCELLED = "cancelled", pgettext_lazy("callback state", "Cancelled")


OPEN_CALLBACK_STATES = (CallbackState.WAITING, CallbackState.CLAIMED)


class CallWindow(models.TextChoices):
    SOON = "soon", _("As soon as possible")
    MORNING = "morning", _("Morning (9:00–12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00–18:00)")
    EVENING = "evening", _("Evening (18:00–21:00)")


class CallbackQuerySet(models.QuerySet):
    def open(self) -> "CallbackQuerySet":
        return self.filter(state__in=OPEN_CALLBACK_STATES)

    def queue_order(self) -> "CallbackQuerySet":
        """Security incidents first, then the earliest due."""
        return self.order_by("-security_incident", "due_at", "id")


class CallbackRequest(models.Model):
    State = CallbackState

    # The one transitions table of the callback workflow.
    TRANSITIONS: dict[str, frozenset[str]] = {
        CallbackState.WAITING: frozenset({CallbackState.CLAIMED, CallbackState.CANCELLED}),
        CallbackState.CLAIMED: frozenset(
            {CallbackState.WAITING, CallbackState.DONE, CallbackState.CANCELLED}
        ),
        CallbackState.DONE: frozenset(),
        CallbackState.CANCELLED: frozenset(),
    }

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="callback_requests",
    )
    number = models.CharField(_("phone number"), max_length=20)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    window = models.CharField(
        _("preferred time"), max_length=10, choices=CallWindow.choices, default=CallWindow.SOON
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    topic = models.CharField(_("topic"), max_length=32, choices=Category.choices)
    security_incident = models.BooleanField(_("security incident"), default=False)
    details = models.TextField(
        _("details"), blank=True, default="", help_text=_("Stored with secrets already redacted.")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    state = models.CharField(
        _("state"), max_length=10, choices=CallbackState.choices, default=CallbackState.WAITING
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    due_at = models.DateTimeField(_("call due"))
    warn_at = models.DateTimeField(_("warn at"))
    # The sweep's key: the earliest of warn_at and due_at not acted on yet (NULL: none left).
    next_due = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callback_requests",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")
        indexes = [
            models.Index(
                fields=["next_due"],
                name="callback_next_due_open",
                condition=Q(state__in=["waiting", "claimed"], next_due__isnull=False),
            ),
            models.Index(
                fields=["-security_incident", "due_at", "id"],
                name="callback_queue",
                condition=Q(state__in=["waiting", "claimed"]),
            ),
            models.Index(fields=["customer", "-id"], name="callback_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_topic_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CALLBACK_STATES


class CallRecord(models.Model):
    """One phone call: logged by an agent, or reported by a telephony provider's webhook
    (`provider`, `external_id`). `ticket` stays empty until the call is linked to one."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    provider = models.ForeignKey(
        TelephonyProvider,
        verbose_name=_("telephony provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    external_id = models.CharField(_("provider's call id"), max_length=200, blank=True, default="")
    callback = models.ForeignKey(
        CallbackRequest,
        verbose_name=_("callback request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    direction = models.CharField(_("direction"), max_length=8, choices=CallDirection.choices)
    number = models.CharField(_("customer's number"), max_length=20, blank=True, default="")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(
        _("notes"), blank=True, default="", help_text=_("Stored with secrets already redacted.")
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CallOutcome.choices, blank=True, default=""
    )
    recording_url = models.URLField(
        _("recording link"), max_length=500, blank=True, default="", validators=[https_only]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                name="call_external_id_once",
                condition=~Q(external_id=""),
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "id"], name="call_ticket"),
            models.Index(fields=["-id"], name="call_unlinked", condition=Q(ticket__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.started_at or self.created_at:%Y-%m-%d %H:%M}"


class CustomerPhone(models.Model):
    """A number a customer gave us (a callback request) or an agent confirmed (a logged call):
    how an inbound call is matched to a customer. A number several customers share matches
    nobody."""

    class Source(models.TextChoices):
        CALLBACK = "callback", _("Callback request")
        AGENT = "agent", _("Confirmed by an agent")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_numbers"
    )
    number = models.CharField(_("phone number"), max_length=20)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("customer phone number")
        verbose_name_plural = _("customer phone numbers")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="customer_phone_once")
        ]
        indexes = [models.Index(fields=["number"], name="customer_phone_number")]

    def __str__(self) -> str:
        return self.number
