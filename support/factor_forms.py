"""The forms of the second factor: a code from the authenticator app, or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _code_field(label: str, help_text: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class CodeForm(forms.Form):
    """A six-digit code from the app (enrolment, re-authentication, turning TOTP off)."""

    otp_token = _code_field(
        _("Authentication code"), _("The six digits your authenticator app shows now.")
    )

    def code(self) -> str:
        return self.cleaned_data["otp_token"]


class VerifyForm(forms.Form):
    """Signing in: the app's code, or one of the recovery codes instead."""

    otp_token = _code_field(
        _("Authentication code"),
        _("The six digits your authenticator app shows now."),
        required=False,
    )
    recovery_code = forms.CharField(
        label=_("Or a recovery code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def code(self) -> str:
        return self.cleaned_data["otp_token"] or self.cleaned_data["recovery_code"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (cleaned.get("otp_token") or cleaned.get("recovery_code")):
            raise forms.ValidationError(_("Enter the code from your authenticator app."))
        return cleaned
