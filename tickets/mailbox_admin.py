"""Admin for the mailboxes: where mail comes in, which team and language it goes to, and how
the last poll went. The password, and an OAuth2 mailbox's client secret and refresh token, are
write-only: the page says whether one is set, never what it is."""

import ipaddress

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from support.queueing import task_queue
from tickets.mailbox_oauth import mailbox_access_token_rejected, mailbox_set_oauth_secrets
from tickets.mailboxes import mailbox_set_password
from tickets.models import Mailbox

# Changing any of these points the stored UIDs at another folder: the next poll starts afresh.
CONNECTION_FIELDS = {"host", "port", "username", "folder"}
# Changing any of these makes the access token kept belong to another app or directory.
OAUTH_FIELDS = {"auth", "oauth_provider", "oauth_client_id", "oauth_tenant", "oauth_token_url"}
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _formfield(field: models.Field, **options: object) -> forms.Field | None:
    if isinstance(field, models.URLField):
        options.setdefault("assume_scheme", "https")  # a bare host means https
    return field.formfield(**options)


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Stored encrypted and never shown again. Leave empty to keep the stored one. Use an "
            "app password where the provider offers one."
        ),
    )
    forget_password = forms.BooleanField(label=_("remove the stored password"), required=False)
    client_secret = forms.CharField(
        label=_("OAuth2 client secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the stored one."),
    )
    refresh_token = forms.CharField(
        label=_("OAuth2 refresh token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "From signing in to the mailbox's account with the registered app. Stored "
            "encrypted and never shown again. Leave empty to keep the stored one."
        ),
    )

    class Meta:
        model = Mailbox
        fields = ["address", "team", "language", "enabled", "host", "port", "security"]
        fields += ["username", "folder", "auth", "oauth_provider", "oauth_client_id"]
        fields += ["oauth_tenant", "oauth_token_url"]
        formfield_callback = _formfield

    def clean_address(self) -> str:
        return self.cleaned_data["address"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        host = (data.get("host") or "").strip()
        if host and not data.get("username"):
            self.add_error("username", _("An IMAP mailbox needs a username."))
        if host and data.get("security") == Mailbox.Security.NONE and not _is_loopback(host):
            message = _(
                "Without TLS the password would cross the network in clear: choose TLS or "
                "STARTTLS (no security is only for a server on this machine)."
            )
            self.add_error("security", message)
        if data.get("auth") == Mailbox.Auth.OAUTH2:
            self._clean_oauth(data)
        return data

    def _clean_oauth(self, data: dict) -> None:
        if not data.get("oauth_provider"):
            self.add_error("oauth_provider", _("Choose the provider the app is registered with."))
        if not data.get("oauth_client_id"):
            self.add_error("oauth_client_id", _("An OAuth2 mailbox needs the app's client ID."))
        stored = self.instance.pk and self.instance.oauth_refresh_token_sealed
        if not data.get("refresh_token") and not stored:
            self.add_error("refresh_token", _("An OAuth2 mailbox needs a refresh token."))


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["address", "team", "language", "enabled", "host", "password_state"]
    list_display += ["last_polled_at", "problem"]
    list_filter = ["enabled", "team", "language"]
    search_fields = ["address", "host"]
    readonly_fields = ["password_state", "oauth_state", "last_polled_at", "problem"]
    readonly_fields += ["failing_since"]
    readonly_fields += ["uidvalidity", "last_uid"]
    actions = ["poll_now"]
    fieldsets = [
        (None, {"fields": ["address", "team", "language", "enabled"]}),
        (
            _("IMAP (leave the server empty for mail delivered by the pipe or HTTP)"),
            {
                "fields": [
                    "host",
                    "port",
                    "security",
                    "username",
                    "password",
                    "forget_password",
                    "password_state",
                    "folder",
                ]
            },
        ),
        (
            _("OAuth2 sign-in (Microsoft 365, Gmail) instead of a password"),
            {
                "fields": [
                    "auth",
                    "oauth_provider",
                    "oauth_client_id",
                    "client_secret",
                    "oauth_tenant",
                    "refresh_token",
                    "oauth_state",
                    "oauth_token_url",
                ]
            },
        ),
        (_("Last poll"), {"fields": ["last_polled_at", "problem", "failing_since"]}),
        (_("Position in the folder"), {"fields": ["uidvalidity", "last_uid"]}),
    ]

    @admin.display(description=_("password"))
    def password_state(self, mailbox: Mailbox) -> str:
        return (
            pgettext("password", "set")
            if mailbox.password_sealed
            else pgettext("password", "not set")
        )

    @admin.display(description=_("OAuth2 tokens"))
    def oauth_state(self, mailbox: Mailbox) -> str:
        if not mailbox.oauth_refresh_token_sealed:
            return _("no refresh token")
        if mailbox.oauth_access_expires_at is None:
            return _("refresh token set; no access token yet")
        expires = date_format(localtime(mailbox.oauth_access_expires_at), "DATETIME_FORMAT")
        return _("refresh token set; access token valid until %(time)s") % {"time": expires}

    @admin.display(description=_("last error"))
    def problem(self, mailbox: Mailbox) -> str:
        if not mailbox.last_problem:
            return "—"
        detail = f" ({mailbox.last_error})" if mailbox.last_error else ""
        return f"{mailbox.get_last_problem_display()}{detail}"

    def save_model(self, request, obj: Mailbox, form: MailboxForm, change: bool) -> None:
        """Only the fields of the form: a poll running meanwhile keeps what it recorded."""
        if not change:
            obj.save()
        else:
            editable = {field.name for field in Mailbox._meta.concrete_fields if field.editable}
            obj.save(update_fields=[name for name in form.changed_data if name in editable])
            if CONNECTION_FIELDS & set(form.changed_data):
                Mailbox.objects.filter(pk=obj.pk).update(uidvalidity=None, last_uid=0)
        password = form.cleaned_data.get("password")
        if password or form.cleaned_data.get("forget_password"):
            mailbox_set_password(mailbox=obj, password=password or "")
        self._save_oauth(obj, form)

    def _save_oauth(self, mailbox: Mailbox, form: MailboxForm) -> None:
        if OAUTH_FIELDS & set(form.changed_data):
            mailbox_access_token_rejected(mailbox)
        mailbox_set_oauth_secrets(
            mailbox=mailbox,
            client_secret=form.cleaned_data.get("client_secret") or None,
            refresh_token=form.cleaned_data.get("refresh_token") or None,
        )

    @admin.action(description=_("Poll the selected mailboxes now"))
    def poll_now(self, request, queryset) -> None:
        from tickets.tasks import mailbox_poll_task

        polled = [box.pk for box in queryset if box.polled]
        queued = sum(task_queue(mailbox_poll_task, pk) for pk in polled)
        message = ngettext(
            "%(count)d mailbox will be polled in a moment.",
            "%(count)d mailboxes will be polled in a moment.",
            queued,
        )
        self.message_user(request, message % {"count": queued})
