"""Tickets, their messages, attachments and audit events, and the policy rows admins edit."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.models import Team
from support.roles import is_staff_member
from support.taxonomy import Category, Language, Tier
from support.teams import team_readable_filter
from tickets.policy_cache import ChangesSlaPolicies


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Live chat")
    PHONE = "phone", _("Phone")
    TELEGRAM = "telegram", _("Telegram")
    TWITTER = "twitter", _("Twitter")
    FACEBOOK = "facebook", _("Facebook")
    LINE = "line", _("LINE")
    KAKAOTALK = "kakaotalk", _("KakaoTalk")
    FORUM = "forum", _("Forum")
    COMPLAINT = "complaint", _("Complaint")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", _("Waiting on customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", pgettext_lazy("ticket status", "Solved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
# The SLA clocks do not run in these states (docs/sla.md).
PAUSED_STATUSES = (Status.PENDING, Status.ON_HOLD, Status.SOLVED)


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class TicketQuerySet(models.QuerySet):
    def open(self) -> "TicketQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def of_teams(self, teams: tuple[int, ...] | None) -> "TicketQuerySet":
        """The tickets of `teams`; None: every ticket, those of no team too (an
        administrator's dashboard)."""
        return self if teams is None else self.filter(team__in=teams)

    def due_before(self, moment) -> "TicketQuerySet":
        """Tickets with an SLA step (warning or breach) at or before `moment`: the sweep's read."""
        return self.filter(next_due__lte=moment, status__in=OPEN_STATUSES)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "TicketQuerySet":
        """The one place that decides which tickets a person may see (and so change): a
        customer their own; staff every ticket but those of restricted teams they are not
        part of (support.teams)."""
        if not user.is_authenticated:
            return self.none()
        if is_staff_member(user):
            return self.filter(team_readable_filter(user))
        return self.filter(customer=user)


class NextReference(models.Func):
    """The next ticket reference (T-001000, …), drawn by PostgreSQL as the row is inserted."""

    function = "tickets_next_reference"
    template = "%(function)s()"
    output_field = models.CharField()


class Ticket(models.Model):
    Channel = Channel
    Priority = Priority
    Status = Status

    # The one transitions table of the ticket workflow: status -> statuses it may move to.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
        Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
        Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
        Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
        Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
        Status.CLOSED: frozenset(),
    }

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, db_default=NextReference()
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    external_conversation = models.CharField(
        _("external conversation"), max_length=200, blank=True, default=""
    )
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.GENERAL
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW)
    language = models.CharField(
        _("language"), max_length=7, choices=Language.choices, default=Language.EN
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    subject = models.CharField(_("subject"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        db_index=False,  # ticket_assignee_open serves the queues and routing's load count
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = ArrayField(models.CharField(max_length=50), verbose_name=_("tags"), default=list)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    needs_triage = models.BooleanField(_("needs triage"), default=False)
    security_followup = models.BooleanField(_("security follow-up"), default=False)
    strongly_negative = models.BooleanField(_("strongly negative"), default=False)
    # The customer wrote of "support" reaching them elsewhere, or sent a look-alike of our
    # domains (support.text.impersonation): agents see a warning; the customer got a notice.
    impersonation_suspected = models.BooleanField(_("impersonation suspected"), default=False)
    satisfaction_score = models.PositiveSmallIntegerField(
        _("satisfaction score"), null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Links
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related tickets"))
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    parent_incident = models.ForeignKey(
        "self",
        verbose_name=_("parent incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_children",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    # SLA clocks (docs/sla.md)
    sla_policy = models.ForeignKey(
        "SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("SLA policy")
    )
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    next_response_started_at = models.DateTimeField(null=True, blank=True)
    next_response_paused_base = models.PositiveIntegerField(default=0)
    next_response_due = models.DateTimeField(_("next response due"), null=True, blank=True)
    next_response_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    next_due = models.DateTimeField(_("next SLA step"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA paused at"), null=True, blank=True)
    sla_paused_minutes = models.PositiveIntegerField(_("business minutes paused"), default=0)
    # Not auto_now_add: intake starts the SLA clocks at the same instant it stamps the ticket.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by intake, cleared by its follow-up (tickets/follow_up.py); past due: the sweep runs it.
    follow_up_after = models.DateTimeField(null=True, blank=True, editable=False)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Roll-ups of the dashboards' business-minute figures, counted after the fact by
    # tickets.metrics.rollups (NULL: not counted yet); `resolution_of` is the solve they count.
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    resolution_of = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(
                fields=["next_due"],
                name="ticket_next_due_open",
                condition=Q(
                    status__in=["new", "open", "pending", "on_hold"], next_due__isnull=False
                ),
            ),
            models.Index(fields=["customer", "-id"], name="ticket_customer"),
            models.Index(
                fields=["follow_up_after"],
                name="ticket_follow_up_pending",
                condition=Q(follow_up_after__isnull=False),
            ),
            # The console's queues: each walks its own partial index newest first.
            models.Index(
                fields=["assignee", "-id"],
                name="ticket_assignee_open",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["team", "-id"],
                name="ticket_team_unassigned",
                condition=Q(status__in=OPEN_STATUSES, assignee__isnull=True),
            ),
            *[
                models.Index(
                    fields=[due], name=f"ticket_{due}_open", condition=Q(status__in=OPEN_STATUSES)
                )
                for due in ("first_response_due", "next_response_due", "resolution_due")
            ],
            models.Index(
                fields=["channel", "external_conversation"],
                name="ticket_conversation",
                condition=~Q(external_conversation=""),
            ),
            # The inbox's filters: a rare combination (Japanese + Telegram + urgent) is found
            # by combining these instead of reading every open ticket.
            *[
                models.Index(
                    fields=[field, "-id"],
                    name=f"ticket_{field}_open",
                    condition=Q(status__in=OPEN_STATUSES),
                )
                for field in ("language", "channel", "category", "priority")
            ],
            GinIndex(fields=["tags"], name="ticket_tags"),
            # The dashboards' periods, and the roll-ups still to count (tickets.metrics.rollups).
            *[
                models.Index(fields=[field], name=f"ticket_{field}")
                for field in ("created_at", "first_responded_at", "solved_at")
            ],
            models.Index(
                fields=["id"],
                name="ticket_first_reply_uncounted",
                condition=Q(first_responded_at__isnull=False, first_response_minutes__isnull=True),
            ),
            models.Index(
                fields=["id"],
                name="ticket_solve_uncounted",
                condition=Q(solved_at__isnull=False)
                & (Q(resolution_of__isnull=True) | ~Q(resolution_of=F("solved_at"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", kwargs={"reference": self.reference})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer message")
        REPLY = "reply", _("Public reply")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    body = models.TextField(_("body"), help_text=_("Stored with secrets already redacted."))
    body_html = models.TextField(_("rendered body"), blank=True)
    # An email's new part, rendered (tickets/channels/email_quotes.py): what the console shows
    # first, the full body one click away. Blank: nothing in it was quoted text or a signature.
    new_html = models.TextField(_("rendered new text"), blank=True, default="")
    metadata = models.JSONField(_("channel metadata"), default=dict, blank=True)
    external_id = models.CharField(_("external id"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A public reply's roll-ups for the dashboards, counted after the fact by
    # tickets.metrics.rollups (`counted`): its handle time, and when the next-response cycle it
    # closes began (the first customer message after the previous reply; NULL: it closes none).
    counted = models.BooleanField(default=False, editable=False)
    handle_minutes = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    cycle_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                name="message_external_id_unique",
                condition=Q(external_id__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "id"], name="message_ticket"),
            models.Index(
                fields=["created_at"], name="message_reply_created", condition=Q(kind="reply")
            ),
            models.Index(
                fields=["id"],
                name="message_reply_uncounted",
                condition=Q(kind="reply", counted=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.pk} {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random key on disk: the customer's file name (shown as `filename`) never becomes a
    path, so `../../x`, NUL or a 300-character name cannot reach the file system."""
    return f"attachments/{instance.ticket_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("ticket_attachment", kwargs={"pk": self.pk})


class Event(models.Model):
    """One change of a ticket: who, what, before, after, when."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    field = models.CharField(_("field"), max_length=40)
    before = models.TextField(_("before"), blank=True, default="")
    after = models.TextField(_("after"), blank=True, default="")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["ticket", "id"], name="event_ticket"),
            # The dashboards' reopenings and solves of a period (tickets.metrics.flow).
            models.Index(
                fields=["created_at"], name="event_status_created", condition=Q(field="status")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"


class Macro(models.Model):
    """A canned reply in one language; placeholders {customer_name} and {reference}."""

    key = models.SlugField(_("key"), max_length=60)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices)
    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("body"))
    set_status = models.CharField(
        _("set status"), max_length=8, choices=Status.choices, blank=True, default=""
    )
    add_tags = ArrayField(models.CharField(max_length=50), verbose_name=_("add tags"), default=list)
    active = models.BooleanField(_("active"), default=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="macro_key_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class SavedView(models.Model):
    """A named inbox filter: personal, or shared with every agent when a supervisor saves it."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    filters = models.JSONField(_("filters"), default=dict)
    shared = models.BooleanField(_("shared with every agent"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name


class BusinessCalendar(ChangesSlaPolicies, models.Model):
    """Weekly opening hours in a timezone, minus a country's public holidays; or 24/7.

    `weekly_hours` maps a weekday ("0" = Monday … "6" = Sunday) to [["09:00", "18:00"], …].
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("timezone"), max_length=64, default="UTC")
    always_open = models.BooleanField(_("24/7"), default=False)
    weekly_hours = models.JSONField(_("weekly hours"), default=dict, blank=True)
    holiday_country = models.CharField(
        _("holiday country code"), max_length=2, blank=True, default=""
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="business_calendars", verbose_name=_("teams")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(ChangesSlaPolicies, models.Model):
    """Targets in business minutes; blank match fields match anything, the most specific wins."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    warn_share = models.DecimalField(
        _("warn at share of target"), max_digits=3, decimal_places=2, default=0.75
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("calendar"),
        help_text=_("Empty: the team's calendar, else 24/7."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def target_minutes(self, target: str) -> int:
        return getattr(self, f"{target}_minutes")


class EscalationRule(models.Model):
    """What a breach does beyond raising the escalation level and notifying."""

    sla_policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("SLA policy")
    )
    target = models.CharField(_("target"), max_length=16, choices=SlaTarget.choices, blank=True)
    bump_priority = models.BooleanField(_("bump priority"), default=False)
    move_to_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("move to team")
    )

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self) -> str:
        return f"{self.sla_policy or '*'} / {self.target or '*'}"


class SlaEvent(models.Model):
    """A warning or breach already acted on: the unique row makes each step happen once."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_events")
    target = models.CharField(max_length=16, choices=SlaTarget.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    # The notices of a step are written by a second pass (outbox emails); NULL = still to send.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "kind", "due_at"], name="sla_event_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"], name="sla_event_unnotified", condition=Q(notified_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target} {self.kind}"


class RoutingRule(models.Model):
    """Which team a ticket goes to; blank fields match anything; lowest position first."""

    position = models.PositiveIntegerField(_("position"), default=100)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, verbose_name=_("team"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.position}: {self.category or '*'}/{self.language or '*'} → {self.team}"


class RemediationAction(models.TextChoices):
    FREEZE_ACCOUNT = "freeze_account", _("Freeze account")
    UNFREEZE_ACCOUNT = "unfreeze_account", _("Unfreeze account")
    RESET_TWO_FACTOR = "reset_two_factor", _("Reset 2FA")
    RELEASE_WITHDRAWAL = "release_withdrawal", _("Release a stuck withdrawal")
    REFUND_FEE = "refund_fee", _("Refund a fee")
    COMPENSATE = "compensate", _("Compensate")


class RemediationRule(models.Model):
    """Which remediation actions need a second approver: always, or above an amount.
    An action without a row needs none."""

    action = models.CharField(
        _("action"), max_length=20, choices=RemediationAction.choices, unique=True
    )
    always = models.BooleanField(_("always needs a second approver"), default=False)
    above_amount = models.DecimalField(
        _("needs a second approver above this amount"),
        max_digits=24,
        decimal_places=8,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["action"]
        verbose_name = _("remediation approval rule")
        verbose_name_plural = _("remediation approval rules")

    def __str__(self) -> str:
        return self.action


class Remediation(models.Model):
    """An action on the customer's exchange account, with its reason and approvals."""

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        EXECUTED = "executed", _("Executed")
        FAILED = "failed", _("Failed")
        REJECTED = "rejected", pgettext_lazy("approval", "Rejected")

    # A remediation is asked for from a ticket, or (ticket blank) from a complaint's decision.
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="remediations"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=RemediationAction.choices)
    reason = models.TextField(_("reason"))
    withdrawal_id = models.CharField(_("withdrawal id"), max_length=64, blank=True, default="")
    asset = models.CharField(_("asset"), max_length=16, blank=True, default="")
    amount = models.DecimalField(
        _("amount"), max_digits=24, decimal_places=8, null=True, blank=True
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, default="")
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    result = models.TextField(_("result"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("remediation")
        verbose_name_plural = _("remediations")

    def __str__(self) -> str:
        return f"{self.action} on {self.ticket_id}"


class RawInbound(models.Model):
    """An inbound payload (an email, a webhook body) stored before it is parsed, so a parser
    bug can be fixed and the payload replayed; `key` (e.g. the Message-ID) makes a second
    delivery a no-op."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    key = models.CharField(_("unique key"), max_length=255)
    payload = models.BinaryField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL)
    error = models.TextField(_("error"), blank=True, default="")
    encrypted = models.BooleanField(_("encrypted"), default=False)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)
    # An email stored by the pipe is read by a worker (tickets/channels/email_raw.py): the
    # mailbox it was delivered to, when the sweep hands it to the workers (again), and how many
    # times a worker took it (a message that kills its worker is given up after a few).
    mailbox = models.ForeignKey(
        "tickets.Mailbox",
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    process_after = models.DateTimeField(_("to be read after"), null=True, blank=True)
    process_attempts = models.PositiveSmallIntegerField(_("reading attempts"), default=0)

    class Meta:
        verbose_name = _("raw inbound payload")
        verbose_name_plural = _("raw inbound payloads")
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="raw_inbound_once")]
        indexes = [
            # The retention sweep reads only the payloads not purged yet, oldest first.
            models.Index(
                fields=["channel", "received_at"],
                name="raw_inbound_unpurged",
                condition=Q(purged_at__isnull=True),
            ),
            # The pipe's sweep reads only the emails still waiting for a worker.
            models.Index(
                fields=["process_after"],
                name="raw_inbound_waiting",
                condition=Q(process_after__isnull=False, processed_at__isnull=True),
            ),
            # The webhook drain claims the payloads never tried yet, oldest first.
            models.Index(
                fields=["id"],
                name="raw_inbound_fresh",
                condition=Q(processed_at__isnull=True, process_attempts=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.key}"


# Surveys and quality reviews, and the dashboards' daily roll-ups, live in their own modules
# (this one is long enough); importing them here makes them tickets' models.
from tickets.bounce_models import BouncedAddress  # noqa: E402, F401
from tickets.email_thread_models import EmailParticipant  # noqa: E402, F401
from tickets.figure_models import AgentDay, FigureCounted, FigureDay, FigureDirty  # noqa: E402, F401
from tickets.file_delivery_models import FileDelivery  # noqa: E402, F401
from tickets.identities.models import (  # noqa: E402, F401
    CustomerIdentity,
    CustomerMerge,
    IdentityCode,
    SocialLinkCode,
)
from tickets.mailbox_models import Mailbox  # noqa: E402, F401
from tickets.phone.models import (  # noqa: E402, F401
    CallbackPolicy,
    CallbackRequest,
    CallRecord,
    CustomerPhone,
    TelephonyProvider,
)
from tickets.social_models import SocialAccount, SocialOutbox  # noqa: E402, F401
from tickets.survey_models import (  # noqa: E402, F401
    NpsAnswer,
    NpsInvitation,
    QualityReview,
    QualityScore,
    ReviewCriterion,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyPolicy,
    SurveyState,
)
from tickets.telegram_models import TelegramBot, TelegramOutbox  # noqa: E402, F401
