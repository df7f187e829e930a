"""Admin pages of the phone channel: telephony providers (the signing secret shown once, on
creation or renewal), the callback policy, and read-only callbacks and calls."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.phone.models import CallbackPolicy, CallbackRequest, CallRecord, TelephonyProvider
from tickets.phone.numbers import mask_number
from tickets.phone.signing import provider_new_secret


def _show_secret(request, provider: TelephonyProvider, secret: str) -> None:
    messages.warning(
        request,
        _(
            "Signing secret of %(name)s: %(secret)s — copy it into the telephony service now; "
            "it is not shown again."
        )
        % {"name": provider.name, "secret": secret},
    )


@admin.register(TelephonyProvider)
class TelephonyProviderAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "enabled", "team", "created_at"]
    actions = ["renew_secret"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            _show_secret(request, obj, provider_new_secret(provider=obj))

    @admin.action(description=gettext_lazy("Make a new signing secret (the old one stops working)"))
    def renew_secret(self, request, queryset) -> None:
        for provider in queryset:
            _show_secret(request, provider, provider_new_secret(provider=provider))


@admin.register(CallbackPolicy)
class CallbackPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "target_minutes", "incident_target_minutes", "calendar", "team"]

    def has_add_permission(self, request) -> bool:
        return not CallbackPolicy.objects.exists()  # one policy


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CallbackRequest)
class CallbackRequestAdmin(ReadOnly):
    list_display = [
        "pk",
        "customer",
        "topic",
        "security_incident",
        "state",
        "due_at",
        "breached_at",
    ]
    list_filter = ["state", "security_incident", "topic"]
    exclude = ["number"]
    readonly_fields = ["masked"]

    @admin.display(description=gettext_lazy("phone number"))
    def masked(self, callback: CallbackRequest) -> str:
        return mask_number(callback.number)


@admin.register(CallRecord)
class CallRecordAdmin(ReadOnly):
    list_display = ["pk", "ticket", "direction", "masked", "duration_seconds", "outcome", "agent"]
    list_filter = ["direction", "outcome", "provider"]
    exclude = ["number"]
    readonly_fields = ["masked"]

    @admin.display(description=gettext_lazy("customer's number"))
    def masked(self, call: CallRecord) -> str:
        return mask_number(call.number)
