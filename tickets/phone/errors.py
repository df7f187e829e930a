"""Refusals of the phone workflow, each with a message for the person who asked."""

from django.utils.translation import gettext as _

from tickets.errors import TicketError


class CallbackNotEligible(TicketError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Callbacks are offered to our VIP and institutional customers, and to anyone "
                "reporting a security incident. Our team answers every other question in the "
                "live chat and through the contact form, usually within hours."
            )
        )


class CallbackAlreadyOpen(TicketError):
    def __init__(self) -> None:
        super().__init__(_("You already asked us to call you; we will call soon."))


class CallbackStateRefused(TicketError):
    def __init__(self, current: str) -> None:
        super().__init__(
            _("This callback request cannot do that now (it is %(state)s).") % {"state": current}
        )


class CallbackClaimedByOther(TicketError):
    def __init__(self) -> None:
        super().__init__(_("Another agent is already calling this customer."))
