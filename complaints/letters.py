"""Drafts of decision letters, in the complaint's language, for the officer to edit.

Each outcome has its template (`complaints/templates/complaints/letters/<outcome>.txt`, and
`appeal_<outcome>.txt` for an appeal's final decision), rendered under the complaint's language
so that its sentences and dates read as the customer's language writes them. The bracketed
parts are for the officer to replace: the decision form refuses a letter that still has one.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints import deadlines, timers
from complaints.models import AppealOutcome, Complaint, Outcome, Target


def placeholders(language: str) -> tuple[str, ...]:
    """The bracketed parts of the drafts, as the drafts in `language` write them."""
    with translation.override(language):
        return (
            gettext("[What you looked at and what you found.]"),
            gettext("[What we will do, how much, and by when.]"),
        )


def decision_draft(complaint: Complaint, outcome: str, *, until: datetime | None = None) -> str:
    """The letter of a first decision (`Outcome`), with the appeal deadline it will carry
    (`until`: that deadline, when the caller has worked it out)."""
    context = {"appeal_deadline": until or appeal_deadline(timezone.now())}
    return _render(complaint, f"complaints/letters/{Outcome(outcome).value}.txt", context)


def appeal_draft(complaint: Complaint, outcome: str) -> str:
    """The letter of an appeal's final decision (`AppealOutcome`)."""
    return _render(complaint, f"complaints/letters/appeal_{AppealOutcome(outcome).value}.txt", {})


def decision_drafts(complaint: Complaint) -> dict[str, str]:
    until = appeal_deadline(timezone.now())
    return {outcome: decision_draft(complaint, outcome, until=until) for outcome in Outcome.values}


def appeal_drafts(complaint: Complaint) -> dict[str, str]:
    return {outcome: appeal_draft(complaint, outcome) for outcome in AppealOutcome.values}


def appeal_deadline(decided_at: datetime) -> datetime:
    """Until when a decision made at `decided_at` may be appealed (the appeal-window target)."""
    amount, unit, _warn, calendar = timers.target_rule(Target.APPEAL_WINDOW)
    return deadlines.due_time(start=decided_at, amount=amount, unit=unit, calendar=calendar)


def _render(complaint: Complaint, template: str, context: dict) -> str:
    with translation.override(complaint.language):
        text = render_to_string(
            template,
            {
                "complaint": complaint,
                "reference": complaint.reference,
                "placeholders": placeholders(complaint.language),
                **context,
            },
        )
    return text.strip() + "\n"
