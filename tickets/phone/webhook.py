"""The telephony webhook (docs/channels.md, "Phone"): call events from a PBX or a cloud telephony
service, read through the channel adapter interface (tickets/channels/adapters.py) at the URL
PBXs are wired to, `POST /channels/phone/<provider key>/events`.

Checked in this order, each refusal with nothing stored: the body is at most 64 KiB (413); the
provider is known and enabled and the signature (HMAC-SHA256 over `timestamp + "." + raw body`
with the provider's secret) matches (401 `bad_signature`, the same for an unknown provider);
the timestamp is within five minutes of our clock (401 `stale_timestamp`). Then the channels'
webhook stores the raw body sealed under `<provider>:<call id>:<event>` (unique: a retried
event finds it and changes nothing) and answers 200 at once; a worker reads it after commit
into a call record (tickets/phone/events.py), with the webhooks' sweep behind it. A body that
is no call event is kept under its hash, for the record, and refused with 400; an unknown
event type is stored and ignored.
"""

import hashlib
import json
import time

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from support.error_views import error_payload
from support.text import redact_customer_text
from tickets.channels.adapters import register_adapter
from tickets.channels.webhooks import WebhookRefused, channel_webhook
from tickets.models import Channel, RawInbound, Ticket
from tickets.phone.events import EventUnreadable, phone_event_apply
from tickets.phone.models import TelephonyProvider
from tickets.phone.signing import provider_secret, signature_valid

TIMESTAMP_HEADER = "X-Telephony-Timestamp"
SIGNATURE_HEADER = "X-Telephony-Signature"
MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024
KNOWN_EVENTS = ("call.started", "call.ended")
NOT_AN_EVENT = "not a call event: JSON with event and call_id expected"


@csrf_exempt
@require_POST
def events(request: HttpRequest, key: str) -> HttpResponse:
    """The URL PBXs are wired to: the channels' webhook, for the `phone` adapter."""
    return channel_webhook(request, provider=Channel.PHONE, account=key)


def call_event(body: bytes) -> tuple[str, str]:
    """(event, call id) of a body; ("", "") when it is not a JSON object naming both."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    event, call_id = data.get("event"), data.get("call_id")
    if not isinstance(event, str) or not event or not isinstance(call_id, str | int):
        return "", ""
    if isinstance(call_id, bool) or call_id == "":
        return "", ""
    return event[:40], str(call_id)[:150]


class PhoneAdapter:
    channel = Channel.PHONE
    temporary = ()  # nothing is fetched from the provider

    def account(self, account_id: str) -> TelephonyProvider | None:
        return TelephonyProvider.objects.filter(key=account_id[:40], enabled=True).first()

    def verify(self, request: HttpRequest, account: TelephonyProvider) -> bool:
        if len(request.body) > MAX_BODY_BYTES:
            raise WebhookRefused("too_large", _("The event is too large."), status=413)
        timestamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
        if not signature_valid(
            secret=provider_secret(account),
            timestamp=timestamp,
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        ):
            return False
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
            message = _("The timestamp is more than five minutes from our clock.")
            raise WebhookRefused("stale_timestamp", message)
        return True

    def unauthorized(self) -> WebhookRefused:
        return WebhookRefused("bad_signature", _("The signature is missing or does not match."))

    def key(self, account: TelephonyProvider, body: bytes) -> str:
        """`<provider>:<call id>:<event>` through the redaction gate (the call id is the
        service's text); a body that is no call event under the hash of its bytes."""
        event, call_id = call_event(body)
        if not event:
            return f"{account.key}:invalid:{hashlib.sha256(body).hexdigest()}"
        return redact_customer_text(f"{account.key}:{call_id}:{event}", lang="en").text[:255]

    def accepted(self, account: TelephonyProvider, *, body: bytes, repeated: bool) -> JsonResponse:
        """The answers PBXs were wired to: accepted, duplicate, ignored, or 400 (docs)."""
        event, _call_id = call_event(body)
        if not event:
            message = _("Send a JSON object with event and call_id.")
            return JsonResponse(error_payload("invalid", message), status=400)
        if repeated:
            return JsonResponse({"status": "duplicate"})
        return JsonResponse({"status": "accepted" if event in KNOWN_EVENTS else "ignored"})

    def prepare(self, stored: RawInbound, payload: bytes) -> None:
        return None

    def process(self, stored: RawInbound, payload: bytes, prepared) -> tuple[Ticket | None, str]:
        """The call record of a known event; an event we cannot use is kept with its reason
        and nothing of it written."""
        event, _call_id = call_event(payload)
        if not event:
            return None, NOT_AN_EVENT
        if event not in KNOWN_EVENTS:
            return None, f"ignored: unknown event type {event}"
        provider = TelephonyProvider.objects.filter(key=stored.key.split(":", 1)[0]).first()
        try:
            with transaction.atomic():  # a refused event leaves nothing half-written
                call = phone_event_apply(provider, json.loads(payload))
        except (EventUnreadable, ValueError) as failure:
            return None, str(failure)[:500]
        return call.ticket, ""

    def reply_enqueue(self, message) -> bool:
        return False  # a phone ticket's replies are emailed

    def send_text(self, conversation_key: str, *, key: str, text: str, files=()) -> None:
        return None  # no live chat over the phone

    def deliveries(self, messages) -> dict:
        return {}


register_adapter(PhoneAdapter())
