"""Email's threading rows on a ticket: who else takes part in its conversation (docs/email.md,
"Threading")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailParticipant(models.Model):
    """An address the customer copied (Cc) on an email of the ticket: a message from it may
    join the ticket. Replies still go only to the customer's own address (a forged From could
    otherwise add a stranger who then reads them)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="email_participants"
    )
    email = models.EmailField(_("email address"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("email participant")
        verbose_name_plural = _("email participants")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="email_participant_once")
        ]
        indexes = [models.Index(fields=["email"], name="email_participant_email")]

    def __str__(self) -> str:
        return self.email
