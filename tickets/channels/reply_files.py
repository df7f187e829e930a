"""The files of an agent's reply on a chat channel, and what became of each (docs/channels.md,
"Files in agents' replies"); shared by the Telegram and social outboxes.

`reply_files_enqueue` writes a `FileDelivery` row per attachment in the reply's transaction,
failing at once (no call made) the files the channel cannot carry, as its `FileRule` says.
`files_send` is the outbox worker's step after the text: each file still waiting, in order,
handed to the provider's sender; a refusal of one file fails that file and goes on with the
next, while a provider away or a rate limit stops the whole row for its retry (the file stays
pending). When the reply itself is refused, `files_fail_rest` fails the files left with the
same reason.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.channels.email_outbound import DeliveryState
from tickets.file_delivery_models import DeliveryFailure, FileDelivery
from tickets.models import Message

# (content type, size in bytes) -> why the channel cannot carry the file ("" when it can).
FileRule = Callable[[str, int], str]
FileSender = Callable[[FileDelivery, bytes], str | None]  # the provider's id for it, if any


@dataclass(frozen=True)
class Delivery:
    """A reply's or a file's state, and for a failure, why (in the reader's language)."""

    state: DeliveryState
    reason: str = ""


def carries_nothing(content_type: str, size: int) -> str:
    return DeliveryFailure.NOT_CARRIED


def file_rule(types: Iterable[str], max_bytes: int) -> FileRule:
    """A rule for a channel that carries `types` up to `max_bytes`."""
    allowed = frozenset(types)

    def rule(content_type: str, size: int) -> str:
        if content_type not in allowed:
            return DeliveryFailure.NOT_CARRIED
        return DeliveryFailure.TOO_LARGE if size > max_bytes else ""

    return rule


# --- Writing -------------------------------------------------------------------------------------


def reply_files_enqueue(*, message: Message, rule: FileRule) -> list[FileDelivery]:
    """A row per attachment of the reply `message`, in the caller's transaction; the files
    `rule` refuses are failed now, with why, so the agent sees it on the reply at once."""
    now = timezone.now()
    rows = []
    for attachment in message.attachments.all():
        failure = rule(attachment.content_type, attachment.size)
        rows.append(
            FileDelivery(attachment=attachment, failure=failure, failed_at=now if failure else None)
        )
    return FileDelivery.objects.bulk_create(rows, ignore_conflicts=True)


# --- Sending -------------------------------------------------------------------------------------


def files_send(message_id: int, send: FileSender, *, refused: tuple[type[Exception], ...]) -> None:
    """Send the reply's files still waiting, in order. `send` raises one of `refused` for a
    file the provider will not take (that file fails, the next is tried); anything else it
    raises (the provider away, a rate limit) leaves this file and the rest for the retry."""
    waiting = FileDelivery.objects.filter(
        attachment__message_id=message_id, sent_at__isnull=True, failed_at__isnull=True
    ).select_related("attachment")
    for delivery in waiting.order_by("attachment_id"):
        FileDelivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
        try:
            with delivery.attachment.file.open("rb") as stored:
                content = stored.read()
        except (OSError, ValueError) as error:
            _fail(delivery, DeliveryFailure.UNREADABLE, type(error).__name__)
            continue
        try:
            ref = send(delivery, content)
        except refused as error:
            _fail(delivery, getattr(error, "failure", DeliveryFailure.REFUSED), str(error))
            continue
        FileDelivery.objects.filter(pk=delivery.pk).update(
            sent_at=timezone.now(), provider_ref=str(ref or "")[:100], detail=""
        )


def file_ref_keep(delivery: FileDelivery, ref: str) -> None:
    """Remember the provider's id of a file it has taken before the message that carries it
    went (X: the media id, so a retry of the direct message does not upload it again)."""
    delivery.provider_ref = ref[:100]
    FileDelivery.objects.filter(pk=delivery.pk).update(provider_ref=delivery.provider_ref)


def files_fail_rest(message_id: int | None, failure: str, detail: str = "") -> int:
    """The reply itself was refused: its files not sent yet fail with the same reason."""
    if message_id is None:
        return 0
    return FileDelivery.objects.filter(
        attachment__message_id=message_id, sent_at__isnull=True, failed_at__isnull=True
    ).update(failed_at=timezone.now(), failure=failure, detail=detail[:2000])


def _fail(delivery: FileDelivery, failure: str, detail: str) -> None:
    FileDelivery.objects.filter(pk=delivery.pk).update(
        failed_at=timezone.now(), failure=failure, detail=detail[:2000]
    )


# --- Reading -------------------------------------------------------------------------------------


def failure_reason(failure: str, detail: str = "") -> str:
    """Why a delivery failed, in the active language; the provider's own words after a plain
    refusal (they are the provider's, in English)."""
    known = failure in DeliveryFailure.values
    reason = str(DeliveryFailure(failure).label) if known else str(DeliveryFailure.REFUSED.label)
    if detail and (not known or failure == DeliveryFailure.REFUSED):
        detail = detail[:300].rstrip(". ")  # the sentence around it ends it
        return _("%(reason)s: %(detail)s") % {"reason": reason, "detail": detail}
    return reason


def file_delivery(row: FileDelivery) -> Delivery:
    if row.sent_at is not None:
        return Delivery(DeliveryState.SENT)
    if row.failed_at is not None:
        return Delivery(DeliveryState.FAILED, failure_reason(row.failure, row.detail))
    return Delivery(DeliveryState.PENDING if row.attempts else DeliveryState.QUEUED)


def file_deliveries(messages: Iterable[Message]) -> dict[int, Delivery]:
    """The state of each file of the replies among `messages`, by attachment id, in one
    query (made even without a reply, so a page's query count stays the same)."""
    ids = [message.pk for message in messages if message.kind == Message.Kind.REPLY]
    rows = FileDelivery.objects.filter(attachment__message_id__in=ids or [0])
    return {row.attachment_id: file_delivery(row) for row in rows}
