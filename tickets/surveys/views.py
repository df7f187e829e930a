"""The survey pages (no login: the token in the link is the credential) and the team lead's
follow-up list in the console. Each page is in the invitation's language."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from support import throttle
from support.client import client_address
from tickets.surveys import answers, follow_ups
from tickets.surveys.answers import LinkRefused
from tickets.surveys.forms import FollowUpDoneForm, NpsForm, SurveyForm

REFUSED_STATUS = {"unknown": 404, "used": 410, "expired": 410, "closed": 410}


def answer_hit(request: HttpRequest) -> int:
    """Count a survey answer per client (THROTTLE_SURVEY_ANSWER, default 30/hour)."""
    limit = throttle.Limit.of("survey-answer", settings.THROTTLE_SURVEY_ANSWER)
    return throttle.limit_hit(limit, throttle.client_key(client_address(request)))


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = answers.survey_find(token)
    with translation.override(invitation.language if invitation else get_language()):
        return _answer_page(request, invitation, token, form_class=SurveyForm, kind="survey")


@never_cache
@require_http_methods(["GET", "POST"])
def nps(request: HttpRequest, token: str) -> HttpResponse:
    invitation = answers.nps_find(token)
    with translation.override(invitation.language if invitation else get_language()):
        return _answer_page(request, invitation, token, form_class=NpsForm, kind="nps")


def _answer_page(request, invitation, token: str, *, form_class, kind: str) -> HttpResponse:
    """Parse → check the link → store once → thanks; every refusal is a page of its own."""
    template = f"tickets/surveys/{kind}.html"
    try:
        answers.link_check(invitation, timezone.now())
        if request.method == "GET":
            return render(request, template, {"form": form_class()})
        form = form_class(request.POST)
        if wait := answer_hit(request):
            form.add_error(None, throttle.retry_message(wait))
            page = render(request, template, {"form": form}, status=429)
            return throttle.too_many_requests(page, wait)
        if not form.is_valid():
            return render(request, template, {"form": form}, status=400)
        _store(kind, token, form)
    except LinkRefused as refused:
        return _refused(request, refused.reason)
    return render(request, "tickets/surveys/thanks.html")


def _store(kind: str, token: str, form) -> None:
    if kind == "survey":
        answers.survey_answer(token=token, reply=form.reply())
    else:
        data = form.cleaned_data
        answers.nps_answer(token=token, score=data["score"], reason=data["reason"])


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    context = {"reason": reason}
    return render(request, "tickets/surveys/refused.html", context, status=REFUSED_STATUS[reason])


supervisors = permission_required("support.supervise", raise_exception=True)


@supervisors
@require_http_methods(["GET"])
def follow_up_list(request: HttpRequest) -> HttpResponse:
    context = {
        "follow_ups": follow_ups.follow_ups_for_lead(request.user),
        "form": FollowUpDoneForm(),
        "console_section": "surveys",
    }
    return render(request, "tickets/surveys/follow_ups.html", context)


@supervisors
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    found = follow_ups.follow_up_get_for_user(user=request.user, pk=pk)
    form = FollowUpDoneForm(request.POST)
    if not form.is_valid():
        context = {"follow_ups": follow_ups.follow_ups_for_lead(request.user), "form": form}
        return render(request, "tickets/surveys/follow_ups.html", context, status=400)
    follow_ups.follow_up_done(follow_up=found, by=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Follow-up marked as done."))
    return redirect("survey_console:follow_ups")
