"""Admin for the Telegram bots: the team, the mode, the token (write-only: the page says
whether one is set, never what it is), and an action that registers the webhook with
Telegram (setWebhook with the bot's secret token). docs/channels.md, "Telegram"."""

import re

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from tickets.channels.telegram_api import TelegramError, telegram_bot_set_token
from tickets.channels.telegram_setup import telegram_webhook_register, telegram_webhook_url
from tickets.telegram_models import TelegramBot

TOKEN_RE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,100}$")  # BotFather's <bot id>:<secret>


class TelegramBotForm(forms.ModelForm):
    token = forms.CharField(
        label=_("bot token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "From BotFather (/newbot or /token). Stored encrypted and never shown again. "
            "Leave empty to keep the stored one."
        ),
    )

    class Meta:
        model = TelegramBot
        fields = ["username", "team", "mode", "enabled"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lstrip("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,63}", username):
            raise forms.ValidationError(_("Enter the bot's username as BotFather shows it."))
        return username

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token", "")
        if token and not TOKEN_RE.match(token):
            raise forms.ValidationError(
                _("This is not a bot token: BotFather's look like 123456789:AAE…")
            )
        if not token and not (self.instance.pk and self.instance.token_sealed):
            raise forms.ValidationError(_("A new bot needs its token."))
        return token


@admin.register(TelegramBot)
class TelegramBotAdmin(admin.ModelAdmin):
    form = TelegramBotForm
    list_display = ["__str__", "team", "mode", "enabled", "token_state", "webhook_set_at"]
    list_filter = ["enabled", "mode", "team"]
    search_fields = ["username"]
    readonly_fields = ["token_state", "webhook_url", "webhook_set_at", "last_error"]
    actions = ["register_webhook"]
    fieldsets = [
        (None, {"fields": ["username", "team", "mode", "enabled"]}),
        (_("Token"), {"fields": ["token", "token_state"]}),
        (_("Webhook"), {"fields": ["webhook_url", "webhook_set_at", "last_error"]}),
    ]

    @admin.display(description=_("token"))
    def token_state(self, bot: TelegramBot) -> str:
        return pgettext("token", "set") if bot.token_sealed else pgettext("token", "not set")

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, bot: TelegramBot) -> str:
        return telegram_webhook_url(bot) if bot.pk else "—"

    def save_model(self, request, obj: TelegramBot, form: TelegramBotForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("token"):
            telegram_bot_set_token(bot=obj, token=form.cleaned_data["token"])

    @admin.action(description=_("Register the webhook with Telegram"))
    def register_webhook(self, request, queryset) -> None:
        done = 0
        for bot in queryset:
            try:
                telegram_webhook_register(bot=bot)
            except TelegramError as error:
                self.message_user(request, f"@{bot.username}: {error}", level=messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "The webhook of %(count)d bot was registered.",
                    "The webhooks of %(count)d bots were registered.",
                    done,
                )
                % {"count": done},
            )
