"""Register the webhook of one Telegram bot, or of every enabled one, with Telegram."""

from django.core.management.base import BaseCommand, CommandError

from tickets.channels.telegram_api import TelegramError
from tickets.channels.telegram_setup import telegram_webhook_register
from tickets.telegram_models import TelegramBot


class Command(BaseCommand):
    help = "Call Telegram's setWebhook (with the bot's secret token) for the bots named."

    def add_arguments(self, parser) -> None:
        parser.add_argument("usernames", nargs="*", help="bot usernames; none: every enabled bot")

    def handle(self, *args, usernames: list[str], **options) -> None:
        bots = TelegramBot.objects.filter(enabled=True)
        if usernames:
            bots = TelegramBot.objects.filter(username__in=[u.lstrip("@") for u in usernames])
        if not bots:
            raise CommandError("No such Telegram bot.")
        failed = False
        for bot in bots:
            try:
                url = telegram_webhook_register(bot=bot)
            except TelegramError as error:
                self.stderr.write(f"@{bot.username}: {error}")
                failed = True
                continue
            self.stdout.write(f"@{bot.username}: {url}")
        if failed:
            raise CommandError("Some webhooks were not registered.")
