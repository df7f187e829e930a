"""POST /channels/phone/<provider key>/events: call events from a PBX or a cloud telephony
service (docs/channels.md, "Phone").

Checked in this order, each refusal answering 401 with nothing stored: the provider is known
and enabled, the signature (HMAC-SHA256 over `timestamp + "." + raw body` with the provider's
secret) matches, the timestamp is within five minutes of our clock. Then the raw body is stored
(RawInbound, key `<provider>:<call id>:<event>`), so a repeat is a no-op; an unknown event type
is stored and ignored; a known one is read by a worker after commit (tickets/phone/events.py).
"""

import hashlib
import json
import time
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from support.text import redact_customer_text
from tickets.models import Channel, RawInbound
from tickets.phone.models import TelephonyProvider
from tickets.phone.signing import provider_secret, signature_valid
from tickets.raw_inbound import raw_inbound_store

TIMESTAMP_HEADER = "X-Telephony-Timestamp"
SIGNATURE_HEADER = "X-Telephony-Signature"
MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024
KNOWN_EVENTS = ("call.started", "call.ended")
RETRY_AFTER = timedelta(minutes=2)  # the sweep hands out an event no worker read by then


def _refused(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def _unauthorised(request: HttpRequest, provider: TelephonyProvider | None) -> JsonResponse | None:
    """The 401 for a request we cannot trust, else None."""
    timestamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
    signature = request.headers.get(SIGNATURE_HEADER, "")
    secret = provider_secret(provider) if provider else ""
    if not signature_valid(
        secret=secret, timestamp=timestamp, body=request.body, signature=signature
    ):
        return _refused(401, "bad_signature", _("The signature is missing or does not match."))
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return _refused(
            401, "stale_timestamp", _("The timestamp is more than five minutes from our clock.")
        )
    return None


@csrf_exempt
@require_POST
def events(request: HttpRequest, key: str) -> JsonResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _refused(413, "too_large", _("The event is too large."))
    provider = TelephonyProvider.objects.filter(key=key, enabled=True).first()
    if refusal := _unauthorised(request, provider):
        return refusal
    event, call_id = _event_and_call(request.body)
    raw_key = f"{provider.key}:{call_id}:{event}" if event and call_id else ""
    raw_key = redact_customer_text(raw_key, lang="en").text[:255]  # as raw_inbound_store keys it
    if raw_key and RawInbound.objects.filter(channel=Channel.PHONE, key=raw_key).exists():
        return JsonResponse({"status": "duplicate"})
    return _store(provider, raw_key, event, request.body)


def _event_and_call(body: bytes) -> tuple[str, str]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    event, call_id = data.get("event"), data.get("call_id")
    if not isinstance(event, str) or not isinstance(call_id, str | int):
        return "", ""
    return event[:40], str(call_id)[:150]


def _store(provider: TelephonyProvider, raw_key: str, event: str, body: bytes) -> JsonResponse:
    now = timezone.now()
    if not raw_key:  # kept for the record, under the hash of its bytes
        digest = hashlib.sha256(body).hexdigest()
        stored = raw_inbound_store(
            channel=Channel.PHONE, key=f"{provider.key}:invalid:{digest}", payload=body
        )
        _settle(stored, now, "not a call event: JSON with event and call_id expected")
        return _refused(400, "invalid", _("Send a JSON object with event and call_id."))
    stored = raw_inbound_store(channel=Channel.PHONE, key=raw_key, payload=body)
    if event not in KNOWN_EVENTS:
        _settle(stored, now, f"ignored: unknown event type {event}")
        return JsonResponse({"status": "ignored"})
    transaction.on_commit(lambda: _queue(stored.pk))
    return JsonResponse({"status": "accepted"})


def _settle(stored: RawInbound, now, note: str) -> None:
    RawInbound.objects.filter(pk=stored.pk).update(processed_at=now, error=note[:500])


def _queue(raw_id: int) -> None:
    from tickets.tasks import phone_event_process_task

    phone_event_process_task.delay(raw_id)
