"""Admin for the policy rows (SLA policies, calendars, escalation, routing and remediation
approval rules, macros).

Tickets are read-only here: every change of a ticket goes through the services.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from support.localised import timezone_name
from tickets.channels.email import email_process
from tickets.channels.webhooks import webhook_replay
from tickets.models import (
    BusinessCalendar,
    Channel,
    EscalationRule,
    Event,
    Macro,
    RawInbound,
    RemediationRule,
    ReviewCriterion,
    RoutingRule,
    SlaPolicy,
    Ticket,
)
from tickets.policy_cache import sla_policies_changed
from tickets.raw_inbound import RawPayloadUnavailable
from tickets.survey_models import SurveyPolicy


class PolicyRowAdmin(admin.ModelAdmin):
    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)  # a bulk delete skips the models' delete()
        sla_policies_changed()


@admin.register(SlaPolicy)
class SlaPolicyAdmin(PolicyRowAdmin):
    list_display = [
        "name",
        "priority",
        "tier",
        "channel",
        "category",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "calendar",
    ]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(PolicyRowAdmin):
    list_display = ["name", "zone", "always_open", "holiday_country"]
    filter_horizontal = ["teams"]

    @admin.display(description=_("timezone"), ordering="timezone")
    def zone(self, calendar: BusinessCalendar) -> str:
        """The identifier admins type, and the name readers see: "Asia/Seoul · 대한민국 시간"."""
        return f"{calendar.timezone} · {timezone_name(calendar.timezone)}"


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["sla_policy", "target", "bump_priority", "move_to_team"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "category", "language", "tier", "team"]
    list_editable = ["category", "language", "tier", "team"]


@admin.register(RemediationRule)
class RemediationRuleAdmin(admin.ModelAdmin):
    """Which remediation actions need a second approver (tickets/remediation.py)."""

    list_display = ["action", "always", "above_amount"]
    list_editable = ["always", "above_amount"]


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["key", "language", "name", "set_status", "active"]
    list_filter = ["language", "active"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ["actor", "field", "before", "after", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "status", "priority", "team", "assignee", "created_at"]
    list_filter = ["status", "priority", "channel", "category"]
    search_fields = ["reference", "subject", "customer__email"]
    show_full_result_count = False
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RawInbound)
class RawInboundAdmin(admin.ModelAdmin):
    """Never the payload itself: it may hold a seed phrase the gate has not seen yet."""

    list_display = [
        "channel",
        "key",
        "received_at",
        "processed_at",
        "ticket",
        "error",
        "encrypted",
        "purged_at",
    ]
    list_filter = ["channel", "encrypted", ("purged_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    fields = readonly_fields = [
        "channel",
        "key",
        "received_at",
        "processed_at",
        "ticket",
        "error",
        "payload_state",
        "purged_at",
        "mailbox",
        "process_attempts",
    ]
    actions = ["replay"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload").select_related("mailbox")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("payload"))
    def payload_state(self, raw: RawInbound) -> str:
        if raw.purged_at is not None:
            return _("purged at the end of its retention period")
        if raw.encrypted:
            return _("stored encrypted; read only to parse or replay it")
        return _("stored before encryption")

    @admin.action(description=_("Parse again and pass to intake (after a parser fix)"))
    def replay(self, request, queryset) -> None:
        for raw in queryset.filter(channel=Channel.EMAIL, processed_at__isnull=True):
            try:
                email_process(raw_id=raw.pk, mailbox=raw.mailbox)  # the pipe's, if it named one
            except RawPayloadUnavailable as error:
                self.message_user(request, str(error), level=messages.WARNING)
        for raw in queryset.exclude(channel=Channel.EMAIL).filter(processed_at__isnull=True):
            webhook_replay(raw_id=raw.pk)  # a webhook body (Telegram): its adapter reads it


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(admin.ModelAdmin):
    """When customers are asked, per channel (the blank channel: every other channel)."""

    list_display = [
        "__str__",
        "enabled",
        "delay_minutes",
        "reminder_after_hours",
        "quiet_days",
        "link_valid_days",
    ]


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    """The quality scorecard: one row per criterion and language; the next review uses the
    active rows of its language (English for a key missing in it)."""

    list_display = ["key", "language", "label", "active", "order"]
    list_editable = ["label", "active", "order"]
    list_filter = ["language", "active"]
    search_fields = ["key", "label"]
    ordering = ["order", "key", "language"]


# The admins of mailboxes, bouncing addresses and conversation participants live in modules
# of their own.
from tickets.bounce_admin import BouncedAddressAdmin  # noqa: E402, F401
from tickets.email_thread_admin import EmailParticipantAdmin  # noqa: E402, F401
from tickets.mailbox_admin import MailboxAdmin  # noqa: E402, F401
from tickets.social_admin import SocialAccountAdmin  # noqa: E402, F401
from tickets.telegram_admin import TelegramBotAdmin  # noqa: E402, F401
