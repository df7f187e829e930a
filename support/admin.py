from django.contrib import admin

from support.models import (
    AgentProfile,
    CustomerProfile,
    DemoExchangeAccount,
    OutboxEmail,
    RetentionPeriod,
    Team,
)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "handles_security",
        "is_escalation",
        "restricted",
        "round_robin",
        "supervisor",
    ]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "tier", "kyc_status", "preferred_language", "exchange_account_id"]
    list_filter = ["tier", "kyc_status", "preferred_language"]
    search_fields = ["user__email", "exchange_account_id"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "presence", "max_open_chats", "max_open_tickets"]
    list_filter = ["presence", "teams"]
    filter_horizontal = ["teams"]


@admin.register(DemoExchangeAccount)
class DemoExchangeAccountAdmin(admin.ModelAdmin):
    search_fields = ["account_id"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = ["sent_at", "failed_at"]
    readonly_fields = [field.name for field in OutboxEmail._meta.fields]


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    """How long raw inbound emails and webhook bodies are kept before the hourly sweep empties
    them (tickets/raw_inbound.py); a kind without a row keeps 30 days."""

    list_display = ["kind", "days"]
    list_editable = ["days"]


from support import factor_admin  # noqa: E402, F401  (second-factor resets, role changes)
from support.official import admin as official_admin  # noqa: E402, F401  (registers its models)
from support.webhooks.admin import WebhookDeliveryAdmin, WebhookEndpointAdmin  # noqa: E402, F401
