"""API input and output shapes; the services change state."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from support.people import staff_public_name
from support.serializers import FlatSerializer
from support.taxonomy import Category
from tickets.models import (
    Attachment,
    BusinessCalendar,
    Channel,
    EscalationRule,
    Macro,
    Message,
    Priority,
    SlaPolicy,
    Status,
    Ticket,
)


def choice(choices, name: str, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        error_messages={
            "invalid_choice": _('Unknown %(field)s "{input}".') % {"field": name},
        },
        **kwargs,
    )


class AttachmentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return f"/api/v1/tickets/attachments/{attachment.pk}/"


class MessageOut(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentOut(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "author",
            "channel",
            "body",
            "body_html",
            "created_at",
            "attachments",
        ]

    def get_author(self, message: Message) -> str:
        """Staff see addresses; a customer sees their own, and staff by display name only."""
        if message.author is None:
            return ""
        if self.context.get("staff") or message.kind == Message.Kind.CUSTOMER:
            return message.author.email
        return staff_public_name(message.author)


STAFF_ONLY = {
    "assignee",
    "team",
    "needs_triage",
    "security_followup",
    "strongly_negative",
    "escalation_level",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_due",
    "tags",
}


class TicketOut(FlatSerializer):
    """Declared fields, not a ModelSerializer: building those per request cost ~3 ms here."""

    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    language = serializers.CharField()
    subject = serializers.CharField()
    customer = serializers.EmailField(source="customer.email")
    assignee = serializers.SerializerMethodField()
    team = extend_schema_field(serializers.CharField(allow_null=True))(
        serializers.SlugRelatedField(slug_field="slug", read_only=True)
    )
    tags = serializers.ListField(child=serializers.CharField())
    escalation_level = serializers.IntegerField()
    needs_triage = serializers.BooleanField()
    security_followup = serializers.BooleanField()
    strongly_negative = serializers.BooleanField()
    satisfaction_score = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    first_response_due = serializers.DateTimeField(allow_null=True)
    next_response_due = serializers.DateTimeField(allow_null=True)
    resolution_due = serializers.DateTimeField(allow_null=True)
    next_due = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    optional_in_schema = STAFF_ONLY  # support.openapi: customers get a ticket without them

    def get_assignee(self, ticket: Ticket) -> str | None:
        return ticket.assignee.email if ticket.assignee else None

    def to_representation(self, ticket: Ticket) -> dict:
        data = super().to_representation(ticket)
        if not self.context.get("staff"):
            for name in STAFF_ONLY:
                data.pop(name, None)
        return data


class TicketPageOut(serializers.Serializer):
    """A page of the ticket list: keyset pagination, newest first, no counts."""

    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The page before, or null.")
    results = TicketOut(many=True)


class TicketCreateIn(FlatSerializer):
    subject = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=20000)
    category = choice(Category.choices, "category", required=False, allow_blank=True)
    priority = choice(Priority.choices, "priority", required=False)
    channel = choice(Channel.choices, "channel", required=False, default=Channel.WEB)
    customer_email = serializers.EmailField(required=False, help_text=_("Staff only."))
    language = serializers.CharField(required=False, allow_blank=True, max_length=7)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class TransitionIn(serializers.Serializer):
    to = choice(Status.choices, "status")
    version = serializers.IntegerField(required=False)


class PriorityIn(serializers.Serializer):
    priority = choice(Priority.choices, "priority")
    version = serializers.IntegerField(required=False)


class MessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(default=False)
    set_status = choice(Status.choices, "status", required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class AssignIn(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, help_text=_("A user id, or null."))
    team = serializers.SlugField(required=False)
    version = serializers.IntegerField(required=False)


class MacroOut(serializers.ModelSerializer):
    class Meta:
        model = Macro
        fields = ["id", "key", "language", "name", "body", "set_status", "add_tags"]


class SlaPolicyOut(serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "priority",
            "tier",
            "channel",
            "category",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "warn_share",
            "calendar",
        ]


class CalendarOut(serializers.ModelSerializer):
    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "timezone", "always_open", "weekly_hours", "holiday_country"]


class EscalationRuleOut(serializers.ModelSerializer):
    class Meta:
        model = EscalationRule
        fields = ["id", "sla_policy", "target", "bump_priority", "move_to_team"]


class LinkIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("related", _("Related")), ("incident", _("Incident"))])
    reference = serializers.CharField(max_length=20)


class IncidentReplyIn(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    set_status = choice(Status.choices, "status", required=False, allow_blank=True, default="")


class IncidentReplyOut(serializers.Serializer):
    replied = serializers.ListField(child=serializers.CharField())


class RatingIn(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)


class InboundEmailOut(serializers.Serializer):
    reference = serializers.CharField(allow_null=True)
    parsed = serializers.BooleanField()
