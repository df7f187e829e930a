"""Pointing Telegram at our webhook (the admin's action, `manage.py telegram_set_webhook`)."""

from django.conf import settings
from django.urls import reverse

from tickets.channels import telegram_api
from tickets.models import Channel
from tickets.telegram_models import TelegramBot


def telegram_webhook_url(bot: TelegramBot) -> str:
    """The public URL Telegram posts the bot's updates to (SITE_URL must be HTTPS)."""
    path = reverse("channel_webhook", kwargs={"provider": Channel.TELEGRAM, "account": bot.pk})
    return settings.SITE_URL.rstrip("/") + path


def telegram_webhook_register(*, bot: TelegramBot) -> str:
    """setWebhook with the bot's secret token and the updates we read; returns the URL."""
    url = telegram_webhook_url(bot)
    telegram_api.set_webhook(bot, url=url)
    return url
