"""Complaints API shapes: what each caller may send, and what each one sees.

A customer sees their complaint without anything internal: no notes, no internal events, no
names of staff (a message's author is a role). Complaints staff see it whole. One output
serializer serves both, leaving the staff-only fields out for customers; the schema marks
those fields optional (`optional_in_schema`, support.openapi).
"""

from datetime import date

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints import selectors
from complaints.api_fields import NamedChoiceField, StaffFields, choice
from complaints.models import (
    Appeal,
    AppealOutcome,
    Category,
    Complaint,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    Outcome,
    RootCause,
    Source,
    Stage,
    Target,
)
from complaints.services import MAX_TICKETS, MAX_TRANSACTIONS, REASON_LIMIT, TEXT_LIMIT
from tickets.models import Remediation, RemediationAction


def category_field(**kwargs) -> NamedChoiceField:
    return choice(Category.choices, "ComplaintCategory", **kwargs)


def stage_field(**kwargs) -> NamedChoiceField:
    return choice(Stage.choices, "ComplaintStage", **kwargs)


# --- What callers send ------------------------------------------------------------------------


class ComplaintCreateIn(serializers.Serializer):
    category = category_field()
    description = serializers.CharField(max_length=TEXT_LIMIT, help_text=_("What happened."))
    desired_outcome = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default=""
    )
    tickets = serializers.ListField(
        child=serializers.CharField(max_length=20),
        max_length=MAX_TICKETS,
        default=list,
        help_text=_("References of your own tickets about the same problem."),
    )
    transactions = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=MAX_TRANSACTIONS,
        default=list,
        help_text=_("Ids of your own deposits or withdrawals the complaint is about."),
    )


class ComplaintTextIn(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_LIMIT)


class ComplaintAppealIn(serializers.Serializer):
    grounds = serializers.CharField(max_length=TEXT_LIMIT, help_text=_("Why you disagree."))


class ComplaintWithdrawIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_LIMIT, required=False, allow_blank=True, default=""
    )


class ComplaintStaffIn(serializers.Serializer):
    """What every staff action may carry: an administrator's written override of the
    independence rule."""

    override = serializers.CharField(
        max_length=REASON_LIMIT,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Administrators only: why the independence rule is set aside."),
    )


class ComplaintVersionedIn(ComplaintStaffIn):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The version you read: 409 if it changed.")
    )


class ComplaintStaffTextIn(ComplaintStaffIn):
    text = serializers.CharField(max_length=TEXT_LIMIT)


class ComplaintRootCausesIn(serializers.Serializer):
    root_causes = serializers.ListField(
        child=choice(RootCause.choices, "ComplaintRootCause"), max_length=len(RootCause)
    )


class ComplaintDecideIn(ComplaintVersionedIn):
    outcome = choice(Outcome.choices, "ComplaintOutcome")
    reason = serializers.CharField(max_length=REASON_LIMIT)
    remedy = serializers.CharField(
        max_length=REASON_LIMIT, required=False, allow_blank=True, default=""
    )
    letter = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default=""
    )


class ComplaintAppealDecideIn(ComplaintStaffIn):
    outcome = choice(AppealOutcome.choices, "AppealOutcome")
    reason = serializers.CharField(max_length=REASON_LIMIT)
    remedy = serializers.CharField(
        max_length=REASON_LIMIT, required=False, allow_blank=True, default=""
    )
    letter = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default=""
    )


class ComplaintAssignIn(ComplaintStaffIn):
    officer = serializers.IntegerField(help_text=_("The complaint officer's user id."))


class ComplaintAppealAssignIn(ComplaintStaffIn):
    reviewer = serializers.IntegerField(help_text=_("The appeal reviewer's user id."))


class ComplaintRemedyIn(serializers.Serializer):
    action = choice(RemediationAction.choices, "RemedyAction")
    reason = serializers.CharField(max_length=REASON_LIMIT)
    asset = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=24, decimal_places=8, required=False, allow_null=True, default=None
    )
    withdrawal_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )


class ComplaintQueueFilterIn(serializers.Serializer):
    stage = stage_field(required=False)
    category = category_field(required=False)
    language = serializers.CharField(max_length=7, required=False)
    officer = serializers.ChoiceField(choices=["me", "none"], required=False)


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9000, 12, 31)  # periods are counted in days


class ComplaintPeriodIn(serializers.Serializer):
    """`from` and `to`: submission dates, both days included (UTC). The names are Python
    keywords, so the fields are built here rather than declared."""

    def get_fields(self) -> dict:
        return {"from": period_day(), "to": period_day()}

    def validate(self, attrs: dict) -> dict:
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": [_("Start on or before the end date.")]})
        return attrs


def period_day() -> serializers.DateField:
    return serializers.DateField(required=False, validators=[within_period_days])


def within_period_days(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise serializers.ValidationError(
            _("Give a day from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}
        )


# --- What callers see -------------------------------------------------------------------------


class ComplaintPersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


def person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "email": user.email}


class ComplaintDeadlineOut(serializers.Serializer):
    target = choice(Target.choices, "ComplaintDeadlineTarget")
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    paused = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    def get_paused(self, row: ComplaintDeadline) -> bool:
        return row.paused_at is not None and row.met_at is None and row.cancelled_at is None

    @extend_schema_field(
        choice([(s, s) for s in ("running", "paused", "met", "cancelled")], "DeadlineState")
    )
    def get_state(self, row: ComplaintDeadline) -> str:
        if row.met_at is not None:
            return "met"
        if row.cancelled_at is not None:
            return "cancelled"
        return "paused" if row.paused_at is not None else "running"


class ComplaintEventOut(StaffFields, serializers.Serializer):
    """One step of the complaint's history; customers see public steps, without who."""

    staff_only = frozenset({"id", "actor", "person", "public"})

    id = serializers.IntegerField()
    kind = choice(ComplaintEvent.Kind.choices, "ComplaintEventKind")
    from_stage = serializers.SerializerMethodField()
    to_stage = serializers.SerializerMethodField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    public = serializers.BooleanField()

    @extend_schema_field(stage_field(allow_null=True))
    def get_from_stage(self, event: ComplaintEvent) -> str | None:
        return event.from_stage or None

    @extend_schema_field(stage_field(allow_null=True))
    def get_to_stage(self, event: ComplaintEvent) -> str | None:
        return event.to_stage or None

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_actor(self, event: ComplaintEvent) -> dict | None:
        return person(event.actor)

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_person(self, event: ComplaintEvent) -> dict | None:
        return person(event.person)


AUTHOR_ROLES = [("customer", _("Customer")), ("complaints_team", _("Complaints team"))]


class ComplaintMessageOut(StaffFields, serializers.Serializer):
    """A message of the complaint; customers see the author as a role only."""

    staff_only = frozenset({"author"})

    id = serializers.IntegerField()
    kind = choice(ComplaintMessage.Kind.choices, "ComplaintMessageKind")
    author_role = serializers.SerializerMethodField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    author = serializers.SerializerMethodField()

    @extend_schema_field(choice(AUTHOR_ROLES, "ComplaintMessageAuthorRole"))
    def get_author_role(self, message: ComplaintMessage) -> str:
        return "customer" if message.kind == ComplaintMessage.Kind.CUSTOMER else "complaints_team"

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_author(self, message: ComplaintMessage) -> dict | None:
        return person(message.author)


class ComplaintRemedyOut(StaffFields, serializers.Serializer):
    staff_only = frozenset({"reason", "requested_by", "asset", "amount", "withdrawal_id"})

    id = serializers.IntegerField()
    action = choice(RemediationAction.choices, "RemedyAction")
    state = choice(Remediation.State.choices, "RemedyState")
    created_at = serializers.DateTimeField()
    reason = serializers.CharField()
    requested_by = ComplaintPersonOut()
    asset = serializers.CharField()
    amount = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True)
    withdrawal_id = serializers.CharField()


class ComplaintAppealOut(StaffFields, serializers.Serializer):
    staff_only = frozenset({"reviewer"})

    grounds = serializers.CharField()
    submitted_at = serializers.DateTimeField(source="created_at")
    outcome = serializers.SerializerMethodField()
    decision_reason = serializers.CharField()
    remedy = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reviewer = serializers.SerializerMethodField()

    @extend_schema_field(choice(AppealOutcome.choices, "AppealOutcome", allow_null=True))
    def get_outcome(self, appeal) -> str | None:
        return appeal.outcome or None

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_reviewer(self, appeal) -> dict | None:
        return person(appeal.reviewer)


class ComplaintSummaryOut(serializers.Serializer):
    reference = serializers.CharField()
    category = category_field()
    stage = stage_field()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.SerializerMethodField()

    @extend_schema_field(choice(Outcome.choices, "ComplaintOutcome", allow_null=True))
    def get_outcome(self, complaint: Complaint) -> str | None:
        return complaint.outcome or None


class ComplaintPageOut(serializers.Serializer):
    """A page of complaints: keyset pagination, no counts."""

    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The page before, or null.")
    results = ComplaintSummaryOut(many=True)


class ComplaintQueueItemOut(serializers.Serializer):
    reference = serializers.CharField()
    stage = stage_field()
    category = category_field()
    language = serializers.CharField()
    customer = serializers.EmailField(source="customer.email")
    officer = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    next_due = serializers.SerializerMethodField()
    next_target = serializers.SerializerMethodField()

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_officer(self, complaint: Complaint) -> dict | None:
        return person(complaint.officer)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_due(self, complaint: Complaint):
        return complaint.next_target and serializers.DateTimeField().to_representation(
            complaint.next_due
        )

    @extend_schema_field(choice(Target.choices, "ComplaintDeadlineTarget", allow_null=True))
    def get_next_target(self, complaint: Complaint) -> str | None:
        return complaint.next_target


class ComplaintQueuePageOut(serializers.Serializer):
    """A page of the queue, the complaint due first at the top."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ComplaintQueueItemOut(many=True)


DEADLINE_ORDER = {target: n for n, target in enumerate(Target.values)}


class ComplaintOut(StaffFields, serializers.Serializer):
    """One complaint: the customer's view, or (for complaints staff) the whole file."""

    staff_only = frozenset(
        {"customer", "email", "source", "sentiment", "root_causes", "officer", "decided_by"}
        | {"version"}
    )

    reference = serializers.CharField()
    category = category_field()
    stage = stage_field()
    language = serializers.CharField()
    description = serializers.CharField()
    desired_outcome = serializers.CharField()
    tickets = serializers.SerializerMethodField()
    transactions = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    appeal_deadline = serializers.DateTimeField(
        allow_null=True, help_text=_("Until when the decision may be appealed.")
    )
    closed_at = serializers.DateTimeField(allow_null=True)
    paused = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    decision_reason = serializers.CharField()
    remedy = serializers.CharField()
    appeal = serializers.SerializerMethodField()
    remedies = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    customer = serializers.EmailField(source="customer.email")
    email = serializers.EmailField()
    source = choice(Source.choices, "ComplaintSource")
    sentiment = serializers.CharField()
    root_causes = serializers.ListField(child=choice(RootCause.choices, "ComplaintRootCause"))
    officer = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def _staff(self) -> bool:
        return bool(self.context.get("staff"))

    def get_tickets(self, complaint: Complaint) -> list[str]:
        return list(complaint.tickets.order_by("id").values_list("reference", flat=True))

    def get_paused(self, complaint: Complaint) -> bool:
        """The decision clock stands still while the team waits for the customer."""
        return complaint.paused_at is not None

    @extend_schema_field(ComplaintDeadlineOut(many=True))
    def get_deadlines(self, complaint: Complaint) -> list[dict]:
        rows = sorted(complaint.deadlines.all(), key=lambda row: DEADLINE_ORDER[row.target])
        return ComplaintDeadlineOut(rows, many=True).data

    @extend_schema_field(choice(Outcome.choices, "ComplaintOutcome", allow_null=True))
    def get_outcome(self, complaint: Complaint) -> str | None:
        return complaint.outcome or None

    @extend_schema_field(ComplaintAppealOut(allow_null=True))
    def get_appeal(self, complaint: Complaint) -> dict | None:
        appeal = Appeal.objects.select_related("reviewer").filter(complaint=complaint).first()
        return None if appeal is None else ComplaintAppealOut(appeal, context=self.context).data

    @extend_schema_field(ComplaintRemedyOut(many=True))
    def get_remedies(self, complaint: Complaint) -> list[dict]:
        rows = complaint.remediations.select_related("requested_by").order_by("id")
        return ComplaintRemedyOut(rows, many=True, context=self.context).data

    @extend_schema_field(ComplaintEventOut(many=True))
    def get_timeline(self, complaint: Complaint) -> list[dict]:
        if self._staff():
            events = complaint.events.select_related("actor", "person").order_by("id")
        else:
            events = selectors.customer_events(complaint)
        return ComplaintEventOut(events, many=True, context=self.context).data

    @extend_schema_field(ComplaintMessageOut(many=True))
    def get_messages(self, complaint: Complaint) -> list[dict]:
        if self._staff():
            messages = complaint.messages.select_related("author").order_by("id")
        else:
            messages = selectors.customer_messages(complaint)
        return ComplaintMessageOut(messages, many=True, context=self.context).data

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_officer(self, complaint: Complaint) -> dict | None:
        return person(complaint.officer)

    @extend_schema_field(ComplaintPersonOut(allow_null=True))
    def get_decided_by(self, complaint: Complaint) -> dict | None:
        return person(complaint.decided_by)


# --- Figures ----------------------------------------------------------------------------------


class ComplaintSpreadOut(serializers.Serializer):
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True, help_text=_("The 90th percentile."))
    count = serializers.IntegerField(help_text=_("How many complaints the times are of."))


class ComplaintRateOut(serializers.Serializer):
    rate = serializers.FloatField(allow_null=True, source="value", help_text=_("0 to 1."))
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()


class ComplaintFiguresOut(serializers.Serializer):
    """The complaint figures (definitions: docs/metrics.md) over the complaints submitted from
    `start` (included) to `end` (excluded)."""

    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    submitted = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_language = serializers.DictField(child=serializers.IntegerField())
    time_to_acknowledge_hours = ComplaintSpreadOut()
    time_to_decide_business_days = ComplaintSpreadOut()
    uphold_rate = ComplaintRateOut()
    appeal_rate = ComplaintRateOut()
    overturn_rate = ComplaintRateOut()
    past_deadline = serializers.IntegerField(
        help_text=_("Open complaints past a deadline now (whatever the period).")
    )
