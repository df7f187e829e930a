"""Admin for the addresses taking part in tickets' email conversations (docs/email.md,
"Threading"): who may write to which ticket, found by address or by the ticket's status.

Only the customer's own emails add a participant (a Cc, at most 10 per ticket, never a staff
or our own address), so the admin adds none and changes none: moving a row to another ticket
or address would let a stranger's mail join a conversation that is not theirs. Deleting one
is allowed: that address's next email then opens a ticket of its own.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tickets.models import EmailParticipant, Ticket


class TicketStatusFilter(admin.SimpleListFilter):
    title = _("ticket status")
    parameter_name = "status"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return list(Ticket.Status.choices)

    def queryset(self, request, queryset):
        return queryset.filter(ticket__status=self.value()) if self.value() else queryset


@admin.register(EmailParticipant)
class EmailParticipantAdmin(admin.ModelAdmin):
    list_display = ["email", "ticket_link", "ticket_status", "added_at"]
    list_filter = [TicketStatusFilter]
    list_select_related = ["ticket"]
    search_fields = ["email"]
    ordering = ["-added_at"]
    fields = readonly_fields = ["email", "ticket_link", "ticket_status", "added_at"]

    def has_add_permission(self, request) -> bool:
        return False  # only the customer's own emails add one

    def has_change_permission(self, request, obj: EmailParticipant | None = None) -> bool:
        return False  # read-only: the page still shows, and deleting stays possible

    @admin.display(description=_("ticket"), ordering="ticket__reference")
    def ticket_link(self, participant: EmailParticipant) -> SafeString:
        url = reverse("tickets_console:ticket", args=[participant.ticket.reference])
        return format_html('<a href="{}">{}</a>', url, participant.ticket.reference)

    @admin.display(description=_("ticket status"), ordering="ticket__status")
    def ticket_status(self, participant: EmailParticipant) -> str:
        return participant.ticket.get_status_display()
