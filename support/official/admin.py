"""Admin for official channels, verification codes and the flagged checks."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from support.official.models import ChannelCheck, OfficialChannel, VerificationCode


@admin.register(OfficialChannel)
class OfficialChannelAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "normalised", "languages", "active", "lookalikes"]
    list_filter = ["kind", "active"]
    search_fields = ["value", "normalised"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lookalike_count=Count("lookalike_checks"))

    @admin.display(description=_("look-alike checks"), ordering="lookalike_count")
    def lookalikes(self, obj: OfficialChannel) -> int:
        return obj.lookalike_count


@admin.register(ChannelCheck)
class ChannelCheckAdmin(admin.ModelAdmin):
    list_display = ["checked_at", "kind", "value", "looks_like", "language", "reported"]
    list_filter = ["kind", "reported", "language"]
    search_fields = ["value"]
    date_hierarchy = "checked_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "channel", "issued_at", "source"]
    list_filter = ["channel"]
    search_fields = ["=code", "source"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
