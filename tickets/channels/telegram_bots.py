"""The enabled Telegram bots, kept in each process's memory (support.process_copies) for the
webhook: every update names its bot, and in a burst a query per update for the same few rows
was a round trip and a share of PostgreSQL's time the webhook could not spare. A bot saved or
deleted (the admin, `telegram_bot_set_token`) renews every process's copy through Redis; while
Redis is away every update reads the row, as before."""

from django.db.models.signals import post_delete, post_save

from support.process_copies import ProcessCopy
from tickets.telegram_models import TelegramBot


def _load() -> dict[int, TelegramBot]:
    return {bot.pk: bot for bot in TelegramBot.objects.filter(enabled=True)}


_copy = ProcessCopy(key="telegram:bots", name="Telegram bots", load=_load)


def telegram_bot_enabled(bot_id: int) -> TelegramBot | None:
    """The enabled bot (a shared object: do not change it), or None."""
    return _copy.get().get(bot_id)


def _changed(**kwargs) -> None:
    _copy.changed()


post_save.connect(_changed, sender=TelegramBot, dispatch_uid="telegram-bots-saved")
post_delete.connect(_changed, sender=TelegramBot, dispatch_uid="telegram-bots-deleted")
