"""Email delivery state the console shows beside a customer: the addresses our mail bounces
from (tickets/channels/email_bounces.py, docs/email.md "Bounces")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BouncedAddress(models.Model):
    """An address a delivery status notification said our email could not be delivered to.
    Deleting the row (admin) clears the mark, once the customer has fixed their mailbox."""

    address = models.EmailField(_("address"), max_length=254, unique=True)
    status = models.CharField(_("delivery status code"), max_length=16, blank=True)
    diagnostic = models.TextField(_("mail server's diagnostic"), blank=True)
    bounces = models.PositiveIntegerField(_("bounces"), default=1)
    first_bounced_at = models.DateTimeField(_("first bounced at"))
    last_bounced_at = models.DateTimeField(_("last bounced at"))
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket of the last bounce"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bouncing address")
        verbose_name_plural = _("bouncing addresses")

    def __str__(self) -> str:
        return self.address


def address_bounce(address: str) -> BouncedAddress | None:
    """The bounce mark of `address`, if our mail to it bounces."""
    if not address:
        return None
    return BouncedAddress.objects.filter(address=address.strip().lower()).first()
