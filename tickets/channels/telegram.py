"""Telegram's adapter (docs/channels.md, "Telegram"): a bot per team; each update Telegram posts
to `/channels/telegram/<bot id>/webhook` is checked, stored and read by a worker here.

- A private chat's message becomes a ticket message (one ticket per chat while it is open), or,
  for a bot in live-chat mode, a message of the customer's chat in the live-chat queue (its
  files as attachments of the chat, checked by the same rules).
- The customer is one account per Telegram user (`telegram:<user id>`), in the language their
  Telegram app is set to.
- Photos, documents and voice notes are fetched from Telegram as attachments; a file over the
  limit or of a type we do not take is refused with a message to the customer in Telegram.
- /start gets a welcome in the customer's language and makes no ticket.
- In groups the bot answers only when addressed (@username, or a reply to it), and then only
  to ask the customer to write to it privately: a group is no place for account matters.
- A button press (callback_query) is answered (answerCallbackQuery, through the outbox) so the
  customer's app stops its spinner; our bot sends no buttons, so nothing else is done with it.
- Every other update (a member change, a channel post) is stored and ignored.

Replay: Telegram signs nothing with a time, and after an outage it delivers the updates it
kept (up to 24 hours) on purpose. So an update's age refuses nothing: its key (bot, update_id)
makes it count once, and a second delivery changes nothing (docs/channels.md, "Replays").
"""

import hmac
import json
import re
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from support.models import CustomerProfile
from support.roles import Role
from support.taxonomy import LANGUAGE_CODES
from support.text import (
    cut_customer_text,
    redact_customer_file_name,
    redact_customer_text,
    security_notice,
)
from support.text.messages import MARKERS, secret_marker
from tickets.channels import telegram_api
from tickets.channels.adapters import chat_bridge, register_adapter
from tickets.channels.telegram_bots import telegram_bot_enabled
from tickets.channels.telegram_outbound import (
    conversation_chat,
    telegram_callback_answer_enqueue,
    telegram_deliveries,
    telegram_delivery_reasons,
    telegram_notice_enqueue,
    telegram_reply_enqueue,
)
from tickets.errors import AttachmentTypeRefused
from tickets.identities.models import IdentityKind
from tickets.identities.selectors import customer_for_handle
from tickets.models import Channel, RawInbound, Ticket
from tickets.telegram_models import TelegramBot

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_TEXT_CHARS = 4096  # a Telegram message's own limit (captions: 1,024)
LANGUAGES = {
    "en": "en",
    "ko": "ko",
    "ja": "ja",
    "zh": "zh-hans",
    "zh-hans": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-hant": "zh-hant",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zh-mo": "zh-hant",
}
START_RE = re.compile(r"^/start(@\w+)?(\s|$)", re.IGNORECASE)
KNOWN_OTHER_UPDATES = (
    "channel_post", "edited_channel_post", "callback_query", "my_chat_member", "chat_member",
    "chat_join_request", "inline_query", "message_reaction", "poll", "poll_answer",
)  # fmt: skip


def customer_language(code: object) -> str:
    """Our language for a Telegram `language_code` (an IETF tag), English when we have none."""
    if not isinstance(code, str):
        return "en"
    code = code.lower().replace("_", "-")
    return LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0]) or "en"


# --- What an update holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class TelegramFileRef:
    file_id: str
    name: str
    content_type: str
    size: int | None


@dataclass
class Prepared:
    attachments: list = field(default_factory=list)  # of tickets.intake.InboundAttachment
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


def update_message(update: dict) -> tuple[str, dict | None]:
    """(its kind, the message it carries, if it is a customer's message or its edit)."""
    for kind in ("message", "edited_message"):
        if isinstance(update.get(kind), dict):
            return kind, update[kind]
    for kind in KNOWN_OTHER_UPDATES:
        if kind in update:
            return kind, None
    return "unknown", None


def message_files(message: dict) -> list[TelegramFileRef]:
    """The photo (its largest size), document and voice note of a message."""
    files = []
    photos = [p for p in message.get("photo") or [] if isinstance(p, dict) and p.get("file_id")]
    if photos:
        largest = max(photos, key=lambda p: p.get("width", 0) * p.get("height", 0))
        name = f"photo-{largest.get('file_unique_id', 'telegram')}.jpg"
        files.append(_ref(largest, name, "image/jpeg"))
    document = message.get("document")
    if isinstance(document, dict) and document.get("file_id"):
        name = document.get("file_name") or f"document-{document.get('file_unique_id', '')}"
        files.append(_ref(document, name, document.get("mime_type") or ""))
    voice = message.get("voice")
    if isinstance(voice, dict) and voice.get("file_id"):
        name = f"voice-{voice.get('file_unique_id', 'telegram')}.ogg"
        files.append(_ref(voice, name, voice.get("mime_type") or "audio/ogg"))
    return files


def _ref(item: dict, name: object, content_type: object) -> TelegramFileRef:
    size = item.get("file_size")
    return TelegramFileRef(
        file_id=str(item["file_id"]),
        name=str(name),
        content_type=str(content_type),
        size=size if isinstance(size, int) else None,
    )


def is_private(message: dict) -> bool:
    return (message.get("chat") or {}).get("type") == "private"


def addresses_bot(message: dict, bot: TelegramBot) -> bool:
    """A group message naming the bot (@username) or replying to one of its messages."""
    replied = (message.get("reply_to_message") or {}).get("from") or {}
    if replied.get("is_bot") and str(replied.get("username", "")).lower() == bot.username.lower():
        return True
    text = str(message.get("text") or message.get("caption") or "")
    return f"@{bot.username}".lower() in text.lower()


# --- The adapter ---------------------------------------------------------------------------------


class TelegramAdapter:
    channel = Channel.TELEGRAM
    temporary = (telegram_api.TelegramUnavailable, telegram_api.TelegramRetryAfter)

    def account(self, account_id: str) -> TelegramBot | None:
        if not account_id.isdigit() or len(account_id) > 18:
            return None
        return telegram_bot_enabled(int(account_id))

    def verify(self, request: HttpRequest, account: TelegramBot) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return bool(given) and hmac.compare_digest(
            given.encode("utf-8", "replace"), account.webhook_secret.encode()
        )

    def key(self, account: TelegramBot, body: bytes) -> str | None:
        try:
            update = json.loads(body)
        except ValueError:
            return None
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
            return None
        return f"{account.pk}:{update_id}"

    def prepare(self, stored: RawInbound, payload: bytes) -> Prepared:
        """Fetch the files of a private chat's message (not of groups or other updates), for a
        ticket or a live chat alike."""
        bot = _bot_of(stored)
        kind, message = update_message(json.loads(payload))
        if message is None or not is_private(message):
            return Prepared()
        return fetch_files(bot, message_files(message))

    def process(
        self, stored: RawInbound, payload: bytes, prepared: Prepared
    ) -> tuple[Ticket | None, str]:
        bot = _bot_of(stored)
        update = json.loads(payload)
        kind, message = update_message(update)
        if kind == "callback_query":
            return None, _button_pressed(bot, update["callback_query"])
        if message is None:
            return None, f"ignored: {kind}"
        if not is_private(message):
            return None, _group_message(bot, message, update["update_id"])
        sender = message.get("from") or {}
        if not isinstance(sender.get("id"), int) or sender.get("is_bot"):
            return None, "ignored: not from a person"
        language = customer_language(sender.get("language_code"))
        chat_id = message["chat"]["id"]
        text = str(message.get("text") or message.get("caption") or "")
        if START_RE.match(text):
            _welcome(bot, chat_id, language, update["update_id"])
            return None, "start"
        customer = telegram_customer(sender, language)
        if bot.mode == TelegramBot.Mode.LIVE_CHAT and chat_bridge(self.channel) is not None:
            return _to_live_chat(bot, message, customer, language, text, prepared)
        return _to_ticket(bot, kind, message, customer, language, text, prepared)

    def reply_enqueue(self, message) -> bool:
        return telegram_reply_enqueue(message=message) is not None

    def send_text(self, conversation_key: str, *, key: str, text: str, files=()) -> None:
        found = conversation_chat(conversation_key)
        bot = TelegramBot.objects.filter(pk=found[0]).first() if found else None
        if bot is not None:
            telegram_notice_enqueue(bot=bot, chat_id=found[1], key=key, text=text, files=files)

    def deliveries(self, messages) -> dict:
        return telegram_deliveries(messages)

    def delivery_reasons(self, messages) -> dict:
        return telegram_delivery_reasons(messages)


def _bot_of(stored: RawInbound) -> TelegramBot:
    return TelegramBot.objects.select_related("team").get(pk=int(stored.key.split(":")[0]))


def _to_ticket(bot, kind, message, customer, language, text, prepared) -> tuple[Ticket | None, str]:
    from tickets.intake import InboundMessage, intake_message  # the worker's only

    chat_id, message_id = message["chat"]["id"], message.get("message_id")
    for name, why in prepared.refused:
        _file_refused(bot, chat_id, language, name, why, message_id)
    if not text.strip() and not prepared.attachments:
        return None, "ignored: nothing we can store (a sticker, a location)"
    external_id = f"tg:{bot.pk}:{chat_id}:{message_id}"
    if kind == "edited_message":
        external_id += f":edit:{message.get('edit_date', '')}"
    inbound = InboundMessage(
        channel=Channel.TELEGRAM,
        text=cut_customer_text(text, MAX_TEXT_CHARS),
        customer_id=customer.pk,
        attachments=tuple(prepared.attachments),
        external_id=external_id,
        conversation_id=f"tg:{bot.pk}:{chat_id}",
        language_hint=language,
        team_id=bot.team_id,
        metadata=_metadata(bot, kind, message, prepared),
        acknowledge=False,  # the customer is in Telegram, not at an email address
    )
    ticket = intake_message(inbound, customer=customer)
    stored = ticket.messages.filter(external_id=external_id).only("body").first()
    if stored is not None and secret_removed(inbound.text, stored.body):
        telegram_notice_enqueue(
            bot=bot,
            chat_id=chat_id,
            key=f"secret:{external_id}",
            text=security_notice(language),
        )
    return ticket, ""


def secret_removed(sent: str, stored: str) -> bool:
    """Whether the gate put a marker ("[seed phrase removed]", in any of our languages) into
    the stored text that the customer did not write themselves."""
    markers = {secret_marker(kind, lang=lang) for kind in MARKERS for lang in LANGUAGE_CODES}
    return any(marker in stored and marker not in sent for marker in markers)


def _metadata(bot: TelegramBot, kind: str, message: dict, prepared: Prepared) -> dict:
    sender = message.get("from") or {}
    data = {
        "telegram": {
            "bot": bot.username,
            "chat_id": message["chat"]["id"],
            "message_id": message.get("message_id"),
            "user_id": sender.get("id"),
            "username": str(sender.get("username") or "")[:64],
        }
    }
    if kind == "edited_message":
        data["edited"] = True
    if prepared.refused:
        data["dropped_attachments"] = [name for name, _why in prepared.refused]
    return data


def _to_live_chat(bot, message, customer, language, text, prepared) -> tuple[None, str]:
    """The customer's text and files to their live chat. A refused file is told to the
    customer as in tickets mode; a secret in a text file is removed by the same gate as on a
    ticket, and the customer warned."""
    chat_id, message_id = message["chat"]["id"], message.get("message_id")
    for name, why in prepared.refused:
        _file_refused(bot, chat_id, language, name, why, message_id)
    if not text.strip() and not prepared.attachments:
        return None, "ignored: nothing we can store (a sticker, a location)"
    files, secrets = _gated_files(prepared.attachments, language)
    chat_bridge(Channel.TELEGRAM).customer_message(
        channel=Channel.TELEGRAM,
        conversation_key=f"tg:{bot.pk}:{chat_id}",
        customer=customer,
        text=cut_customer_text(text, MAX_TEXT_CHARS),
        language=language,
        team_id=bot.team_id,
        attachments=files,
        refused=tuple(prepared.refused),
        message_key=f"tg:{message_id}",
    )
    if secrets:
        key = f"secret:tg:{bot.pk}:{chat_id}:{message_id}:files"
        telegram_notice_enqueue(bot=bot, chat_id=chat_id, key=key, text=security_notice(language))
    return None, "live chat"


def _gated_files(attachments: list, language: str) -> tuple[tuple, bool]:
    """The files with the secrets of text files removed; whether any was."""
    from tickets.intake import text_attachment_redact  # the worker's only

    gated = [text_attachment_redact(upload, language) for upload in attachments]
    return tuple(upload for upload, _kinds in gated), any(kinds for _upload, kinds in gated)


def _button_pressed(bot: TelegramBot, query: object) -> str:
    """Answer a callback query (answerCallbackQuery, through the outbox) so the customer's
    app stops waiting. Our bot sends no inline keyboards, so the button is not one of ours (an
    old message, a forwarded one): its data is never acted on."""
    if not isinstance(query, dict) or not isinstance(query.get("id"), str) or not query["id"]:
        return "ignored: callback_query without an id"
    sender = query.get("from") or {}
    chat = ((query.get("message") or {}).get("chat") or {}).get("id", sender.get("id"))
    if not isinstance(chat, int) or isinstance(chat, bool):
        return "ignored: callback_query without a chat"
    telegram_callback_answer_enqueue(bot=bot, chat_id=chat, callback_query_id=query["id"])
    return "callback_query: answered"


def _group_message(bot: TelegramBot, message: dict, update_id: int) -> str:
    if not addresses_bot(message, bot):
        return "ignored: group message not addressed to the bot"
    language = customer_language((message.get("from") or {}).get("language_code"))
    with translation.override(language):
        text = _(
            "To keep your account safe we only help in a private chat. Please write to me "
            "directly: https://t.me/%(bot)s"
        ) % {"bot": bot.username}
    telegram_notice_enqueue(
        bot=bot,
        chat_id=message["chat"]["id"],
        key=f"group:{bot.pk}:{update_id}",
        text=text,
        reply_to=message.get("message_id"),
    )
    return "group: asked to write privately"


def _welcome(bot: TelegramBot, chat_id: int, language: str, update_id: int) -> None:
    with translation.override(language):
        text = _(
            "Welcome to %(team)s support. Tell us what happened in your own words and send "
            "screenshots if they help: a member of our team will answer here. We will never "
            "ask for your password, seed phrase or private keys."
        ) % {"team": bot.team.name}
    telegram_notice_enqueue(bot=bot, chat_id=chat_id, key=f"start:{bot.pk}:{update_id}", text=text)


def _file_refused(bot, chat_id, language, name, why, message_id) -> None:
    limit_mb = file_limit() // (1024 * 1024)
    with translation.override(language):
        if why == "size":
            text = _(
                "Your file %(name)s is larger than %(limit)s MB, so we could not receive it. "
                "Please send a smaller file or a screenshot."
            ) % {"name": name, "limit": limit_mb}
        elif why == "fetch":
            text = _(
                "We could not receive your file %(name)s from Telegram. Please send it again."
            ) % {"name": name}
        else:
            text = _(
                "We cannot accept the file %(name)s. Please send an image, a PDF, a text file "
                "or a voice note."
            ) % {"name": name}
    telegram_notice_enqueue(
        bot=bot,
        chat_id=chat_id,
        key=f"refused:{bot.pk}:{chat_id}:{message_id}:{name}"[:200],
        text=text,
        reply_to=message_id,
    )


# --- Files ---------------------------------------------------------------------------------------


def file_limit() -> int:
    return min(settings.ATTACHMENT_MAX_BYTES, telegram_api.DOWNLOAD_LIMIT)


def fetch_files(bot: TelegramBot, refs: list[TelegramFileRef]) -> Prepared:
    """Each file fetched from Telegram and checked like any upload (tickets/files.py; its type
    then the one its bytes showed), or
    refused ("size", "type", "fetch": Telegram no longer has it) with its name redacted like
    every file name. Telegram away raises, for the whole update to be read again later."""
    from tickets.intake import InboundAttachment
    from tickets.services import attachments_check

    prepared = Prepared()
    limit = file_limit()
    for ref in refs:
        name = redact_customer_file_name(ref.name).text
        if ref.size is not None and ref.size > limit:
            prepared.refused.append((name, "size"))
            continue
        try:
            found = telegram_api.get_file(bot, ref.file_id)
            content = telegram_api.download(bot, found, limit=limit)
        except telegram_api.TelegramRetryAfter:
            raise
        except telegram_api.TelegramRefused:  # gone, or too old: the message still counts
            prepared.refused.append((name, "fetch"))
            continue
        if content is None:
            prepared.refused.append((name, "size"))
            continue
        upload = InboundAttachment(name=name, content_type=ref.content_type, content=content)
        try:
            kind = attachments_check([upload])[0]
        except AttachmentTypeRefused:
            prepared.refused.append((name, "type"))
            continue
        prepared.attachments.append(replace(upload, content_type=kind))
    return prepared


# --- Customers -----------------------------------------------------------------------------------


def telegram_customer(sender: dict, language: str):
    """The customer account of a Telegram user, made on their first message (no email: our
    replies reach them in Telegram). Names are customer text: through the gate."""
    User = get_user_model()
    username = f"telegram:{sender['id']}"
    found = customer_for_handle(
        User.objects.select_related("customer_profile"),
        kind=IdentityKind.TELEGRAM,
        value=str(sender["id"]),
        username=username,
    )
    if found is not None:
        return found
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email="",
                password=None,
                first_name=_name(sender.get("first_name")),
                last_name=_name(sender.get("last_name")),
            )
            user.groups.add(*Group.objects.filter(name=Role.CUSTOMER))
            CustomerProfile.objects.create(user=user, preferred_language=language)
    except IntegrityError:  # the same user's other update got there first
        return User.objects.select_related("customer_profile").get(username=username)
    return user


def _name(value: object) -> str:
    return redact_customer_text(cut_customer_text(value or "", 150), lang="en").text[:150]


register_adapter(TelegramAdapter())
