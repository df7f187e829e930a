"""LINE's adapter (docs/channels.md, "LINE"): a LINE Official Account's Messaging API channel
posts its webhooks to `/channels/line/<account id>/webhook`; each is checked, stored and read by
a worker here.

- `X-Line-Signature`: the base64 HMAC-SHA256 of the raw body, keyed with the channel secret.
- `message` events from a user (one-to-one chat) become ticket messages; text as it is, images
  and files fetched from LINE's data host by the message id.
- `follow` (the customer added the account) gets a welcome; `unfollow`, group and room
  messages, stickers, locations and anything else are stored and ignored.

Replay: every event carries `timestamp` (ms) and `deliveryContext.isRedelivery`. LINE redelivers
events it could not deliver, late on purpose, and flags them: those are taken whatever their
age, once by their message id. An event NOT flagged as a redelivery whose time is more than 5
minutes from ours is a replay of a captured body: the request is refused (401).
"""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from support.text import (
    cut_customer_text,
    detect_language,
    redact_customer_file_name,
    security_notice,
)
from tickets.channels import line_api
from tickets.channels.adapters import register_adapter
from tickets.channels.file_links import files_base_https
from tickets.channels.meta import refused_text
from tickets.channels.reply_files import file_rule
from tickets.channels.social_common import (
    SocialError,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    secret_open,
    social_customer,
)
from tickets.channels.social_linking import link_code_handled
from tickets.channels.social_outbound import (
    SocialReplies,
    register_sender,
    social_enqueue,
    social_recipient,
)
from tickets.errors import AttachmentTypeRefused
from tickets.file_delivery_models import DeliveryFailure
from tickets.models import Channel, RawInbound, Ticket
from tickets.social_models import SocialAccount

SIGNATURE_HEADER = "X-Line-Signature"
MAX_AGE_MS = 5 * 60 * 1000
MAX_TEXT_CHARS = 5000
FILE_MESSAGES = {"image": ".jpg", "video": ".mp4", "audio": ".m4a", "file": ""}


@dataclass
class Prepared:
    attachments: dict = field(default_factory=dict)  # message id -> [InboundAttachment]
    refused: dict = field(default_factory=dict)  # message id -> [(file name, why)]


def events(payload: dict) -> list[dict]:
    return [event for event in payload.get("events") or [] if isinstance(event, dict)]


def is_replay(payload: dict, *, now_ms: int) -> bool:
    """An event not flagged as LINE's redelivery whose time is more than 5 minutes off ours."""
    for event in events(payload):
        if (event.get("deliveryContext") or {}).get("isRedelivery") is True:
            continue
        stamp = event.get("timestamp")
        if not isinstance(stamp, int) or abs(now_ms - stamp) > MAX_AGE_MS:
            return True
    return False


def user_message(event: dict) -> dict | None:
    """The message of a `message` event from a user in a one-to-one chat."""
    message = event.get("message")
    source = event.get("source") or {}
    if event.get("type") != "message" or not isinstance(message, dict):
        return None
    if source.get("type") != "user" or not source.get("userId") or not message.get("id"):
        return None
    return message


def group_mention(event: dict) -> str:
    """The group or room id of a text message there that mentions our bot (`isSelf`)."""
    source, message = event.get("source") or {}, event.get("message") or {}
    place = str(source.get("groupId") or source.get("roomId") or "")
    if source.get("type") not in ("group", "room") or message.get("type") != "text" or not place:
        return ""
    mentioned = (message.get("mention") or {}).get("mentionees") or []
    return place if any(isinstance(m, dict) and m.get("isSelf") for m in mentioned) else ""


class LineAdapter(SocialReplies):
    channel = Channel.LINE
    temporary = (SocialUnavailable, SocialRetryAfter)

    def recipient(self, conversation: str) -> tuple[SocialAccount, str] | None:
        return conversation_recipient(conversation)

    def account(self, account_id: str) -> SocialAccount | None:
        if not account_id.isdigit() or len(account_id) > 18:
            return None
        return SocialAccount.objects.filter(
            pk=int(account_id), enabled=True, kind=SocialAccount.Kind.LINE
        ).first()

    def verify(self, request: HttpRequest, account: SocialAccount) -> bool:
        given = request.headers.get(SIGNATURE_HEADER, "")
        try:
            secret = secret_open(account.secret_sealed)
        except SocialError:
            return False
        digest = hmac.new(secret.encode(), request.body, hashlib.sha256).digest()
        expected = base64.b64encode(digest)
        if not given or not hmac.compare_digest(given.encode("utf-8", "replace"), expected):
            return False
        try:
            payload = json.loads(request.body)
        except ValueError:
            return True  # signed but not JSON: the key refuses it (400)
        return not (isinstance(payload, dict) and is_replay(payload, now_ms=_now_ms()))

    def key(self, account: SocialAccount, body: bytes) -> str | None:
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
            return None
        if payload.get("destination") != account.external_id:
            return None
        return f"{account.pk}:{hashlib.sha256(body).hexdigest()[:48]}"

    def prepare(self, stored: RawInbound, payload: bytes) -> Prepared:
        account = _account_of(stored)
        prepared = Prepared()
        for event in events(json.loads(payload)):
            message = user_message(event)
            if message is not None and message.get("type") in FILE_MESSAGES:
                fetch_file(account, message, prepared)
        return prepared

    def process(
        self, stored: RawInbound, payload: bytes, prepared: Prepared
    ) -> tuple[Ticket | None, str]:
        account = _account_of(stored)
        ticket, notes = None, []
        for event in events(json.loads(payload)):
            message = user_message(event)
            if message is not None and _link_code(account, event, message):
                notes.append("link code")
            elif message is not None and (message.get("type") == "text" or (
                message.get("type") in FILE_MESSAGES
            )):  # fmt: skip
                ticket = _to_ticket(account, event, message, prepared)
            elif event.get("type") == "follow" and (event.get("source") or {}).get("userId"):
                _welcome(account, event)
                notes.append("follow")
            elif group_mention(event):
                _ask_privately(account, event)
                notes.append("group mention: asked to write privately")
            else:
                found = event.get("message") if isinstance(event.get("message"), dict) else {}
                kind = found.get("type") or event.get("type") or "unknown"
                notes.append(f"ignored: {str(kind)[:40]}")
        return ticket, "; ".join(dict.fromkeys(notes))


def _now_ms() -> int:
    return int(time.time() * 1000)


def conversation_recipient(conversation: str) -> tuple[SocialAccount, str] | None:
    """(account, user id) of a conversation `line:<account id>:<user id>`."""
    return social_recipient(conversation, prefix="line", kinds=("line",))


def _account_of(stored: RawInbound) -> SocialAccount:
    return SocialAccount.objects.select_related("team").get(pk=int(stored.key.split(":")[0]))


def _link_code(account: SocialAccount, event: dict, message: dict) -> bool:
    """A text message carrying a portal link code: answered on the event's reply token, no
    ticket (tickets/channels/social_linking.py)."""
    if message.get("type") != "text":
        return False
    return link_code_handled(
        account,
        sender=str(event["source"]["userId"]),
        text=message.get("text"),
        key=str(message["id"]),
        reply_token=str(event.get("replyToken") or ""),
    )


def _to_ticket(account, event, message, prepared) -> Ticket:
    from tickets.intake import InboundMessage, intake_message  # the worker's only

    user, message_id = str(event["source"]["userId"]), str(message["id"])
    customer = social_customer(f"line:{user}")
    text = str(message.get("text") or "") if message.get("type") == "text" else ""
    attachments = prepared.attachments.get(message_id, [])
    refused = prepared.refused.get(message_id, [])
    if not text.strip() and not attachments:
        text = _("(a file we could not receive)")
    external_id = f"line:{account.pk}:{message_id}"
    inbound = InboundMessage(
        channel=Channel.LINE,
        text=cut_customer_text(text, MAX_TEXT_CHARS),
        customer_id=customer.pk,
        attachments=tuple(attachments),
        external_id=external_id,
        conversation_id=f"line:{account.pk}:{user}",
        team_id=account.team_id,
        metadata=_metadata(account, user, refused),
        acknowledge=False,  # the customer is on LINE, not at an email address
    )
    ticket = intake_message(inbound, customer=customer)
    token = str(event.get("replyToken") or "")
    for name, why in refused:
        key = f"refused:{account.pk}:{message_id}:{name}"
        text = refused_text(ticket.language, name, why)
        social_enqueue(account=account, recipient=user, key=key, text=text, reply_token=token)
    stored = ticket.messages.filter(external_id=external_id).only("body").first()
    if stored is not None and stored.body != inbound.text.strip() and "[" in stored.body:
        social_enqueue(
            account=account,
            recipient=user,
            key=f"secret:{external_id}",
            text=security_notice(ticket.language),
            reply_token=token,
        )
    return ticket


def _metadata(account: SocialAccount, user: str, refused: list) -> dict:
    data = {"line": {"account": account.name, "user_id": user}}
    if refused:
        data["dropped_attachments"] = [name for name, _why in refused]
    return data


def _welcome(account: SocialAccount, event: dict) -> None:
    with translation.override("en"):
        text = _(
            "Welcome to %(team)s support. Tell us what happened in your own words and send "
            "screenshots if they help: a member of our team will answer here. We will never "
            "ask for your password, seed phrase or private keys."
        ) % {"team": account.team.name}
    social_enqueue(
        account=account,
        recipient=str(event["source"]["userId"]),
        key=f"follow:{account.pk}:{event.get('webhookEventId') or event.get('timestamp')}",
        text=text,
        reply_token=str(event.get("replyToken") or ""),
    )


def _ask_privately(account: SocialAccount, event: dict) -> None:
    """The one answer in a group: a fixed text asking for a one-to-one chat, nothing else."""
    words = str((event.get("message") or {}).get("text") or "")[:500]
    with translation.override(detect_language(words) if words.strip() else "en"):
        text = _(
            "Thanks for reaching out. To keep your account safe we never discuss account "
            "details in public: please send us a private message and we will help you there."
        )
    social_enqueue(
        account=account,
        recipient=group_mention(event),
        key=f"group:{account.pk}:{event.get('webhookEventId') or event.get('timestamp')}",
        text=text,
        reply_token=str(event.get("replyToken") or ""),
    )


# --- Files ---------------------------------------------------------------------------------------


def fetch_file(account: SocialAccount, message: dict, prepared: Prepared) -> None:
    """A message's file read from LINE's data host by its id and checked like any upload, or
    refused ("size", "type", "fetch": not on LINE's servers) with its name redacted. LINE
    away raises, for the whole body to be read again later."""
    from tickets.intake import InboundAttachment
    from tickets.services import attachments_check

    message_id = str(message["id"])
    kind = message["type"]
    name = message.get("fileName") if kind == "file" else f"{kind}-{message_id}"
    name = redact_customer_file_name(str(name or f"file-{message_id}") + FILE_MESSAGES[kind]).text
    refused = prepared.refused.setdefault(message_id, [])
    limit = settings.ATTACHMENT_MAX_BYTES
    size = message.get("fileSize")
    if isinstance(size, int) and size > limit:
        refused.append((name, "size"))
        return
    if (message.get("contentProvider") or {}).get("type", "line") != "line":
        refused.append((name, "fetch"))  # an external URL: never fetched
        return
    try:
        found = line_api.content(account, message_id, limit=limit)
    except SocialRefused:
        refused.append((name, "fetch"))
        return
    if found is None:
        refused.append((name, "size"))
        return
    upload = InboundAttachment(name=name, content_type="", content=found)
    try:
        attachments_check([upload])
    except AttachmentTypeRefused:
        refused.append((name, "type"))
        return
    prepared.attachments.setdefault(message_id, []).append(upload)


def line_carries(content_type: str, size: int) -> str:
    """LINE's image messages: JPEG or PNG up to 10 MB, fetched from our https links."""
    found = file_rule(line_api.IMAGE_TYPES, line_api.IMAGE_MAX)(content_type, size)
    if not found and not files_base_https():
        return DeliveryFailure.NO_PUBLIC_URL
    return found


register_sender(
    SocialAccount.Kind.LINE,
    line_api.send_text,
    part_chars=line_api.TEXT_PART,
    send_file=line_api.send_file,
    carries=line_carries,
    files_note=gettext_lazy(
        "LINE carries JPEG and PNG images up to 10 MB: other files you attach stay on the "
        "ticket and are shown as not sent."
    ),
)
register_adapter(LineAdapter())
