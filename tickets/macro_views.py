"""Macro management in the console (supervisors), and counting a macro's use (agents)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support.taxonomy import Language
from tickets import macros
from tickets.forms import MacroCreateForm, MacroEditForm
from tickets.models import Macro

manage = permission_required(macros.MANAGE_PERMISSION, raise_exception=True)
console = permission_required("support.use_console", raise_exception=True)


@manage
def macro_list(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("language", "")
    language = language if language in Language.values else ""
    context = {
        "rows": macros.macro_table(language=language),
        "languages": Language.choices,
        "language": language,
        "console_section": "macros",
    }
    return render(request, "tickets/console/macros.html", context)


@manage
def macro_new(request: HttpRequest) -> HttpResponse:
    initial = {name: request.GET.get(name, "")[:60] for name in ("key", "language")}
    form = MacroCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            macro = macros.macro_create(
                key=data["key"], language=data["language"], text=_text(form), by=request.user
            )
        except macros.MacroRefused as error:
            form.add_error("language", str(error))
        else:
            messages.success(request, _("Macro %(name)s saved.") % {"name": macro.name})
            return redirect("macros:list")
    return _form_page(request, form, macro=None)


@manage
def macro_edit(request: HttpRequest, pk: int) -> HttpResponse:
    macro = get_object_or_404(Macro, pk=pk)
    initial = {**_initial(macro), "version": macros.macro_version(macro)}
    form = MacroEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            macros.macro_update(
                macro=macro,
                text=_text(form),
                by=request.user,
                seen_updated_at=form.cleaned_data["version"],
            )
        except macros.MacroRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Macro %(name)s saved.") % {"name": macro.name})
            return redirect("macros:list")
    return _form_page(request, form, macro=macro)


@require_POST
@manage
def macro_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    macro = get_object_or_404(Macro, pk=pk)
    macros.macro_set_active(macro=macro, active=False, by=request.user)
    return redirect("macros:list")


@require_POST
@manage
def macro_activate(request: HttpRequest, pk: int) -> HttpResponse:
    macro = get_object_or_404(Macro, pk=pk)
    macros.macro_set_active(macro=macro, active=True, by=request.user)
    return redirect("macros:list")


@require_POST
@console
def macro_use(request: HttpRequest, pk: int) -> HttpResponse:
    """A chat's reply box took this macro's text: count the use (ticket replies count
    themselves)."""
    macro = get_object_or_404(Macro, pk=pk, active=True)
    macros.macro_record_use(macro_id=macro.pk)
    return HttpResponse(status=204)


def _text(form: MacroEditForm) -> macros.MacroText:
    data = form.cleaned_data
    return macros.MacroText(
        name=data["name"], body=data["body"], set_status=data["set_status"], add_tags=form.tags()
    )


def _initial(macro: Macro) -> dict:
    return {
        "name": macro.name,
        "body": macro.body,
        "set_status": macro.set_status,
        "add_tags": " ".join(macro.add_tags),
    }


def _form_page(request: HttpRequest, form: MacroEditForm, *, macro: Macro | None):
    context = {"form": form, "macro": macro, "console_section": "macros"}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tickets/console/macro_form.html", context, status=status)
