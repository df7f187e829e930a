"""What we send to Telegram chats, and what became of it (docs/channels.md, "Telegram").

Every message is a `TelegramOutbox` row written in the transaction of the change it comes from
(the agent's reply, the reading of the update it answers, a live chat's relay), and so is the
answer to a button press (answerCallbackQuery, counted against the bot's limit only), sent
after commit by
`telegram_deliver_task`, and handed out again by a sweep every 15 seconds when a worker could
not send it. Sending keeps Telegram's limits: one message a second to a chat, 30 a second per
bot, counted in Redis in one-second windows; with Redis away a worker sends one message a
second, slower but never lost. A 429 waits the `retry_after` Telegram gives; a network error
or a 5xx waits longer each time (up to 10 minutes) and never gives up; only a refusal that
will not change (the customer blocked the bot, the chat is gone) marks it failed. The agent
sees queued, pending (retrying), sent or failed on the reply, and on each of its files: they go
after the text, a JPEG or PNG photo by sendPhoto, anything else by sendDocument
(tickets/channels/reply_files.py). A live chat's files (listed on the row) go as documents.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from support.locks import advisory_claimed
from support.official.services import verification_line_for
from support.queueing import task_queue_after_commit
from tickets.channels import telegram_api
from tickets.channels.email_outbound import DeliveryState
from tickets.channels.reply_files import (
    failure_reason,
    file_rule,
    files_fail_rest,
    files_send,
    reply_files_enqueue,
)
from tickets.file_delivery_models import FileDelivery
from tickets.models import Message
from tickets.telegram_models import TelegramBot, TelegramOutbox

logger = logging.getLogger(__name__)

TEXT_PART = 4096  # sendMessage's limit
WAIT_FOR_WORKER = timedelta(minutes=1)  # the sweep's turn for a row just written
PER_CHAT = 1  # messages a second to one chat
PER_BOT = 30  # messages a second from one bot
SLOT_WAIT_MAX = 5.0  # seconds a worker waits for a slot before leaving the row for later
REDIS_DOWN_PACE = 1.0  # seconds between sends when the counters cannot be reached
BACKOFF_BASE, BACKOFF_MAX = 5, 600  # seconds, after a network error or a 5xx
SWEEP_BATCH = 200
LOCK_CLASS = 0x7E1E  # the first key of the outbox's advisory locks (the second: the row id)
CACHE_DOWN = (RedisError, OSError)
PHOTO_TYPES = ("image/jpeg", "image/png")
PHOTO_MAX = 10 * 1000 * 1000  # sendPhoto's limit; a larger image goes as a document
DOCUMENT_MAX = 50 * 1000 * 1000  # the Bot API's upload limit
FILE_TYPES = (
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "audio/ogg",
    "text/plain",
)  # fmt: skip


# --- Writing -------------------------------------------------------------------------------------


def conversation_chat(conversation: str) -> tuple[int, int] | None:
    """(bot id, chat id) of a ticket's Telegram conversation `tg:<bot>:<chat>`."""
    parts = conversation.split(":")
    if len(parts) != 3 or parts[0] != "tg":
        return None
    try:
        return int(parts[1]), int(parts[2])
    except ValueError:
        return None


def telegram_reply_enqueue(*, message: Message) -> TelegramOutbox | None:
    """The agent's public reply `message` to the ticket's Telegram chat (inside the caller's
    transaction); None when the ticket names no chat of a bot we have."""
    found = conversation_chat(message.ticket.external_conversation)
    if found is None or not TelegramBot.objects.filter(pk=found[0]).exists():
        return None
    row = _enqueue(
        bot_id=found[0],
        chat_id=found[1],
        key=f"reply:{message.pk}",
        text=with_verification_line(message),
        message=message,
    )
    if row is not None:
        reply_files_enqueue(message=message, rule=file_rule(FILE_TYPES, DOCUMENT_MAX))
    return row


def with_verification_line(message: Message) -> str:
    """The reply with the code the customer can check on our verification page under it
    (docs/verification.md): an impostor on Telegram cannot give one that checks out."""
    line = verification_line_for(
        channel="telegram", source=f"ticket-message:{message.pk}", language=message.ticket.language
    )
    return f"{message.body}\n\n{line}"


def telegram_notice_enqueue(
    *,
    bot: TelegramBot,
    chat_id: int,
    key: str,
    text: str,
    reply_to: int | None = None,
    files: Iterable[dict] = (),
) -> TelegramOutbox | None:
    """A message of ours (a welcome, a refused file, a live chat's message with its files) to
    a chat; once per `key`."""
    return _enqueue(
        bot_id=bot.pk, chat_id=chat_id, key=key, text=text, reply_to=reply_to, attachments=files
    )


def telegram_callback_answer_enqueue(
    *, bot: TelegramBot, chat_id: int, callback_query_id: str
) -> TelegramOutbox | None:
    """The answer to a button press (answerCallbackQuery), once per query: it ends the
    spinner in the customer's app and shows nothing."""
    return _enqueue(
        bot_id=bot.pk,
        chat_id=chat_id,
        key=f"callback:{bot.pk}:{callback_query_id}",
        text="",
        callback_query_id=callback_query_id[:64],
    )


def _enqueue(
    *,
    bot_id,
    chat_id,
    key,
    text,
    message=None,
    attachments=(),
    reply_to=None,
    callback_query_id="",
):
    row = TelegramOutbox(
        bot_id=bot_id,
        chat_id=chat_id,
        dedupe_key=key[:200],
        message=message,
        text=text,
        attachments=list(attachments),
        reply_to_message_id=reply_to,
        callback_query_id=callback_query_id,
        next_attempt_at=timezone.now() + WAIT_FOR_WORKER,
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None  # written already
    from tickets.tasks import telegram_deliver_task

    task_queue_after_commit(telegram_deliver_task, row.pk)  # broker down: the sweep sends
    return row


# --- Sending -------------------------------------------------------------------------------------


def telegram_outbox_deliver(*, outbox_id: int) -> TelegramOutbox | None:
    """Send one row's remaining parts, with no transaction open while Telegram is talked to;
    the row's advisory lock keeps overlapping runs (the task, its retry, the sweep) from
    sending it twice. Returns the row (None when this run did not take it)."""
    with _claimed(outbox_id) as claimed:
        if not claimed:
            return None
        row = TelegramOutbox.objects.select_related("bot").filter(pk=outbox_id).first()
        if row is None or row.sent_at is not None or row.failed_at is not None:
            return None
        TelegramOutbox.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        row.attempts += 1
        try:
            _send_parts(row)
        except telegram_api.TelegramRetryAfter as error:
            return _wait(row, error, seconds=error.seconds)
        except telegram_api.TelegramUnavailable as error:
            return _wait(row, error, seconds=_backoff(row.attempts))
        except telegram_api.TelegramRefused as error:
            logger.warning("telegram message refused", extra={"outbox_id": row.pk})
            row.failed_at = timezone.now()
            row.last_error = str(error)[:2000]
            TelegramOutbox.objects.filter(pk=row.pk).update(
                failed_at=row.failed_at, last_error=row.last_error
            )
            files_fail_rest(row.message_id, "refused", row.last_error)
            return row
        row.sent_at = timezone.now()
        TelegramOutbox.objects.filter(pk=row.pk).update(sent_at=row.sent_at, last_error="")
    return row


def _send_parts(row: TelegramOutbox) -> None:
    """The parts not sent yet (`row.parts_sent` counts them: the text's pieces, a live chat's
    files), then an agent's reply's files still waiting, each after a slot of Telegram's
    limits."""
    parts = _parts(row)
    for index in range(row.parts_sent, len(parts)):
        _wait_for_slot(row)
        result = parts[index]()
        row.parts_sent = index + 1
        updates = {"parts_sent": row.parts_sent}
        if isinstance(result, dict) and isinstance(result.get("message_id"), int):
            row.telegram_message_id = updates["telegram_message_id"] = result["message_id"]
        TelegramOutbox.objects.filter(pk=row.pk).update(**updates)
    if row.message_id is not None and not row.callback_query_id:
        files_send(
            row.message_id,
            lambda delivery, content: _send_reply_file(row, delivery, content),
            refused=(telegram_api.TelegramRefused,),
        )


def _parts(row: TelegramOutbox) -> list:
    if row.callback_query_id:
        return [lambda: _answer_callback(row)]
    texts = [row.text[i : i + TEXT_PART] for i in range(0, len(row.text), TEXT_PART)]
    parts = [lambda text=text: _send_text(row, text) for text in texts if text.strip()]
    parts += [lambda file=file: _send_chat_file(row, file) for file in row.attachments]
    return parts


def _send_text(row: TelegramOutbox, text: str) -> object:
    data = {"chat_id": row.chat_id, "text": text}
    if row.reply_to_message_id:
        data["reply_parameters"] = {
            "message_id": row.reply_to_message_id,
            "allow_sending_without_reply": True,
        }
    return telegram_api.call(row.bot, "sendMessage", data=data)


def _answer_callback(row: TelegramOutbox) -> object:
    data = {"callback_query_id": row.callback_query_id}
    return telegram_api.call(row.bot, "answerCallbackQuery", data=data)


def _send_reply_file(row: TelegramOutbox, delivery: FileDelivery, content: bytes) -> str:
    """A JPEG or PNG photo by sendPhoto (as a document when Telegram will not take it as a
    photo: too large, odd dimensions), anything else by sendDocument; Telegram's message id."""
    attachment = delivery.attachment
    upload = (attachment.filename, content, attachment.content_type)
    data = {"chat_id": str(row.chat_id)}
    result = None
    if attachment.content_type in PHOTO_TYPES and attachment.size <= PHOTO_MAX:
        _wait_for_slot(row)
        try:
            result = telegram_api.call(row.bot, "sendPhoto", data=data, files={"photo": upload})
        except telegram_api.TelegramRefused:
            result = None
    if result is None:
        _wait_for_slot(row)
        result = telegram_api.call(row.bot, "sendDocument", data=data, files={"document": upload})
    return str(result.get("message_id", "")) if isinstance(result, dict) else ""


def _send_chat_file(row: TelegramOutbox, file: dict) -> object:
    with default_storage.open(file["name"], "rb") as stored:
        content = stored.read()
    files = {"document": (file["filename"], content, file["content_type"])}
    return telegram_api.call(
        row.bot, "sendDocument", data={"chat_id": str(row.chat_id)}, files=files
    )


def _wait(row: TelegramOutbox, error: Exception, *, seconds: int) -> TelegramOutbox:
    row.next_attempt_at = timezone.now() + timedelta(seconds=seconds)
    row.last_error = str(error)[:2000]
    TelegramOutbox.objects.filter(pk=row.pk).update(
        next_attempt_at=row.next_attempt_at, last_error=row.last_error
    )
    return row


def _backoff(attempts: int) -> int:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@contextmanager
def _claimed(outbox_id: int) -> Iterator[bool]:
    with advisory_claimed(LOCK_CLASS, outbox_id) as claimed:
        yield claimed


# --- Telegram's limits ---------------------------------------------------------------------------


def send_slot_wait(bot_id: int, chat_id: int | None, *, now: float | None = None) -> float:
    """Seconds to wait before the next call to Telegram for `chat_id` from `bot_id`, counting
    this one when it may go now (0.0); `chat_id` None: a call that posts nothing in a chat (a
    button's answer), counted for the bot only. Windows of one second, counted in Redis for
    all workers; with Redis away, REDIS_DOWN_PACE: each worker sends slowly on its own."""
    now = time.time() if now is None else now
    second = int(now)
    try:
        if chat_id is not None and _count(f"tg-rate:chat:{bot_id}:{chat_id}:{second}") > PER_CHAT:
            return second + 1 - now
        if _count(f"tg-rate:bot:{bot_id}:{second}") > PER_BOT:
            return second + 1 - now
    except CACHE_DOWN:
        return -REDIS_DOWN_PACE  # negative: go, but after this pause
    return 0.0


def _count(key: str) -> int:
    cache.add(key, 0, timeout=3)
    return cache.incr(key)


def _wait_for_slot(row: TelegramOutbox) -> None:
    waited = 0.0
    while True:
        wait = send_slot_wait(row.bot_id, None if row.callback_query_id else row.chat_id)
        if wait <= 0:
            time.sleep(-wait)
            return
        if waited + wait > SLOT_WAIT_MAX:
            raise telegram_api.TelegramRetryAfter(1, "our own rate limit")
        time.sleep(wait)
        waited += wait


# --- The sweep -----------------------------------------------------------------------------------


def telegram_outbox_sweep(*, now: datetime | None = None) -> int:
    """Hand the rows due (never sent by a worker, or waiting after a failure) to the workers
    again; returns how many. Each one's turn moves ahead in the same transaction, so the next
    sweep does not hand it out twice while it waits in the queue."""
    from tickets.tasks import telegram_deliver_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            TelegramOutbox.objects.filter(
                sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        TelegramOutbox.objects.filter(pk__in=due).update(next_attempt_at=now + WAIT_FOR_WORKER)
    for outbox_id in due:
        telegram_deliver_task.delay(outbox_id)
    return len(due)


# --- Delivery state ------------------------------------------------------------------------------


def telegram_delivery_state(row: TelegramOutbox | None) -> DeliveryState | None:
    if row is None:
        return None
    if row.sent_at is not None:
        return DeliveryState.SENT
    if row.failed_at is not None:
        return DeliveryState.FAILED
    return DeliveryState.PENDING if row.attempts else DeliveryState.QUEUED


def telegram_deliveries(messages: Iterable[Message]) -> dict[int, DeliveryState]:
    """The delivery state of each Telegram reply among `messages`, in one query."""
    ids = [m.pk for m in messages if m.kind == Message.Kind.REPLY and m.channel == "telegram"]
    if not ids:
        return {}
    rows = TelegramOutbox.objects.filter(message_id__in=ids).only(
        "message_id", "sent_at", "failed_at", "attempts"
    )
    return {row.message_id: telegram_delivery_state(row) for row in rows}


def telegram_delivery_reasons(messages: Iterable[Message]) -> dict[int, str]:
    """Why each failed Telegram reply among `messages` failed (Telegram's own words)."""
    ids = [m.pk for m in messages if m.kind == Message.Kind.REPLY and m.channel == "telegram"]
    if not ids:
        return {}
    rows = TelegramOutbox.objects.filter(message_id__in=ids, failed_at__isnull=False).only(
        "message_id", "last_error"
    )
    return {row.message_id: failure_reason("refused", row.last_error) for row in rows}
