"""The console's phone pages: log a call on a ticket, open a ticket from a call, the list of
calls, and the callback queue."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.errors import TicketError
from tickets.phone import selectors
from tickets.phone.callbacks import callback_claim, callback_release
from tickets.phone.calls import call_log, callback_log, ticket_open_from_call
from tickets.phone.forms import CallbackOutcomeForm, CallForm, TicketFromCallForm
from tickets.phone.models import CallbackState
from tickets.phone.numbers import display_number
from tickets.selectors import ticket_get_for_user

console = permission_required("support.use_console", raise_exception=True)


def _form_page(request, template: str, context: dict) -> HttpResponse:
    status = 400 if context["form"].errors else 200
    return render(request, template, {"console_section": "callbacks", **context}, status=status)


@console
def ticket_log_call(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, reference=reference)
    initial = {"number": selectors.customer_last_number(ticket.customer), "minutes": 0}
    form = CallForm(request.POST or None, language=ticket.language, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            call_log(ticket=ticket, details=form.details(), by=request.user)
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Call logged."))
            return redirect("tickets_console:ticket", reference=ticket.reference)
    return _form_page(request, "tickets/phone/log_call.html", {"form": form, "ticket": ticket})


@console
def ticket_from_call(request: HttpRequest) -> HttpResponse:
    call_id = request.GET.get("call") or request.POST.get("call") or ""
    call = (
        selectors.call_get_for_user(user=request.user, pk=int(call_id))
        if call_id.isdigit()
        else None
    )
    initial = _call_initial(call)
    form = TicketFromCallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = ticket_open_from_call(
                customer_email=data["customer_email"],
                subject=data["subject"],
                request_text=data["request_text"],
                language=data["language"],
                details=form.details(),
                by=request.user,
                call=call,
            )
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ticket opened from the call."))
            return redirect("tickets_console:ticket", reference=made.ticket.reference)
    return _form_page(request, "tickets/phone/ticket_from_call.html", {"form": form, "call": call})


def _call_initial(call) -> dict:
    if call is None:
        return {"direction": "inbound", "minutes": 0, "seconds": 0}
    seconds = call.duration_seconds or 0
    return {
        "direction": call.direction,
        "number": call.number,
        "minutes": seconds // 60,
        "seconds": seconds % 60,
        "recording_url": call.recording_url,
    }


@console
def calls(request: HttpRequest) -> HttpResponse:
    context = {
        "unlinked": selectors.calls_unlinked(),
        "recent": selectors.calls_recent(request.user),
        "console_section": "callbacks",
    }
    return render(request, "tickets/phone/calls.html", context)


@console
def callbacks(request: HttpRequest) -> HttpResponse:
    context = {
        "queue": selectors.callback_queue(),
        "closed": selectors.callbacks_recently_closed(),
        "now": timezone.now(),
        "console_section": "callbacks",
    }
    return render(request, "tickets/phone/callbacks.html", context)


def _callback_action(service):
    @console
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        callback = selectors.callback_get_for_staff(user=request.user, pk=pk)
        try:
            service(callback=callback, by=request.user)
        except TicketError as error:
            messages.error(request, str(error))
        return redirect("phone_console:callbacks")

    return view


callback_take = _callback_action(callback_claim)
callback_put_back = _callback_action(callback_release)


@console
def callback_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The claimer's page: the whole number to dial, then the outcome."""
    callback = selectors.callback_get_for_staff(user=request.user, pk=pk)
    if callback.state != CallbackState.CLAIMED or callback.claimed_by_id != request.user.pk:
        messages.error(request, _("Take the request first, so nobody else calls at once."))
        return redirect("phone_console:callbacks")
    form = CallbackOutcomeForm(
        request.POST or None, number=callback.number, initial={"minutes": 0, "seconds": 0}
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = _ticket_named(request, form.cleaned_data["ticket"])
            callback_log(callback=callback, details=form.details(), by=request.user, ticket=ticket)
        except Http404:
            form.add_error("ticket", _("No ticket you can see has this reference."))
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Call logged."))
            return redirect("phone_console:callbacks")
    context = {"form": form, "callback": callback, "number": display_number(callback.number)}
    return _form_page(request, "tickets/phone/callback_call.html", context)


def _ticket_named(request: HttpRequest, reference: str):
    reference = reference.strip().upper()
    return ticket_get_for_user(user=request.user, reference=reference) if reference else None
