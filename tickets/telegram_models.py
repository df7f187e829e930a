"""Telegram (docs/channels.md, "Telegram"): a bot per team, and the replies waiting to be sent.

The bot's token is stored sealed (tickets/channels/telegram_api.py) and never shown back; the
webhook secret is the value Telegram sends in `X-Telegram-Bot-Api-Secret-Token` with every
update, checked before anything is stored. A reply to a customer in Telegram is a row of
`TelegramOutbox`, written in the transaction of the agent's reply and sent by a worker.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from support.models import Team


def new_webhook_secret() -> str:
    """1-256 characters of A-Z, a-z, 0-9, _ and - (the Bot API's rule for `secret_token`)."""
    return secrets.token_urlsafe(48)


class TelegramBot(models.Model):
    class Mode(models.TextChoices):
        TICKETS = "tickets", _("Tickets: each private chat becomes a ticket")
        LIVE_CHAT = "live_chat", _("Live chat: private chats join the live-chat queue")

    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="telegram_bots",
        help_text=_("Tickets and chats from this bot go to this team."),
    )
    username = models.CharField(
        _("bot username"),
        max_length=64,
        unique=True,
        help_text=_("Without the @, as BotFather gave it: ExchangeHelpBot."),
    )
    token_sealed = models.BinaryField(_("token (encrypted)"), default=b"", editable=False)
    webhook_secret = models.CharField(
        _("webhook secret"), max_length=256, default=new_webhook_secret, editable=False
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.TICKETS)
    enabled = models.BooleanField(_("enabled"), default=True)
    webhook_set_at = models.DateTimeField(
        _("webhook registered"), null=True, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bots")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"@{self.username}"


class TelegramOutbox(models.Model):
    """A message to a Telegram chat that must not be lost: an agent's reply (with `message`),
    the welcome after /start, a notice (a file refused), a live chat's message, or the answer
    to a button press (`callback_query_id`). Sent in order of `next_attempt_at`
    by a worker, retried after a 429's `retry_after` or with growing gaps while Telegram is
    away, given up (failed_at) only on an answer that will never change (a chat that blocked
    the bot)."""

    bot = models.ForeignKey(TelegramBot, on_delete=models.CASCADE, related_name="outbox")
    chat_id = models.BigIntegerField(_("chat"))
    dedupe_key = models.CharField(max_length=200, unique=True)
    message = models.ForeignKey(
        "tickets.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_deliveries",
    )
    text = models.TextField(_("text"), blank=True)
    # A live chat's files to send after the text: [{"name": storage name, "filename": …,
    # "content_type": …}]. An agent's reply's files are followed one by one instead
    # (tickets.FileDelivery), after these parts.
    attachments = models.JSONField(default=list, blank=True)
    reply_to_message_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Set: the row answers this button press (answerCallbackQuery) instead of sending a message.
    callback_query_id = models.CharField(max_length=64, blank=True, default="")
    # How many of its parts (text pieces of 4,096 characters, then files) Telegram has taken:
    # a retry goes on from the next one, so nothing is sent twice.
    parts_sent = models.PositiveSmallIntegerField(default=0)
    telegram_message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing Telegram message")
        verbose_name_plural = _("outgoing Telegram messages")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="telegram_outbox_due",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.bot} → {self.chat_id}: {self.text[:40]}"
