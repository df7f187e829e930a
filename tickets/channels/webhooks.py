"""The one webhook of every provider: `/channels/<provider>/<account>/webhook`.

In this order, and nothing else before the answer: the provider's adapter checks the request's
secret or signature (401, nothing stored, when it is missing or wrong); the raw body is stored
sealed under its unique key (a retry of the same update finds it and changes nothing); the
answer is 200. After commit a drain is woken (tickets/channels/webhook_drain.py: one Celery
task reads every fresh payload in batches, so a burst costs the webhook one Redis call per
update, not a task message), and a sweep every minute hands out again what no drain read (the
broker was down, a worker died, a read met an outage), as for the emails the pipe stores
(tickets/channels/email_raw.py). docs/channels.md tells the whole path.
"""

import logging
from contextlib import suppress
from datetime import datetime, timedelta

from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from support.error_views import error_payload
from support.text import redact_customer_text
from support.unavailable import Unavailable
from tickets.channels.adapters import ChannelAdapter, adapter_for
from tickets.channels.webhook_drain import webhook_drain_wake
from tickets.models import Channel, RawInbound, Ticket
from tickets.raw_inbound import raw_inbound_insert, raw_payload, raw_seal

logger = logging.getLogger(__name__)

WAIT_FOR_WORKER = timedelta(minutes=1)  # before the sweep hands a stored payload out again
MAX_ATTEMPTS = 5
SWEEP_BATCH = 500
GIVEN_UP = "not read after {attempts} attempts: replay it from the admin"
OUR_OUTAGES = (Unavailable, OperationalError, InterfaceError)


class WebhookMalformed(Exception):
    """The body names no key (not the provider's JSON): refused with 400, nothing stored."""


class WebhookRefused(Exception):
    """A request an adapter refuses in `verify` with its own answer (the phone's 413 and
    `stale_timestamp`); nothing is stored."""

    def __init__(self, code: str, message: str, *, status: int = 401) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def response(self) -> JsonResponse:
        return JsonResponse(error_payload(self.code, self.message), status=self.status)


# --- The request ---------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def channel_webhook(request: HttpRequest, provider: str, account: str) -> HttpResponse:
    adapter = adapter_for(provider)
    found = adapter.account(account) if adapter is not None else None
    if request.method == "GET":  # a provider's subscription check (Meta's hub.challenge)
        return _challenge(request, adapter, found)
    try:
        if found is None or not adapter.verify(request, found):
            raise _unauthorized(adapter)
    except WebhookRefused as refused:
        return refused.response()
    try:
        _stored, repeated = webhook_store(adapter=adapter, account=found, body=request.body)
    except WebhookMalformed:
        message = _("The body is not an update this webhook can read.")
        return JsonResponse(error_payload("bad_request", message), status=400)
    accepted = getattr(adapter, "accepted", None)  # a provider's own answer (Kakao, phone)
    if accepted is None:
        return JsonResponse({"ok": True})
    return accepted(found, body=request.body, repeated=repeated)


def _unauthorized(adapter) -> WebhookRefused:
    """The refusal of a request without the account's secret: the adapter's own, when it has
    one, else ours. An unknown account gets the same answer, so nobody learns which exist."""
    own = getattr(adapter, "unauthorized", None)
    if own is not None:
        return own()
    return WebhookRefused("unauthorized", _("The webhook's secret is missing or wrong."))


def _challenge(request: HttpRequest, adapter, found) -> HttpResponse:
    """The adapter's answer to a provider's GET check; 403 when it does not accept it."""
    challenge = getattr(adapter, "challenge", None)
    answer = challenge(request, found) if challenge is not None and found is not None else None
    if answer is None:
        message = _("The webhook's secret is missing or wrong.")
        return JsonResponse(error_payload("forbidden", message), status=403)
    return answer


def webhook_store(
    *, adapter: ChannelAdapter, account: object, body: bytes
) -> tuple[RawInbound, bool]:
    """Store `body` once under its key and wake a drain after commit: (the row, whether it
    was there already). A repeat returns the first row and wakes nothing. The key is built by
    the adapter from numbers (the account's id and the provider's update id) or passed
    through the redaction gate by it, so it holds no secret."""
    key = adapter.key(account, body)
    if key is None:
        raise WebhookMalformed
    stored = raw_inbound_insert(
        channel=adapter.channel,
        key=key,
        sealed=raw_seal(body),
        process_after=timezone.now() + WAIT_FOR_WORKER,
    )
    if stored is None:  # a repeat: the first delivery's row
        return RawInbound.objects.defer("payload").get(channel=adapter.channel, key=key), True
    transaction.on_commit(lambda: webhook_drain_wake(stored.pk))  # else: the sweep reads it
    return stored, False


# --- The worker ----------------------------------------------------------------------------------


def webhook_process(*, raw_id: int) -> Ticket | None:
    """Read one stored payload through its adapter (the task's service, also the replay): its
    ticket, None when it made none or was read already. The provider being away (a file to
    fetch) or our database being out leaves the row unread for a retry; anything else is kept
    on the row as its error, to replay once fixed."""
    stored = _take(raw_id)
    if stored is None:
        return None
    adapter = adapter_for(stored.channel)
    try:
        return webhook_read(stored, adapter)
    except (*OUR_OUTAGES, *adapter.temporary):
        with suppress(DatabaseError):  # not the payload's fault: not counted
            RawInbound.objects.filter(pk=raw_id).update(process_attempts=F("process_attempts") - 1)
        raise


def webhook_read(stored: RawInbound, adapter: ChannelAdapter) -> Ticket | None:
    """Read a row already taken (its attempt counted) through its adapter. Our outages and
    the adapter's temporary errors are raised for the caller to retry; anything else is kept
    on the row as its error."""
    raw_id = stored.pk
    try:
        payload = raw_payload(stored)
        prepared = adapter.prepare(stored, payload)
        with transaction.atomic():
            locked = RawInbound.objects.select_for_update().defer("payload").get(pk=raw_id)
            if locked.processed_at is not None:  # a concurrent reading got there first
                return locked.ticket
            ticket, note = adapter.process(locked, payload, prepared)
            RawInbound.objects.filter(pk=raw_id).update(
                processed_at=timezone.now(), ticket=ticket, error=note[:2000]
            )
    except (*OUR_OUTAGES, *adapter.temporary):
        raise
    except Exception as error:
        logger.exception("webhook payload could not be processed", extra={"raw_id": raw_id})
        reason = redact_customer_text(f"{type(error).__name__}: {error}", lang="en").text
        RawInbound.objects.filter(pk=raw_id).update(error=reason[:2000])
        return None
    return ticket


def _take(raw_id: int) -> RawInbound | None:
    """The unread row, its reading counted; None when read, purged, failed or given up."""
    with transaction.atomic():
        stored = (
            RawInbound.objects.select_for_update()
            .filter(pk=raw_id, processed_at__isnull=True, purged_at__isnull=True, error="")
            .exclude(channel=Channel.EMAIL)
            .first()
        )
        if stored is None or adapter_for(stored.channel) is None:
            return None
        if stored.process_attempts >= MAX_ATTEMPTS:
            RawInbound.objects.filter(pk=raw_id).update(
                error=GIVEN_UP.format(attempts=stored.process_attempts)
            )
            return None
        RawInbound.objects.filter(pk=raw_id).update(process_attempts=F("process_attempts") + 1)
    return stored


def webhooks_waiting_sweep(*, now: datetime | None = None) -> int:
    """Hand the webhook payloads no worker read yet to the workers again; returns how many."""
    from tickets.tasks import webhook_process_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            RawInbound.objects.filter(process_after__lte=now, processed_at__isnull=True)
            .exclude(channel=Channel.EMAIL)
            .filter(error="", purged_at__isnull=True)
            .order_by("process_after")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        RawInbound.objects.filter(pk__in=due).update(process_after=now + WAIT_FOR_WORKER)
    for raw_id in due:
        webhook_process_task.delay(raw_id)
    return len(due)


def webhook_replay(*, raw_id: int) -> Ticket | None:
    """Read an unread payload again after a fix (the raw payloads' admin action): its error and
    count of attempts cleared first. A payload read already changes nothing."""
    RawInbound.objects.filter(pk=raw_id, processed_at__isnull=True).update(
        error="", process_attempts=0
    )
    return webhook_process(raw_id=raw_id)
