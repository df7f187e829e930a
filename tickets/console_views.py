"""The agent console: the ticket page and one small view per action (the inbox, the list of
tickets, is tickets.inbox)."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support.factor_gate import recent_factor_required
from support.models import Team
from tickets import forms
from tickets.channels.adapters import channel_reply_notices
from tickets.channels.email_outbound import email_timeline_annotate
from tickets.customer360 import customer_360
from tickets.errors import TicketError
from tickets.links import (
    incident_reply,
    ticket_link_incident,
    ticket_merge,
    ticket_relate,
    ticket_split,
)
from tickets.macros import macros_for_language
from tickets.models import Remediation, Ticket
from tickets.remediation import remediation_approve as approve_service
from tickets.remediation import remediation_reject as reject_service
from tickets.remediation import remediation_request as request_service
from tickets.remediation import remediation_retry as retry_service
from tickets.selectors import (
    remediation_get_for_user,
    ticket_get_for_user,
    ticket_links,
)
from tickets.services import (
    macro_render,
    ticket_assign,
    ticket_reply,
    ticket_reply_with_macro,
    ticket_set_priority,
    ticket_set_tags,
    ticket_transition,
)
from tickets.timeline import console_timeline
from tickets.transfers import ticket_transfer_lookup

console = permission_required("support.use_console", raise_exception=True)


@console
def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    found = ticket_get_for_user(user=request.user, reference=reference)
    links = ticket_links(ticket=found, user=request.user)
    reply_form = forms.AgentReplyForm(initial={"version": found.version})
    reply_form.fields["macro"].queryset = macros_for_language(found.language)
    macros = [
        {"id": macro.pk, "text": macro_render(macro=macro, ticket=found)}
        for macro in reply_form.fields["macro"].queryset
    ]
    context = {
        "ticket": found,
        "links": links,
        "incident_children": links["incident_children"],
        "related": links["related"],
        "timeline": email_timeline_annotate(console_timeline(found, language=get_language())),
        "lookup": ticket_transfer_lookup(
            ticket=found, user=request.user, query=request.GET.get("lookup", "")
        ),
        "reply_form": reply_form,
        "reply_notices": channel_reply_notices(found),
        "macros": macros,
        "statuses": found.TRANSITIONS[found.status],
        "priorities": found.Priority.choices,
        "teams": Team.objects.all(),
        "agents": get_user_model().objects.filter(agent_profile__isnull=False).order_by("email"),
        "remediation_form": forms.RemediationForm(),
        "remediations": found.remediations.select_related(
            "requested_by", "approved_by", "rejected_by"
        ),
        "customer": customer_360(found.customer, user=request.user),
        "now": timezone.now(),
        "console_section": "tickets",
    }
    return render(request, "tickets/console/ticket.html", context)


def action(view: Callable) -> Callable:
    """POST-only console action: domain refusals become a message, then back to the ticket."""

    @wraps(view)
    @console
    @require_POST
    def wrapper(request: HttpRequest, reference: str) -> HttpResponse:
        found = ticket_get_for_user(user=request.user, reference=reference)
        try:
            view(request, found)
        except TicketError as error:
            messages.error(request, str(error))
        except PermissionDenied:
            messages.error(request, _("You are not allowed to do that."))
        return back_to(request, found)

    return wrapper


def back_to(request: HttpRequest, found: Ticket) -> HttpResponse:
    """The ticket's page, or the queues when the change moved it out of the agent's sight (to
    a restricted team they are not part of)."""
    if Ticket.objects.visible_to(request.user).filter(pk=found.pk).exists():
        return redirect("tickets_console:ticket", reference=found.reference)
    messages.info(
        request,
        _("%(reference)s is now with a team whose tickets you cannot see.")
        % {"reference": found.reference},
    )
    return redirect("tickets_console:queue")


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@action
def reply(request: HttpRequest, found) -> None:
    form = forms.AgentReplyForm(request.POST, request.FILES)
    if not form.is_valid() and not (form.data.get("macro") and "body" in form.errors):
        raise TicketError(" ".join(e for errors in form.errors.values() for e in errors))
    data = form.cleaned_data
    if data.get("macro"):
        ticket_reply_with_macro(
            ticket=found,
            macro=data["macro"],
            author=request.user,
            body=data.get("body", ""),
            version=data.get("version"),
        )
        return
    ticket_reply(
        ticket=found,
        author=request.user,
        body=data["body"],
        internal=data["internal"],
        set_status=data["set_status"],
        attachments=data["attachments"],
        version=data.get("version"),
    )


@action
def set_status(request: HttpRequest, found) -> None:
    ticket_transition(
        ticket=found, to=request.POST.get("status", ""), by=request.user, version=_version(request)
    )


@action
def set_priority(request: HttpRequest, found) -> None:
    form = forms.PriorityForm(request.POST)
    if form.is_valid():
        ticket_set_priority(
            ticket=found,
            priority=form.cleaned_data["priority"],
            by=request.user,
            version=_version(request),
        )


@action
def set_tags(request: HttpRequest, found) -> None:
    tags = request.POST.get("tags", "").replace(",", " ").split()
    ticket_set_tags(ticket=found, tags=tags, by=request.user, version=_version(request))


@action
def assign(request: HttpRequest, found) -> None:
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return
    agents = get_user_model().objects.filter(agent_profile__isnull=False)
    agent_id, team_id = form.cleaned_data["assignee"], form.cleaned_data["team"]
    ticket_assign(
        ticket=found,
        agent=get_object_or_404(agents, pk=agent_id) if agent_id else None,
        team=get_object_or_404(Team, pk=team_id) if team_id else None,
        by=request.user,
        version=_version(request),
    )


@action
def take(request: HttpRequest, found) -> None:
    ticket_assign(ticket=found, agent=request.user, by=request.user, version=_version(request))


@action
def merge(request: HttpRequest, found) -> None:
    """Merge this ticket into another (this one closes as its duplicate)."""
    into = ticket_get_for_user(user=request.user, reference=request.POST.get("into", "").upper())
    ticket_merge(ticket=found, into=into, by=request.user)
    messages.success(request, _("Merged into %(reference)s.") % {"reference": into.reference})


@action
def split(request: HttpRequest, found) -> None:
    """Move the selected messages into a new ticket."""
    ids = [int(value) for value in request.POST.getlist("messages") if value.isdigit()]
    new = ticket_split(ticket=found, message_ids=ids, by=request.user)
    messages.success(request, _("Split into %(reference)s.") % {"reference": new.reference})


@action
def link(request: HttpRequest, found) -> None:
    other = ticket_get_for_user(user=request.user, reference=request.POST.get("into", "").upper())
    if request.POST.get("kind") == "incident":
        ticket_link_incident(ticket=found, incident=other, by=request.user)
    else:
        ticket_relate(ticket=found, other=other, by=request.user)


@action
def incident_answer(request: HttpRequest, found) -> None:
    body = request.POST.get("body", "").strip()
    if not body:
        raise TicketError(_("Write the reply first."))
    replies = incident_reply(
        incident=found, author=request.user, body=body, set_status=request.POST.get("status", "")
    )
    messages.success(request, _("Replied on %(count)s tickets.") % {"count": len(replies)})


@action
def remediation_request(request: HttpRequest, found) -> None:
    form = forms.RemediationForm(request.POST)
    if not form.is_valid():
        raise TicketError(" ".join(e for errors in form.errors.values() for e in errors))
    data = form.cleaned_data
    request_service(
        ticket=found,
        action=data["action"],
        reason=data["reason"],
        by=request.user,
        withdrawal_id=data["withdrawal_id"],
        asset=data["asset"],
        amount=data["amount"],
    )
    messages.success(request, _("Remediation requested."))


def remediation_decision(view: Callable) -> Callable:
    """POST-only decision on a remediation of a ticket the agent may see (else 404)."""

    @wraps(view)
    @console
    @require_POST
    def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
        remediation = remediation_get_for_user(user=request.user, pk=pk)
        try:
            view(request, remediation)
        except TicketError as error:
            messages.error(request, str(error))
        except PermissionDenied:
            messages.error(request, _("You are not allowed to decide on remediations."))
        return redirect("tickets_console:ticket", reference=remediation.ticket.reference)

    return wrapper


@recent_factor_required
@remediation_decision
def remediation_approve(request: HttpRequest, remediation: Remediation) -> None:
    approve_service(remediation=remediation, by=request.user)


@remediation_decision
def remediation_reject(request: HttpRequest, remediation: Remediation) -> None:
    reject_service(remediation=remediation, by=request.user, reason=request.POST.get("reason", ""))


@remediation_decision
def remediation_retry(request: HttpRequest, remediation: Remediation) -> None:
    retry_service(remediation=remediation, by=request.user)
