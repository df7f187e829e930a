"""The public verification page: is this handle, address, number or domain ours, did this
message come from us (its code), and reporting an impersonator (docs/verification.md)."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from support import throttle
from support.official.models import Kind, VerificationCode
from support.official.services import (
    CheckResult,
    channel_check,
    channel_check_reported,
    code_display,
    official_list,
    verification_code_find,
)
from support.taxonomy import LANGUAGE_CODES, Category
from support.unavailable import Unavailable
from tickets.errors import TicketError
from tickets.forms import MultipleFileField
from tickets.intake import InboundAttachment, InboundMessage, intake_message

OFFICIAL = "official"
NOT_OFFICIAL = "not_official"
LOOKALIKE = "lookalike"
INVALID = "invalid"


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Where"), choices=Kind.choices)
    value = forms.CharField(
        label=gettext_lazy("Handle, address, number or website"),
        max_length=254,
        help_text=gettext_lazy("For example @name, t.me/name, name@example.com, +82 2 1234 5678."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=20,
        help_text=gettext_lazy("The code under the message, for example ABCD-2345."),
    )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Where"), choices=Kind.choices)
    value = forms.CharField(
        label=gettext_lazy("Handle, address, number or website"), max_length=254
    )
    contacted_on = forms.CharField(
        label=gettext_lazy("How did they contact you?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What they said or asked for. Never send us your password, 2FA codes, seed phrase or "
            "private keys."
        ),
    )
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        help_text=gettext_lazy("We write to you about your report here."),
    )
    attachments = MultipleFileField(label=gettext_lazy("Screenshot (optional)"))
    check_id = forms.IntegerField(widget=forms.HiddenInput, required=False)


@dataclass(frozen=True)
class Answer:
    status: str
    message: str
    value: str = ""
    looks_like: str = ""


def check_answer(result: CheckResult) -> Answer:
    """What the page and the API say about a checked value, in the active language."""
    kind = Kind(result.kind).label
    if not result.valid:
        return Answer(INVALID, _("This is not a valid %(kind)s.") % {"kind": kind})
    value = result.normalised
    if result.official is not None:
        message = _("Official: %(value)s is our %(kind)s.") % {"value": value, "kind": kind}
        return Answer(OFFICIAL, message, value)
    if result.looks_like is not None:
        official = result.looks_like.value
        message = _(
            "Not official: %(value)s only looks like our %(official)s. It may be an impersonator:"
            " do not send them money, codes, passwords or your seed phrase."
        ) % {"value": value, "official": official}
        if hidden := foreign_letters(value):
            message += " " + _(
                "It contains letters of other alphabets that look like Latin ones: %(letters)s."
            ) % {"letters": hidden}
        return Answer(LOOKALIKE, message, value, official)
    message = _("Not official: %(value)s is not one of our channels.") % {"value": value}
    return Answer(NOT_OFFICIAL, message, value)


def foreign_letters(value: str) -> str:
    """The letters of `value` that are not plain Latin, with their code points ("е U+0435"):
    a Cyrillic е looks exactly like e on screen, so the answer names it."""
    letters = dict.fromkeys(c for c in value if not c.isascii() and c.isalnum())
    return ", ".join(f"{c} (U+{ord(c):04X})" for c in list(letters)[:5])


def code_answer(code: VerificationCode | None) -> Answer:
    if code is None:
        return Answer(
            NOT_OFFICIAL, _("Unknown code: this message did not come from us. Do not act on it.")
        )
    message = _("This code was issued by our support on %(date)s via %(channel)s.") % {
        "date": formats.date_format(code.issued_at, "DATE_FORMAT"),
        "channel": code.get_channel_display(),
    }
    return Answer(OFFICIAL, message, code_display(code.code))


def language() -> str:
    current = get_language() or "en"
    return current if current in LANGUAGE_CODES else "en"


def official_channels_by_kind(lang: str) -> list[tuple[str, list[dict]]]:
    """Our channels for readers of `lang`, by kind, each with its description in `lang`."""
    grouped: dict[str, list[dict]] = {}
    for channel in official_list(lang):
        row = {"value": channel.value, "description": channel.description_in(lang)}
        grouped.setdefault(channel.kind, []).append(row)
    return [(Kind(kind).label, rows) for kind, rows in grouped.items()]


# --- Pages -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """The forms; with `kind` and `value`, or `code`, in the query: the answer too."""
    context = {"check_form": CheckForm(), "code_form": CodeForm()}
    if "value" in request.GET:
        context["check_form"] = form = CheckForm(request.GET)
        if form.is_valid():
            return _checked(request, context, form)
    elif "code" in request.GET:
        context["code_form"] = form = CodeForm(request.GET)
        if form.is_valid():
            return _code_checked(request, context, form)
    status = 400 if any(f.errors for f in (context["check_form"], context["code_form"])) else 200
    return _page(request, context, status=status)


def _checked(request: HttpRequest, context: dict, form: CheckForm) -> HttpResponse:
    if wait := throttle.official_check_hit(request):
        return _throttled(request, context, form, wait)
    data = form.cleaned_data
    result = channel_check(kind=data["kind"], value=data["value"], language=language())
    answer = check_answer(result)
    context["answer"] = answer
    if answer.status in (NOT_OFFICIAL, LOOKALIKE):
        initial = {"kind": data["kind"], "value": data["value"]}
        if result.check is not None:
            initial["check_id"] = result.check.pk
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        context["report_form"] = ReportForm(initial=initial)
    return _page(request, context)


def _code_checked(request: HttpRequest, context: dict, form: CodeForm) -> HttpResponse:
    if wait := throttle.official_check_hit(request):
        return _throttled(request, context, form, wait)
    context["code_answer"] = code_answer(verification_code_find(form.cleaned_data["code"]))
    return _page(request, context)


def _throttled(request: HttpRequest, context: dict, form, wait: int) -> HttpResponse:
    form.add_error(None, throttle.retry_message(wait))
    return throttle.too_many_requests(_page(request, context, status=429), wait)


def _page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    context["official"] = official_channels_by_kind(language())
    return render(request, "helpcenter/verify.html", context, status=status)


@never_cache
@require_POST
def verify_report(request: HttpRequest) -> HttpResponse:
    """Report an impersonator: a scam-report ticket with the evidence, through intake."""
    form = ReportForm(request.POST, request.FILES)
    context = {"check_form": CheckForm(), "code_form": CodeForm(), "report_form": form}
    if not form.is_valid():
        return _page(request, context, status=400)
    if wait := throttle.contact_form_hit(request):
        return _throttled(request, context, form, wait)
    try:
        ticket = intake_message(_report_message(request, form.cleaned_data))
    except Unavailable as error:
        form.add_error("attachments", str(error))
        return _page(request, context, status=503)
    except TicketError as error:
        form.add_error("attachments", str(error))
        return _page(request, context, status=400)
    channel_check_reported(form.cleaned_data["check_id"])
    messages.success(
        request,
        _("Thank you. Your report %(reference)s was received; our security team will look into it.")
        % {"reference": ticket.reference},
    )
    return redirect("helpcenter:verify")


def _report_message(request: HttpRequest, data: dict) -> InboundMessage:
    kind = Kind(data["kind"])
    signed_in = request.user.is_authenticated
    named = {"kind": kind.label, "value": data["value"]}
    text = _("Reported as an impersonator: %(kind)s %(value)s") % named
    text += "\n\n" + data["contacted_on"]
    return InboundMessage(
        channel="web",
        customer_id=request.user.pk if signed_in else None,
        customer_email="" if signed_in else data["email"],
        subject=(_("Impersonator report: %(kind)s %(value)s") % named)[:200],
        text=text,
        category=Category.SCAM_REPORT,
        language_hint=language(),
        attachments=tuple(
            InboundAttachment(f.name, f.content_type, f.read()) for f in data["attachments"]
        ),
        metadata={
            "reported_kind": kind.value,
            "reported_value": data["value"],
            "contact_email": data["email"],
        },
    )
