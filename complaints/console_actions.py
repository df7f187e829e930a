"""One console view per action on a complaint, each calling one service.

Every action is a POST with its own form (prefixed by the action's name). A form that does not
validate, or a refusal of the workflow (a stage that does not allow it, a stale page, missing
text), shows the complaint's page again with the message and what was typed; the independence
rule's refusal is a 403 page stating its reason, and nothing is changed. Success goes back to
the complaint's page.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import services
from complaints.console_context import action_form
from complaints.console_views import complaint_page, complaints_staff
from complaints.errors import (
    ComplaintError,
    ComplaintInvalid,
    InvalidStage,
    NotIndependent,
    StaleComplaint,
)
from complaints.models import Appeal, Complaint, Stage
from complaints.publishing import case_summary_publish
from complaints.selectors import complaint_get_for_user
from support.error_views import error_response
from support.factor_gate import recent_factor_required
from tickets.errors import TicketError
from tickets.remediation import approval_needed, remediation_approve, remediation_reject


def action(name: str) -> Callable:
    """The view of action `name`: `perform(request, complaint, data)` calls the service and
    returns the sentence that tells the officer it is done."""

    def decorate(perform: Callable) -> Callable:
        @wraps(perform)
        @complaints_staff
        @require_POST
        def view(request: HttpRequest, reference: str) -> HttpResponse:
            found = complaint_get_for_user(user=request.user, reference=reference)
            form = action_form(name, found, request.POST)
            if not form.is_valid():
                return complaint_page(request, found, bound={name: form}, status=400)
            return run(request, found, lambda: perform(request, found, form.cleaned_data), form)

        view.action_name = name
        return view

    return decorate


def run(request: HttpRequest, found: Complaint, call: Callable, form=None) -> HttpResponse:
    """Call the service; its refusals become the answers the module docstring describes."""
    try:
        done = call()
    except NotIndependent as error:
        return error_response(request, 403, "not_independent", str(error))
    except PermissionDenied as error:
        message = str(error) or _("You are not allowed to do that.")
        return error_response(request, 403, "permission_denied", message)
    except (ComplaintError, TicketError) as error:
        messages.error(request, str(error))
        status = 400 if isinstance(error, ComplaintInvalid) else 409
        found = Complaint.objects.get(pk=found.pk)  # as it is now (a stale page reloads)
        bound = {form.prefix: form} if form is not None and not _stale(error) else None
        return complaint_page(request, found, bound=bound, status=status)
    messages.success(request, done)
    return redirect("complaints_console:complaint", reference=found.reference)


def _stale(error: Exception) -> bool:
    return isinstance(error, StaleComplaint)


# --- The officer's work ----------------------------------------------------------------------


@action("take")
def take(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_assign(
        complaint=found, officer=request.user, by=request.user, override=data["override"]
    )
    return _("You are now the officer of this complaint.")


@action("assign")
def assign(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_assign(
        complaint=found, officer=data["officer"], by=request.user, override=data["override"]
    )
    return _("%(officer)s is now the officer of this complaint.") % {
        "officer": data["officer"].email
    }


@action("acknowledge")
def acknowledge(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_acknowledge(
        complaint=found, by=request.user, override=data["override"], version=data["version"]
    )
    return _("Acknowledged; the customer is told by email.")


@action("investigate")
def investigate(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_investigate(
        complaint=found, by=request.user, override=data["override"], version=data["version"]
    )
    return _("The complaint is under investigation.")


@action("request")
def request_information(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_request_information(
        complaint=found, by=request.user, text=data["text"], override=data["override"]
    )
    return _("Request sent; the decision clock is paused until the customer answers.")


@action("message")
def message(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_message(
        complaint=found, by=request.user, text=data["text"], override=data["override"]
    )
    return _("Message sent to the customer.")


@action("note")
def note(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_note(
        complaint=found, by=request.user, text=data["text"], override=data["override"]
    )
    return _("Internal note added.")


@action("root_causes")
def root_causes(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_set_root_causes(complaint=found, by=request.user, causes=data["causes"])
    return _("Root causes saved.")


@action("publish")
def publish(request: HttpRequest, found: Complaint, data: dict) -> str:
    case_summary_publish(complaint=found, by=request.user, **data)
    return _("The anonymised case summary is published in the help center.")


@action("decide")
def decide(request: HttpRequest, found: Complaint, data: dict) -> str:
    services.complaint_decide(
        complaint=found,
        by=request.user,
        outcome=data["outcome"],
        reason=data["reason"],
        remedy=data["remedy"],
        letter=data["letter"],
        override=data["override"],
        version=data["version"],
    )
    return _("Decided; the letter is on its way to the customer.")


# --- Remedies --------------------------------------------------------------------------------


@action("remedy")
def remedy(request: HttpRequest, found: Complaint, data: dict) -> str:
    remediation = services.complaint_remedy_request(
        complaint=found,
        by=request.user,
        action=data["action"],
        reason=data["reason"],
        asset=data["asset"],
        amount=data["amount"],
        withdrawal_id=data["withdrawal_id"],
    )
    if approval_needed(action=remediation.action, amount=remediation.amount):
        return _("Remedy requested; it waits for a second person's approval.")
    return _("Remedy requested.")


def remediation_decision(perform: Callable) -> Callable:
    """POST-only decision on one of the complaint's remedies (another complaint's: 404)."""

    @wraps(perform)
    @complaints_staff
    @require_POST
    def view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
        found = complaint_get_for_user(user=request.user, reference=reference)
        remediation = get_object_or_404(found.remediations, pk=pk)
        return run(request, found, lambda: perform(request, remediation))

    return view


@recent_factor_required
@remediation_decision
def remedy_approve(request: HttpRequest, remediation) -> str:
    remediation_approve(remediation=remediation, by=request.user)
    return _("Remedy approved; the exchange carries it out now.")


@remediation_decision
def remedy_reject(request: HttpRequest, remediation) -> str:
    remediation_reject(
        remediation=remediation, by=request.user, reason=request.POST.get("reason", "")
    )
    return _("Remedy rejected.")


# --- The appeal ------------------------------------------------------------------------------


def _appealed(found: Complaint) -> None:
    """A complaint with no appeal has no appeal to review (the services would fail to find
    it): the stage's refusal, as a message."""
    if not Appeal.objects.filter(complaint=found).exists():
        raise InvalidStage(Stage(found.stage).label, Stage.UNDER_APPEAL_REVIEW.label)


@action("appeal_take")
def appeal_take(request: HttpRequest, found: Complaint, data: dict) -> str:
    _appealed(found)
    services.appeal_take(complaint=found, by=request.user, override=data["override"])
    return _("You are now the reviewer of this appeal.")


@action("appeal_assign")
def appeal_assign(request: HttpRequest, found: Complaint, data: dict) -> str:
    _appealed(found)
    services.appeal_assign(
        complaint=found, reviewer=data["reviewer"], by=request.user, override=data["override"]
    )
    return _("%(reviewer)s now reviews this appeal.") % {"reviewer": data["reviewer"].email}


@action("appeal_decide")
def appeal_decide(request: HttpRequest, found: Complaint, data: dict) -> str:
    _appealed(found)
    services.appeal_decide(
        complaint=found,
        by=request.user,
        outcome=data["outcome"],
        reason=data["reason"],
        remedy=data["remedy"],
        letter=data["letter"],
        override=data["override"],
    )
    return _("Final decision sent; the complaint is closed.")
