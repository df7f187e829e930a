"""What we send to customers on social channels, and what became of it (docs/channels.md).

The same pattern as Telegram's outbox (tickets/channels/telegram_outbound.py): a `SocialOutbox`
row written in the transaction of the change it comes from, sent after commit by
`social_deliver_task`, handed out again by a sweep every 15 seconds. A refusal for too many
requests waits the time the provider gives; a network error or a 5xx waits longer each time (up
to 10 minutes) and never gives up; any other refusal marks the row failed. Each provider
registers how it sends one piece of text (`register_sender`), how long a piece may be, and how
it sends a file of an agent's reply and which files it carries (tickets/channels/reply_files.py:
the files go after the text, each with its own state).
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from support.locks import advisory_claimed
from support.official.services import verification_line_for
from support.queueing import task_queue_after_commit
from tickets.channels.email_outbound import DeliveryState
from tickets.channels.reply_files import (
    FileRule,
    carries_nothing,
    failure_reason,
    files_fail_rest,
    files_send,
    reply_files_enqueue,
)
from tickets.channels.social_common import SocialRefused, SocialRetryAfter, SocialUnavailable
from tickets.file_delivery_models import FileDelivery
from tickets.models import Message
from tickets.social_models import SocialAccount, SocialOutbox

logger = logging.getLogger(__name__)

WAIT_FOR_WORKER = timedelta(minutes=1)
BACKOFF_BASE, BACKOFF_MAX = 5, 600  # seconds, after a network error or a 5xx
SWEEP_BATCH = 200
LOCK_CLASS = 0x50C1  # the first key of the outbox's advisory locks (the second: the row id)

Sender = Callable[[SocialOutbox, str], None]
FileSender = Callable[[SocialOutbox, FileDelivery, bytes], str | None]


@dataclass(frozen=True)
class Provider:
    send: Sender
    part_chars: int
    send_file: FileSender | None = None
    carries: FileRule = carries_nothing
    files_note: object = ""  # what the agent is told of files before sending (lazy text)


_senders: dict[str, Provider] = {}


def register_sender(
    kind: str,
    send: Sender,
    *,
    part_chars: int,
    send_file: FileSender | None = None,
    carries: FileRule = carries_nothing,
    files_note: object = "",
) -> None:
    """How an account of `kind` sends one piece of text of at most `part_chars` characters,
    and a file of an agent's reply (`send_file`, for the files `carries` lets through; without
    it, none), and what the console tells the agent of files before they send."""
    rule = carries if send_file is not None else carries_nothing
    _senders[kind] = Provider(send, part_chars, send_file, rule, files_note)


def provider_for(kind: str) -> Provider | None:
    return _senders.get(kind)


# --- Writing -------------------------------------------------------------------------------------


def social_enqueue(
    *,
    account: SocialAccount,
    recipient: str,
    key: str,
    text: str,
    message: Message | None = None,
    reply_token: str = "",
) -> SocialOutbox | None:
    """A message to `recipient` of `account`, once per `key`, in the caller's transaction. An
    agent's reply (`message`) carries the code our verification page knows under it
    (docs/verification.md)."""
    if message is not None:
        line = verification_line_for(
            channel="social",
            source=f"ticket-message:{message.pk}",
            language=message.ticket.language,
        )
        text = f"{text}\n\n{line}"
    row = SocialOutbox(
        account=account,
        recipient=recipient,
        dedupe_key=key[:200],
        message=message,
        text=text,
        reply_token=reply_token[:100],
        next_attempt_at=timezone.now() + WAIT_FOR_WORKER,
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None  # written already
    from tickets.tasks import social_deliver_task

    task_queue_after_commit(social_deliver_task, row.pk)  # broker down: the sweep sends
    return row


def social_recipient(
    conversation: str, *, prefix: str, kinds: tuple[str, ...] = (), numeric_user: bool = False
) -> tuple[SocialAccount, str] | None:
    """(account, the customer's id on the provider) of a conversation
    `<prefix>:<account id>:<user id>`; None when it names no account of `kinds` (any, if empty)."""
    parts = conversation.split(":")
    if len(parts) != 3 or parts[0] != prefix or not parts[1].isdigit():
        return None
    if numeric_user and not parts[2].isdigit():
        return None
    accounts = SocialAccount.objects.filter(pk=int(parts[1]))
    if kinds:
        accounts = accounts.filter(kind__in=kinds)
    account = accounts.first()
    return (account, parts[2]) if account is not None else None


class SocialReplies:
    """The adapter methods every provider whose messages go through this outbox shares; a
    provider names its `channel` and how a conversation names its account (`recipient`)."""

    channel: str

    def recipient(self, conversation: str) -> tuple[SocialAccount, str] | None:
        raise NotImplementedError

    def reply_enqueue(self, message) -> bool:
        found = self.recipient(message.ticket.external_conversation)
        if found is None:
            return False
        row = social_enqueue(
            account=found[0],
            recipient=found[1],
            key=f"reply:{message.pk}",
            text=message.body,
            message=message,
        )
        if row is not None:
            reply_files_enqueue(message=message, rule=_senders[found[0].kind].carries)
        return True

    def reply_notices(self, ticket) -> list[str]:
        """What the agent must know before answering here (which files go)."""
        found = self.recipient(ticket.external_conversation)
        note = _senders[found[0].kind].files_note if found else ""
        return [str(note)] if note else []

    def send_text(self, conversation_key: str, *, key: str, text: str, files=()) -> None:
        """The text only: no live-chat bridge uses these providers, and their outbox sends
        no files but an agent's reply's."""
        found = self.recipient(conversation_key)
        if found is not None:
            social_enqueue(account=found[0], recipient=found[1], key=key, text=text)

    def deliveries(self, messages) -> dict:
        return social_deliveries(messages, self.channel)

    def delivery_reasons(self, messages) -> dict:
        return social_delivery_reasons(messages, self.channel)


# --- Sending -------------------------------------------------------------------------------------


def social_outbox_deliver(*, outbox_id: int) -> SocialOutbox | None:
    """Send one row's remaining pieces, with no transaction open while the provider is talked
    to; the row's advisory lock keeps overlapping runs from sending it twice."""
    with _claimed(outbox_id) as claimed:
        if not claimed:
            return None
        row = SocialOutbox.objects.select_related("account").filter(pk=outbox_id).first()
        if row is None or row.sent_at is not None or row.failed_at is not None:
            return None
        SocialOutbox.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        row.attempts += 1
        try:
            _send_parts(row)
        except SocialRetryAfter as error:
            return _wait(row, error, seconds=error.seconds)
        except SocialUnavailable as error:
            return _wait(row, error, seconds=_backoff(row.attempts))
        except SocialRefused as error:
            logger.warning("social message refused", extra={"outbox_id": row.pk})
            row.failed_at, row.last_error = timezone.now(), str(error)[:2000]
            row.failure = error.failure
            SocialOutbox.objects.filter(pk=row.pk).update(
                failed_at=row.failed_at, last_error=row.last_error, failure=row.failure
            )
            files_fail_rest(row.message_id, row.failure, row.last_error)
            return row
        row.sent_at = timezone.now()
        SocialOutbox.objects.filter(pk=row.pk).update(sent_at=row.sent_at, last_error="")
    return row


def _send_parts(row: SocialOutbox) -> None:
    """Each piece not sent yet (while one is sent, `row.parts_sent` is its index), then the
    files of the agent's reply still waiting."""
    provider = _senders[row.account.kind]
    size = provider.part_chars
    parts = [row.text[i : i + size] for i in range(0, len(row.text), size)]
    parts = [part for part in parts if part.strip()]
    for index in range(row.parts_sent, len(parts)):
        provider.send(row, parts[index])
        row.parts_sent = index + 1
        SocialOutbox.objects.filter(pk=row.pk).update(parts_sent=row.parts_sent)
    if row.message_id is not None and provider.send_file is not None:
        send_file = provider.send_file
        files_send(
            row.message_id,
            lambda delivery, content: send_file(row, delivery, content),
            refused=(SocialRefused,),
        )


def _wait(row: SocialOutbox, error: Exception, *, seconds: int) -> SocialOutbox:
    row.next_attempt_at = timezone.now() + timedelta(seconds=seconds)
    row.last_error = str(error)[:2000]
    SocialOutbox.objects.filter(pk=row.pk).update(
        next_attempt_at=row.next_attempt_at, last_error=row.last_error
    )
    return row


def _backoff(attempts: int) -> int:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@contextmanager
def _claimed(outbox_id: int) -> Iterator[bool]:
    with advisory_claimed(LOCK_CLASS, outbox_id) as claimed:
        yield claimed


# --- The sweep -----------------------------------------------------------------------------------


def social_outbox_sweep(*, now: datetime | None = None) -> int:
    """Hand the rows due to the workers again; returns how many (each one's turn moves ahead
    in the same transaction, so the next sweep does not hand it out twice)."""
    from tickets.tasks import social_deliver_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SocialOutbox.objects.filter(
                sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        SocialOutbox.objects.filter(pk__in=due).update(next_attempt_at=now + WAIT_FOR_WORKER)
    for outbox_id in due:
        social_deliver_task.delay(outbox_id)
    return len(due)


# --- Delivery state ------------------------------------------------------------------------------


def social_delivery_state(row: SocialOutbox | None) -> DeliveryState | None:
    if row is None:
        return None
    if row.sent_at is not None:
        return DeliveryState.SENT
    if row.failed_at is not None:
        return DeliveryState.FAILED
    return DeliveryState.PENDING if row.attempts else DeliveryState.QUEUED


def social_deliveries(messages: Iterable[Message], channel: str) -> dict[int, DeliveryState]:
    """The delivery state of each reply on `channel` among `messages`, in one query."""
    ids = [m.pk for m in messages if m.kind == Message.Kind.REPLY and m.channel == channel]
    if not ids:
        return {}
    rows = SocialOutbox.objects.filter(message_id__in=ids).only(
        "message_id", "sent_at", "failed_at", "attempts"
    )
    return {row.message_id: social_delivery_state(row) for row in rows}


def social_delivery_reasons(messages: Iterable[Message], channel: str) -> dict[int, str]:
    """Why each failed reply on `channel` among `messages` failed, for the agent."""
    ids = [m.pk for m in messages if m.kind == Message.Kind.REPLY and m.channel == channel]
    if not ids:
        return {}
    rows = SocialOutbox.objects.filter(message_id__in=ids, failed_at__isnull=False).only(
        "message_id", "failure", "last_error"
    )
    return {row.message_id: failure_reason(row.failure, row.last_error) for row in rows}
