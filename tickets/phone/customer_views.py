"""The customer's callback page: ask us to call (eligible tiers, or a security incident),
see the request, cancel it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support import throttle
from tickets.errors import TicketError
from tickets.phone.callbacks import callback_cancel, callback_eligible, callback_request
from tickets.phone.errors import CallbackNotEligible
from tickets.phone.forms import CallbackRequestForm
from tickets.phone.numbers import mask_number
from tickets.phone.selectors import callback_open_for_customer

TEMPLATE = "tickets/phone/callback_request.html"


def callback_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    waiting = callback_open_for_customer(request.user)
    if waiting is not None:
        context = {"waiting": waiting, "number": mask_number(waiting.number)}
        return render(request, TEMPLATE, context)
    by_tier = callback_eligible(customer=request.user, security_incident=False)
    form = CallbackRequestForm(
        request.POST or None, language=get_language(), incident_only=not by_tier
    )
    context = {"form": form, "by_tier": by_tier}
    if request.method == "POST" and form.is_valid():
        if wait := throttle.contact_form_hit(request):
            form.add_error(None, throttle.retry_message(wait))
            return throttle.too_many_requests(render(request, TEMPLATE, context), wait)
        data = form.cleaned_data
        try:
            callback_request(
                customer=request.user,
                number=data["number"],
                language=data["language"],
                window=data["window"],
                time_zone=data["time_zone"],
                topic=data["topic"],
                details=data["details"],
            )
        except CallbackNotEligible as error:
            return render(request, TEMPLATE, {"refused": str(error)}, status=403)
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. We will call you."))
            return redirect("phone:callback")
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


@login_required
@require_POST
def callback_withdraw(request: HttpRequest) -> HttpResponse:
    waiting = callback_open_for_customer(request.user)
    if waiting is not None:
        try:
            callback_cancel(callback=waiting, by=request.user)
        except TicketError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your callback request is cancelled."))
    return redirect("phone:callback")
