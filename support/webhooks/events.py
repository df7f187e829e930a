"""The events an endpoint may subscribe to; the value is the `event` field of the payload."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated (status, priority, assignee or team)")
    TICKET_SOLVED = "ticket.solved", _("Ticket solved")
    MESSAGE_ADDED = "message.added", _("Message added to a ticket")
    CHAT_STARTED = "chat.started", _("Chat started")
    CHAT_ENDED = "chat.ended", _("Chat ended")
    COMPLAINT_STAGE_CHANGED = "complaint.stage_changed", _("Complaint stage changed")
    SURVEY_ANSWERED = "survey.answered", _("Survey answered")
