"""Admin for the policy rows (SLA policies, calendars, escalation and routing rules, macros).

Tickets are read-only here: every change of a ticket goes through the services.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.channels.email import email_process
from tickets.models import (
    BusinessCalendar,
    Channel,
    EscalationRule,
    Event,
    Macro,
    RawInbound,
    RoutingRule,
    SlaPolicy,
    Ticket,
)
from tickets.policy_cache import sla_policies_changed


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
    list_display = ["name", "timezone", "always_open", "holiday_country"]
    filter_horizontal = ["teams"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["sla_policy", "target", "bump_priority", "move_to_team"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "category", "language", "tier", "team"]
    list_editable = ["category", "language", "tier", "team"]


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
    list_display = ["channel", "key", "received_at", "processed_at", "ticket", "error"]
    list_filter = ["channel"]
    search_fields = ["key"]
    readonly_fields = ["channel", "key", "received_at", "processed_at", "ticket", "error"]
    exclude = ["payload"]
    actions = ["replay"]

    @admin.action(description=_("Parse again and pass to intake (after a parser fix)"))
    def replay(self, request, queryset) -> None:
        for raw in queryset.filter(channel=Channel.EMAIL, processed_at__isnull=True):
            email_process(raw_id=raw.pk)
