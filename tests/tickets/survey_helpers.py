"""Helpers for the survey tests: a solved ticket, the sweep at a given moment, the link a
customer received."""

import re
from datetime import datetime, timedelta

from django.utils import timezone

from support.models import OutboxEmail
from tickets.models import Status, Ticket
from tickets.services import ticket_transition
from tickets.survey_models import SurveyInvitation
from tickets.surveys.sweep import survey_sweep

LINK_RE = re.compile(r"/(?:en|ko|ja|zh-hans|zh-hant)/survey/(?:nps/)?([A-Za-z0-9_-]{40,})/")


def solve(ticket: Ticket, by) -> Ticket:
    return ticket_transition(ticket=ticket, to=Status.SOLVED, by=by)


def sweep_at(moment: datetime) -> int:
    return survey_sweep(now=moment)


def later(minutes: float = 0, *, hours: float = 0, days: float = 0) -> datetime:
    return timezone.now() + timedelta(minutes=minutes, hours=hours, days=days)


def survey_emails(invitation: SurveyInvitation) -> list[OutboxEmail]:
    prefix = f"survey:{invitation.pk}:"
    return list(OutboxEmail.objects.filter(dedupe_key__startswith=prefix).order_by("pk"))


def link_in(email: OutboxEmail) -> str:
    """The path of the survey link in an email, as the customer would click it."""
    match = LINK_RE.search(email.body_text)
    assert match, email.body_text
    return match.group(0)


def sent_survey(ticket: Ticket, agent) -> tuple[SurveyInvitation, str]:
    """`ticket` solved and its survey sent: the invitation and the link's path."""
    solve(ticket, agent)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    sweep_at(invitation.send_at)
    invitation.refresh_from_db()
    return invitation, link_in(survey_emails(invitation)[0])
