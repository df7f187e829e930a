import math

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from support import throttle
from support.client import client_address
from support.password_reset import password_reset_request

User = get_user_model()


class ThrottledLoginForm(AuthenticationForm):
    """The same neutral answer for a wrong password and an unknown account; after too many
    failures for an account or a client, no password is checked at all for a while
    (`retry_after` seconds, which the view sends as a 429)."""

    error_messages = {
        "invalid_login": _("That email and password do not match an account. Please try again."),
        "inactive": _("That email and password do not match an account. Please try again."),
    }
    username = forms.CharField(
        label=_("Email"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    retry_after = 0

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        self.retry_after = throttle.login_wait(username=username, address=address)
        if self.retry_after:
            raise forms.ValidationError(_throttled_message(self.retry_after), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.login_failed(username=username, address=address)
            raise
        throttle.login_succeeded(username=username)
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Looks nothing up while the visitor waits: a worker finds the account, if any, and
    sends the link (support.password_reset)."""

    def save(self, *, request, use_https: bool = False, **_templates) -> None:
        password_reset_request(
            email=self.cleaned_data["email"],
            language=translation.get_language(),
            domain=request.get_host(),
            use_https=use_https,
        )


def _throttled_message(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many failed attempts. Please wait %(count)d minute and try again.",
        "Too many failed attempts. Please wait %(count)d minutes and try again.",
        minutes,
    ) % {"count": minutes}


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Log in or reset your password."),
                code="taken",
            )
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password and password != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        elif password:
            candidate = User(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned
