"""Admin for the social accounts (a Facebook page, an Instagram account): the team, the page's
id, the app secret and the access token (write-only: the page says whether each is set, never
what it is), and what to give Meta: the webhook URL and the verify token. docs/channels.md,
"Facebook Messenger and Instagram"."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tickets.channels.social_common import secret_seal
from tickets.social_models import SocialAccount

SECRET_FIELDS = {"app_secret": "secret_sealed", "access_token": "token_sealed"}
ID_PATTERNS = {
    SocialAccount.Kind.LINE: r"U[0-9a-f]{32}",
    SocialAccount.Kind.X: r"\d{1,20}",
    SocialAccount.Kind.KAKAO: r"[0-9a-f]{24}",
}
PROVIDERS = {
    SocialAccount.Kind.LINE: "line",
    SocialAccount.Kind.X: "twitter",
    SocialAccount.Kind.KAKAO: "kakaotalk",
}  # the webhook URL's provider; else "facebook"
NO_SIGNING_SECRET = {SocialAccount.Kind.KAKAO}  # Kakao signs nothing: the verify token is checked


def _secret_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=help_text,
    )


class SocialAccountForm(forms.ModelForm):
    app_secret = _secret_field(
        _("app or channel secret"),
        _("Meta: app dashboard → App settings → Basic. LINE: the channel secret (Messaging "
          "API channel → Basic settings). Stored encrypted and never shown again. Leave empty "
          "to keep the stored one."),
    )  # fmt: skip
    access_token = _secret_field(
        _("access token"),
        _("Meta: a page access token with the pages_messaging (or instagram_manage_messages) "
          "permission. LINE: a long-lived channel access token. Stored encrypted and never "
          "shown again. Leave empty to keep it."),
    )  # fmt: skip

    class Meta:
        model = SocialAccount
        fields = ["kind", "name", "external_id", "team", "enabled"]

    def clean(self) -> dict:
        data = super().clean()
        value = (data.get("external_id") or "").strip()
        pattern = ID_PATTERNS.get(data.get("kind"), r"\d{5,30}")
        if "external_id" in data and not re.fullmatch(pattern, value):
            self.add_error("external_id", _("Enter the id as the provider shows it."))
        elif "external_id" in data:
            data["external_id"] = value
        for field, sealed in SECRET_FIELDS.items():
            if field == "app_secret" and data.get("kind") in NO_SIGNING_SECRET:
                continue
            if not data.get(field) and not (self.instance.pk and getattr(self.instance, sealed)):
                self.add_error(field, _("A new account needs this."))
        return data


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    form = SocialAccountForm
    list_display = ["__str__", "team", "external_id", "enabled", "secrets_state"]
    list_filter = ["enabled", "kind", "team"]
    search_fields = ["name", "external_id"]
    readonly_fields = ["secrets_state", "webhook_url", "verify_token"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "external_id", "team", "enabled"]}),
        (_("Secrets"), {"fields": ["app_secret", "access_token", "secrets_state"]}),
        (_("Webhook"), {"fields": ["webhook_url", "verify_token"]}),
    ]

    @admin.display(description=_("secrets"))
    def secrets_state(self, account: SocialAccount) -> str:
        if account.secret_sealed and account.token_sealed:
            return pgettext("token", "set")
        return pgettext("token", "not set")

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, account: SocialAccount) -> str:
        if not account.pk:
            return "—"
        path = reverse(
            "channel_webhook",
            kwargs={"provider": PROVIDERS.get(account.kind, "facebook"), "account": account.pk},
        )
        return settings.SITE_URL.rstrip("/") + path

    def save_model(self, request, obj: SocialAccount, form: SocialAccountForm, change) -> None:
        for field, sealed in SECRET_FIELDS.items():
            if form.cleaned_data.get(field):
                setattr(obj, sealed, secret_seal(form.cleaned_data[field]))
        super().save_model(request, obj, form, change)
