"""Calls to Telegram's Bot API, and only to it: every URL is built from TELEGRAM_API_BASE (by
default https://api.telegram.org) and the bot's own token, never from anything in an update.
A file is fetched by its `file_id` through getFile, then downloaded from the same host's
`/file/bot<token>/<file_path>`.

Failures come back as three kinds: `TelegramRetryAfter` (429: wait the seconds Telegram says),
`TelegramUnavailable` (a network error or a 5xx: try again later) and `TelegramRefused` (any
other refusal: trying again would give the same answer).

The token is sealed like a mailbox's password: Fernet under a key derived from the raw-inbound
secrets for this purpose alone.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote

import requests
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets.raw_inbound import derive_key
from tickets.telegram_models import TelegramBot

KEY_PURPOSE = "telegram-bot-token:"
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Bot API: bots download files of at most 20 MB
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


class TelegramError(Exception):
    """Telegram did not do what was asked."""


class TelegramRetryAfter(TelegramError):
    def __init__(self, seconds: int, description: str = "") -> None:
        super().__init__(f"429 retry after {seconds}s {description}".strip())
        self.seconds = max(1, int(seconds))


class TelegramUnavailable(TelegramError):
    """Network error, timeout or a 5xx answer: worth trying again later."""


class TelegramRefused(TelegramError):
    """A 4xx answer other than 429 (a chat that blocked the bot, a bad token)."""


class TelegramTokenUnreadable(TelegramRefused):
    """The key that sealed the token is no longer configured: enter the token again."""


@dataclass(frozen=True)
class TelegramFile:
    file_path: str
    size: int | None


# --- Token ---------------------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    secrets = (
        *settings.RAW_INBOUND_KEY,
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", ()),
    )
    keys = [derive_key(KEY_PURPOSE + str(secret)) for secret in dict.fromkeys(secrets)]
    return MultiFernet([Fernet(key) for key in keys])


def telegram_bot_set_token(*, bot: TelegramBot, token: str) -> TelegramBot:
    """Store the token BotFather gave, sealed."""
    sealed = _fernet().encrypt(token.strip().encode()) if token.strip() else b""
    with transaction.atomic():
        TelegramBot.objects.filter(pk=bot.pk).update(token_sealed=sealed)
    bot.token_sealed = sealed
    return bot


def bot_token(bot: TelegramBot) -> str:
    if not bot.token_sealed:
        raise TelegramTokenUnreadable(f"@{bot.username} has no token")
    try:
        return _fernet().decrypt(bytes(bot.token_sealed)).decode()
    except InvalidToken as error:
        raise TelegramTokenUnreadable(f"@{bot.username}: token unreadable") from error


# --- Calls ---------------------------------------------------------------------------------------


def api_base() -> str:
    return settings.TELEGRAM_API_BASE.rstrip("/")


def call(bot: TelegramBot, method: str, *, data: dict | None = None, files=None) -> object:
    """Call `method` with `data` (JSON, or form fields beside `files`); its `result`."""
    url = f"{api_base()}/bot{bot_token(bot)}/{method}"
    try:
        if files:
            fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
            response = requests.post(url, data=fields, files=files, timeout=_timeouts())
        else:
            response = requests.post(url, json=data or {}, timeout=_timeouts())
    except requests.RequestException as error:
        raise TelegramUnavailable(f"{method}: {type(error).__name__}") from None
    return _result(method, response)


def _timeouts() -> tuple[float, float]:
    return (CONNECT_TIMEOUT, READ_TIMEOUT)


def _result(method: str, response: requests.Response) -> object:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    description = str(body.get("description", ""))[:300]
    if response.status_code == 429:
        parameters = body.get("parameters") or {}
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        raise TelegramRetryAfter(retry_after if isinstance(retry_after, int) else 5, description)
    if response.status_code >= 500:
        raise TelegramUnavailable(f"{method}: {response.status_code} {description}")
    if response.status_code >= 400 or not body.get("ok"):
        raise TelegramRefused(f"{method}: {response.status_code} {description}")
    return body.get("result")


def get_file(bot: TelegramBot, file_id: str) -> TelegramFile:
    result = call(bot, "getFile", data={"file_id": file_id})
    if not isinstance(result, dict) or not isinstance(result.get("file_path"), str):
        raise TelegramRefused("getFile: no file_path")
    size = result.get("file_size")
    return TelegramFile(result["file_path"], size if isinstance(size, int) else None)


def download(bot: TelegramBot, file: TelegramFile, *, limit: int) -> bytes | None:
    """The file's bytes, or None when it is larger than `limit` (read no further than that).
    The path is Telegram's answer to getFile, quoted so that it stays a path on our host."""
    url = f"{api_base()}/file/bot{bot_token(bot)}/{quote(file.file_path, safe='/')}"
    try:
        with requests.get(url, stream=True, timeout=_timeouts()) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise TelegramUnavailable(f"download: {response.status_code}")
            if response.status_code >= 400:
                raise TelegramRefused(f"download: {response.status_code}")
            content = bytearray()
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > limit:
                    return None
            return bytes(content)
    except requests.RequestException as error:
        raise TelegramUnavailable(f"download: {type(error).__name__}") from None


def set_webhook(bot: TelegramBot, *, url: str) -> None:
    """Point Telegram at our webhook for `bot`, with its secret token; recorded on the bot."""
    try:
        call(
            bot,
            "setWebhook",
            data={
                "url": url,
                "secret_token": bot.webhook_secret,
                "allowed_updates": ALLOWED_UPDATES,
                "max_connections": 40,
            },
        )
    except TelegramError as error:
        TelegramBot.objects.filter(pk=bot.pk).update(last_error=str(error)[:2000])
        raise
    TelegramBot.objects.filter(pk=bot.pk).update(webhook_set_at=timezone.now(), last_error="")
