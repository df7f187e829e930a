"""Admin for bouncing addresses: what the mail server said, and deleting a row to clear the
mark once the customer has fixed their mailbox."""

from django.contrib import admin

from tickets.bounce_models import BouncedAddress


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "status", "bounces", "last_bounced_at", "ticket"]
    search_fields = ["address"]
    ordering = ["-last_bounced_at"]
    readonly_fields = [
        "address", "status", "diagnostic", "bounces", "first_bounced_at", "last_bounced_at",
        "ticket",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False  # only a delivery status notification marks an address
