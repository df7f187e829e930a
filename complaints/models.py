"""Complaints: a customer saying the exchange treated them wrongly, its decision and appeal.

The workflow is one transitions table (`Complaint.TRANSITIONS`) applied by one function
(`complaints.workflow.move`); each move is a `ComplaintEvent` row. Stage deadlines are
`ComplaintDeadline` rows with a due time, computed from the `ComplaintTarget` rows admins edit,
and swept by a periodic task (`complaints.sweep`).
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.taxonomy import Language


class Category(models.TextChoices):
    ACCOUNT_FREEZE = "account_freeze", _("Account freeze")
    TRANSFER_DELAY = "transfer_delay", _("Withdrawal or deposit delay")
    TRADING_DISPUTE = "trading_dispute", _("Trading dispute")
    FEES = "fees", _("Fees")
    KYC_REJECTION = "kyc_rejection", _("KYC rejection")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    OTHER = "other", pgettext_lazy("complaint category", "Other")


class Stage(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("complaint stage", "Submitted")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("complaint stage", "Acknowledged")
    INVESTIGATING = "investigating", pgettext_lazy("complaint stage", "Investigating")
    WAITING_ON_CUSTOMER = "waiting", pgettext_lazy("complaint stage", "Waiting on you")
    DECIDED = "decided", pgettext_lazy("complaint stage", "Decided")
    APPEALED = "appealed", pgettext_lazy("complaint stage", "Appealed")
    UNDER_APPEAL_REVIEW = "appeal_review", pgettext_lazy("complaint stage", "Under appeal review")
    FINAL_DECISION = "final", pgettext_lazy("complaint stage", "Final decision")
    CLOSED = "closed", pgettext_lazy("complaint stage", "Closed")


OPEN_STAGES = frozenset(
    {Stage.SUBMITTED, Stage.ACKNOWLEDGED, Stage.INVESTIGATING, Stage.WAITING_ON_CUSTOMER}
)
APPEAL_STAGES = frozenset({Stage.APPEALED, Stage.UNDER_APPEAL_REVIEW})


class Outcome(models.TextChoices):
    UPHELD = "upheld", pgettext_lazy("complaint outcome", "Upheld")
    PARTLY_UPHELD = "partly_upheld", pgettext_lazy("complaint outcome", "Partly upheld")
    REJECTED = "rejected", pgettext_lazy("complaint outcome", "Rejected")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", pgettext_lazy("appeal outcome", "Decision upheld")
    OVERTURNED = "overturned", pgettext_lazy("appeal outcome", "Decision overturned")
    MODIFIED = "modified", pgettext_lazy("appeal outcome", "Decision modified")


class Source(models.TextChoices):
    FORM = "form", pgettext_lazy("complaint source", "Complaint form")
    TICKET = "ticket", pgettext_lazy("complaint source", "Ticket")
    CHAT = "chat", pgettext_lazy("complaint source", "Chat")
    STAFF = "staff", pgettext_lazy("complaint source", "Raised by staff")


class RootCause(models.TextChoices):
    PROCESS = "process", pgettext_lazy("root cause", "Process failure")
    SYSTEM = "system", pgettext_lazy("root cause", "System fault")
    STAFF = "staff", pgettext_lazy("root cause", "Staff error")
    POLICY = "policy", pgettext_lazy("root cause", "Policy")
    COMMUNICATION = "communication", pgettext_lazy("root cause", "Unclear communication")
    THIRD_PARTY = "third_party", pgettext_lazy("root cause", "Third party (bank, network)")
    RISK_CONTROL = "risk_control", pgettext_lazy("root cause", "Risk or compliance control")
    CUSTOMER = "customer", pgettext_lazy("root cause", "Customer's own action")


class Target(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("complaint target", "Acknowledge")
    DECIDE = "decide", pgettext_lazy("complaint target", "Decide")
    APPEAL_WINDOW = "appeal_window", pgettext_lazy("complaint target", "Appeal window")
    APPEAL_DECIDE = "appeal_decide", pgettext_lazy("complaint target", "Decide the appeal")


# A complaint with nothing of staff's running has this as its next due time: it sorts after
# every real one in the staff queue.
NOTHING_DUE = datetime(9999, 12, 31, tzinfo=UTC)
QUEUE_STAGES = (
    Stage.SUBMITTED,
    Stage.ACKNOWLEDGED,
    Stage.INVESTIGATING,
    Stage.WAITING_ON_CUSTOMER,
    Stage.APPEALED,
    Stage.UNDER_APPEAL_REVIEW,
)


class NextComplaintReference(models.Func):
    """The next complaint reference (C-000123), drawn by PostgreSQL as the row is inserted."""

    function = "complaints_next_reference"
    template = "%(function)s()"
    output_field = models.CharField()


class ComplaintQuerySet(models.QuerySet):
    def of_customer(self, user) -> "ComplaintQuerySet":
        return self.filter(customer=user)

    def in_stage(self, *stages: str) -> "ComplaintQuerySet":
        return self.filter(stage__in=stages)

    def open(self) -> "ComplaintQuerySet":
        return self.exclude(stage=Stage.CLOSED)


class Complaint(models.Model):
    Category = Category
    Stage = Stage
    Outcome = Outcome
    Source = Source

    # The one transitions table of the complaint workflow: stage -> stages it may move to.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Stage.SUBMITTED: frozenset({Stage.ACKNOWLEDGED, Stage.CLOSED}),
        Stage.ACKNOWLEDGED: frozenset(
            {Stage.INVESTIGATING, Stage.WAITING_ON_CUSTOMER, Stage.DECIDED, Stage.CLOSED}
        ),
        Stage.INVESTIGATING: frozenset({Stage.WAITING_ON_CUSTOMER, Stage.DECIDED, Stage.CLOSED}),
        Stage.WAITING_ON_CUSTOMER: frozenset({Stage.INVESTIGATING, Stage.CLOSED}),
        Stage.DECIDED: frozenset({Stage.APPEALED, Stage.CLOSED}),
        Stage.APPEALED: frozenset({Stage.UNDER_APPEAL_REVIEW}),
        Stage.UNDER_APPEAL_REVIEW: frozenset({Stage.FINAL_DECISION}),
        Stage.FINAL_DECISION: frozenset({Stage.CLOSED}),
        Stage.CLOSED: frozenset(),
    }

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, db_default=NextComplaintReference()
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    email = models.EmailField(_("email for notices"))
    language = models.CharField(
        _("language"), max_length=7, choices=Language.choices, default=Language.EN
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(
        _("what happened"), help_text=_("Stored with secrets already redacted.")
    )
    desired_outcome = models.TextField(_("outcome wanted"), blank=True, default="")
    source = models.CharField(
        _("raised from"), max_length=8, choices=Source.choices, default=Source.FORM
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket", blank=True, related_name="complaints", verbose_name=_("related tickets")
    )
    transactions = ArrayField(
        models.CharField(max_length=64),
        verbose_name=_("related transactions"),
        default=list,
        blank=True,
    )
    conversation_id = models.PositiveBigIntegerField(_("chat"), null=True, blank=True)
    about_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("staff the complaint is about"),
    )
    sentiment = models.CharField(_("sentiment"), max_length=16, blank=True, default="")
    root_causes = ArrayField(
        models.CharField(max_length=16, choices=RootCause.choices),
        verbose_name=_("root causes"),
        default=list,
        blank=True,
    )

    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.SUBMITTED
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("complaint officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    outcome = models.CharField(
        _("decision"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True, default="")
    remedy = models.TextField(_("remedy"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    remediations = models.ManyToManyField(
        "tickets.Remediation", blank=True, related_name="complaints", verbose_name=_("remedies")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    appeal_deadline = models.DateTimeField(_("appeal possible until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    published_summary = models.TextField(_("published case summary"), blank=True, default="")
    # The earliest running, unpaused deadline of staff's (the appeal window is the customer's),
    # kept by complaints.timers on every stage move: the staff queue's order.
    next_due = models.DateTimeField(_("next due"), default=NOTHING_DUE, editable=False)
    next_target = models.CharField(
        _("next target"), max_length=16, choices=Target.choices, blank=True, editable=False
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["stage", "id"], name="complaint_stage"),
            models.Index(fields=["customer", "id"], name="complaint_customer"),
            models.Index(fields=["officer", "stage"], name="complaint_officer"),
            models.Index(fields=["created_at"], name="complaint_created"),
            models.Index(
                fields=["next_due", "id"],
                name="complaint_queue",
                condition=Q(stage__in=QUEUE_STAGES),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class Appeal(models.Model):
    """The customer's appeal against a decision; one per complaint, decided by a reviewer who
    did not handle the complaint."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="appeal")
    grounds = models.TextField(_("grounds for the appeal"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appeal reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_reviewed",
    )
    outcome = models.CharField(
        _("final decision"), max_length=16, choices=AppealOutcome.choices, blank=True, default=""
    )
    decision_reason = models.TextField(_("reason for the final decision"), blank=True, default="")
    remedy = models.TextField(_("remedy"), blank=True, default="")
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [models.Index(fields=["reviewer"], name="appeal_reviewer")]

    def __str__(self) -> str:
        return f"{self.complaint_id}"


class ComplaintEvent(models.Model):
    """One row per change: a stage move (from, to), an assignment, a note, a message, an
    override. `public` events make the customer's timeline; the others are internal."""

    class Kind(models.TextChoices):
        STAGE = "stage", pgettext_lazy("complaint event", "Stage changed")
        ASSIGNED = "assigned", pgettext_lazy("complaint event", "Officer assigned")
        REVIEWER = "reviewer", pgettext_lazy("complaint event", "Reviewer assigned")
        NOTE = "note", pgettext_lazy("complaint event", "Internal note")
        MESSAGE = "message", pgettext_lazy("complaint event", "Message")
        REMEDY = "remedy", pgettext_lazy("complaint event", "Remedy")
        TAGS = "tags", pgettext_lazy("complaint event", "Root causes")
        OVERRIDE = "override", pgettext_lazy("complaint event", "Independence override")
        DEADLINE = "deadline", pgettext_lazy("complaint event", "Deadline")
        PUBLISHED = "published", pgettext_lazy("complaint event", "Case summary published")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person assigned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_stage = models.CharField(
        _("from"), max_length=16, choices=Stage.choices, blank=True, default=""
    )
    to_stage = models.CharField(
        _("to"), max_length=16, choices=Stage.choices, blank=True, default=""
    )
    reason = models.TextField(_("why"), blank=True, default="")
    public = models.BooleanField(_("shown to the customer"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "id"], name="complaint_event_order")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.from_stage}→{self.to_stage}"


class ComplaintMessage(models.Model):
    """A message between the customer and the complaints team, or an internal note."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", pgettext_lazy("complaint message", "From the customer")
        OFFICER = "officer", pgettext_lazy("complaint message", "To the customer")
        NOTE = "note", pgettext_lazy("complaint message", "Internal note")
        REQUEST = "request", pgettext_lazy("complaint message", "Request for information")
        LETTER = "letter", pgettext_lazy("complaint message", "Decision letter")

    CUSTOMER_VISIBLE = frozenset({Kind.CUSTOMER, Kind.OFFICER, Kind.REQUEST, Kind.LETTER})

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("body"), help_text=_("Stored with secrets already redacted."))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        indexes = [models.Index(fields=["complaint", "id"], name="complaint_message_order")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


def complaint_file_path(instance: "ComplaintAttachment", filename: str) -> str:
    import uuid

    return f"complaints/{instance.complaint_id}/{uuid.uuid4().hex}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        ComplaintMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=complaint_file_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")

    def __str__(self) -> str:
        return self.filename


class Unit(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "days", _("calendar days")
    BUSINESS_DAYS = "business_days", _("business days")


class ComplaintTarget(models.Model):
    """How long a stage may take (policy is data: admins edit these rows)."""

    target = models.CharField(_("target"), max_length=16, choices=Target.choices, unique=True)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    warn_before_hours = models.PositiveIntegerField(
        _("warn this many hours before"), default=0, help_text=_("0: no warning.")
    )
    calendar = models.ForeignKey(
        "tickets.BusinessCalendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Business days are counted on this calendar; none: Monday to Friday, UTC."),
    )

    class Meta:
        ordering = ["target"]
        verbose_name = _("complaint deadline target")
        verbose_name_plural = _("complaint deadline targets")

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.amount} {self.get_unit_display()}"


class DeadlineQuerySet(models.QuerySet):
    def running(self) -> "DeadlineQuerySet":
        return self.filter(met_at__isnull=True, cancelled_at__isnull=True)


class ComplaintDeadline(models.Model):
    """One stage's due time for one complaint. The sweep acts on `next_at` (the warning, then
    the breach); `warned_at` / `breached_at` make each notice happen once."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadlines")
    target = models.CharField(_("target"), max_length=16, choices=Target.choices)
    started_at = models.DateTimeField(_("started at"))
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    next_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "target"], name="complaint_deadline_once")
        ]
        indexes = [
            models.Index(
                fields=["next_at"],
                name="complaint_deadline_next",
                condition=Q(next_at__isnull=False),
            ),
            # The console queue: a stage's running deadline in due order, a page at a time.
            models.Index(
                fields=["target", "due_at", "complaint"],
                name="complaint_deadline_running",
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.target} {self.due_at:%Y-%m-%d %H:%M}"


class TrackingCode(models.Model):
    """A one-time code emailed to the complaint's address for the public status page; only
    its hash is stored."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="tracking_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tracking code")
        verbose_name_plural = _("tracking codes")

    def __str__(self) -> str:
        return f"{self.complaint_id}"
