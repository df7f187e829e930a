"""Facebook Messenger and Instagram's adapter (docs/channels.md, "Facebook Messenger and
Instagram"): Meta's webhooks for a page or an Instagram account, posted to
`/channels/facebook/<account id>/webhook`, checked, stored and read by a worker here.

- GET: Meta's verification (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`).
- POST: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
- `object` is `page` (Messenger) or `instagram`; each `entry[].messaging[]` event with a
  `message` from a customer becomes a ticket message (one ticket per conversation while it is
  open); its image, file, audio and video attachments are fetched from Meta's CDN.
- Echoes of our own messages, deliveries, reads, postbacks, reactions and anything else are
  stored and ignored.

Replay: Meta signs no time and retries a failed delivery for hours on purpose, so an event's
age refuses nothing; the body counts once by its hash and each message once by its `mid`.

Meta's messaging window: a standard reply only within 24 hours of the customer's last message;
an agent's reply up to 7 days after it with `messaging_type: MESSAGE_TAG, tag: HUMAN_AGENT`;
after that nothing is sent and the reply fails with the reason the agent reads. The window is
judged when each piece is sent (the customer may write again while a reply waits).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from support.text import (
    cut_customer_text,
    detect_language,
    redact_customer_file_name,
    security_notice,
)
from tickets.channels import meta_api
from tickets.channels.adapters import register_adapter
from tickets.channels.reply_files import file_rule
from tickets.channels.social_common import (
    SocialError,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    SocialWindowClosed,
    download,
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
from tickets.file_delivery_models import FileDelivery
from tickets.models import Channel, Message, RawInbound, Ticket
from tickets.social_models import SocialAccount, SocialOutbox

SIGNATURE_HEADER = "X-Hub-Signature-256"
OBJECTS = {SocialAccount.Kind.MESSENGER: "page", SocialAccount.Kind.INSTAGRAM: "instagram"}
PREFIXES = {SocialAccount.Kind.MESSENGER: "messenger", SocialAccount.Kind.INSTAGRAM: "instagram"}
FILE_TYPES = ("image", "file", "audio", "video")
MAX_TEXT_CHARS = 4000
OTHER_EVENTS = ("delivery", "read", "postback", "reaction", "referral", "optin", "account_linking")
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
HUMAN_AGENT = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}


@dataclass
class Prepared:
    attachments: dict = field(default_factory=dict)  # mid -> [InboundAttachment]
    refused: dict = field(default_factory=dict)  # mid -> [(file name, why)]


def events(payload: dict, account: SocialAccount) -> list[dict]:
    """The messaging events of the account's own entries (an entry of another page: none)."""
    found = []
    for entry in payload.get("entry") or []:
        if isinstance(entry, dict) and str(entry.get("id")) == account.external_id:
            found += [e for e in entry.get("messaging") or [] if isinstance(e, dict)]
    return found


def changes(payload: dict, account: SocialAccount) -> list[dict]:
    """The `changes` of the account's own entries (feed, mentions, comments…)."""
    found = []
    for entry in payload.get("entry") or []:
        if isinstance(entry, dict) and str(entry.get("id")) == account.external_id:
            found += [c for c in entry.get("changes") or [] if isinstance(c, dict)]
    return found


def mention_target(change: dict, account: SocialAccount) -> str | None:
    """Where to answer a public mention of the account (an outbox recipient), None when the
    change is no mention by someone else: a Page's `mention` (a post or comment naming it),
    an Instagram account's `mentions` (an @mention in a comment or caption)."""
    value = change.get("value") if isinstance(change.get("value"), dict) else {}
    if change.get("field") == "mention" and value.get("verb") == "add":
        if str(value.get("sender_id")) == account.external_id:
            return None
        comment, post = str(value.get("comment_id") or ""), str(value.get("post_id") or "")
        if value.get("item") == "comment" and comment.replace("_", "").isdigit():
            return f"comment:{comment}"
        return f"post:{post}" if post.replace("_", "").isdigit() else None
    if change.get("field") == "mentions" and str(value.get("media_id") or "").isdigit():
        comment = str(value.get("comment_id") or "")
        return f"igmention:{value['media_id']}:{comment if comment.isdigit() else ''}"
    return None


def customer_message(event: dict, account: SocialAccount) -> dict | None:
    """The event's message when a customer wrote it (not our echo, not a deleted one)."""
    message = event.get("message")
    sender = str((event.get("sender") or {}).get("id") or "")
    if not isinstance(message, dict) or not message.get("mid") or not sender:
        return None
    if message.get("is_echo") or message.get("is_deleted") or sender == account.external_id:
        return None
    return message


def event_kind(event: dict) -> str:
    if isinstance(event.get("message"), dict):
        return "message"
    return next((kind for kind in OTHER_EVENTS if kind in event), "unknown")


class MetaAdapter(SocialReplies):
    channel = Channel.FACEBOOK
    temporary = (SocialUnavailable, SocialRetryAfter)

    def recipient(self, conversation: str) -> tuple[SocialAccount, str] | None:
        return conversation_recipient(conversation)

    def account(self, account_id: str) -> SocialAccount | None:
        if not account_id.isdigit() or len(account_id) > 18:
            return None
        return SocialAccount.objects.filter(
            pk=int(account_id), enabled=True, kind__in=list(OBJECTS)
        ).first()

    def verify(self, request: HttpRequest, account: SocialAccount) -> bool:
        given = request.headers.get(SIGNATURE_HEADER, "")
        try:
            secret = meta_api.app_secret(account)
        except SocialError:
            return False
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        return bool(given) and hmac.compare_digest(
            given.encode("utf-8", "replace"), expected.encode()
        )

    def challenge(self, request: HttpRequest, account: SocialAccount) -> HttpResponse | None:
        """Meta's subscription check: the challenge echoed when the verify token is ours."""
        query = request.GET
        given = query.get("hub.verify_token", "")
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
            given.encode("utf-8", "replace"), account.verify_token.encode()
        ):
            return None
        return HttpResponse(query.get("hub.challenge", ""), content_type="text/plain")

    def key(self, account: SocialAccount, body: bytes) -> str | None:
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.get("object") != OBJECTS[account.kind]:
            return None
        if not isinstance(payload.get("entry"), list):
            return None
        return f"{account.pk}:{hashlib.sha256(body).hexdigest()[:48]}"

    def prepare(self, stored: RawInbound, payload: bytes) -> Prepared:
        account = _account_of(stored)
        prepared = Prepared()
        for event in events(json.loads(payload), account):
            message = customer_message(event, account)
            if message is not None:
                fetch_files(message, prepared)
        return prepared

    def reply_notices(self, ticket) -> list[str]:
        """Which files go, and, outside the 24 hours, how (or whether) the reply goes."""
        notices = super().reply_notices(ticket)
        found = self.recipient(ticket.external_conversation)
        last = last_customer_message_at(*found) if found else None
        if last is None:
            return notices
        since = timezone.now() - last
        if since > HUMAN_AGENT_WINDOW:
            notices.append(str(WINDOW_CLOSED_NOTICE))
        elif since > STANDARD_WINDOW:
            notices.append(str(HUMAN_AGENT_NOTICE))
        return notices

    def process(
        self, stored: RawInbound, payload: bytes, prepared: Prepared
    ) -> tuple[Ticket | None, str]:
        account = _account_of(stored)
        ticket, notes = None, []
        for change in changes(json.loads(payload), account):
            notes.append(_public_mention(account, change))
        for event in events(json.loads(payload), account):
            message = customer_message(event, account)
            if message is None:
                notes.append(f"ignored: {event_kind(event)}")
                continue
            sender, mid = str(event["sender"]["id"]), str(message["mid"])
            if link_code_handled(account, sender=sender, text=message.get("text"), key=mid):
                notes.append("link code")
                continue
            ticket = _to_ticket(account, event, message, prepared) or ticket
        return ticket, "; ".join(dict.fromkeys(notes)) if notes else ""


def conversation_recipient(conversation: str) -> tuple[SocialAccount, str] | None:
    """(account, customer id) of a conversation `meta:<account id>:<customer id>`."""
    return social_recipient(conversation, prefix="meta")


def _account_of(stored: RawInbound) -> SocialAccount:
    return SocialAccount.objects.select_related("team").get(pk=int(stored.key.split(":")[0]))


def _to_ticket(account, event, message, prepared) -> Ticket:
    from tickets.intake import InboundMessage, intake_message  # the worker's only

    sender, mid = str(event["sender"]["id"]), str(message["mid"])
    customer = social_customer(f"{PREFIXES[account.kind]}:{sender}")
    text = str(message.get("text") or "")
    attachments = prepared.attachments.get(mid, [])
    refused = prepared.refused.get(mid, [])
    if not text.strip() and not attachments:
        text = _("(a file we could not receive)") if refused else _("(a message with no text)")
    external_id = f"meta:{account.pk}:{mid}"[:200]
    inbound = InboundMessage(
        channel=Channel.FACEBOOK,
        text=cut_customer_text(text, MAX_TEXT_CHARS),
        customer_id=customer.pk,
        attachments=tuple(attachments),
        external_id=external_id,
        conversation_id=f"meta:{account.pk}:{sender}",
        team_id=account.team_id,
        metadata=_metadata(account, event, refused),
        acknowledge=False,  # the customer is on Messenger or Instagram, not at an email address
    )
    ticket = intake_message(inbound, customer=customer)
    language = ticket.language
    for name, why in refused:
        _file_refused(account, sender, language, name, why, mid)
    stored = ticket.messages.filter(external_id=external_id).only("body").first()
    if stored is not None and stored.body != inbound.text.strip() and "[" in stored.body:
        social_enqueue(
            account=account,
            recipient=sender,
            key=f"secret:{external_id}",
            text=security_notice(language),
        )
    return ticket


def _public_mention(account: SocialAccount, change: dict) -> str:
    """The one public answer to a mention: a fixed text, nothing from the post or comment,
    once per mention; any other change is ignored."""
    target = mention_target(change, account)
    if target is None:
        return f"ignored: change {str(change.get('field'))[:40]}"
    value = change.get("value") or {}
    words = str(value.get("message") or value.get("text") or "")[:500]
    with translation.override(detect_language(words) if words.strip() else "en"):
        text = _(
            "Thanks for reaching out. To keep your account safe we never discuss account "
            "details in public: please send us a private message and we will help you there."
        )
    social_enqueue(
        account=account, recipient=target[:100], key=f"mention:{account.pk}:{target}", text=text
    )
    return "mention: asked to write a private message"


def _metadata(account: SocialAccount, event: dict, refused: list) -> dict:
    """What the console shows of the conversation, and when Meta says the customer wrote
    (`timestamp`, ms: Meta's messaging window runs from it)."""
    sender = str(event["sender"]["id"])
    data = {"meta": {"account": account.name, "kind": account.kind, "user_id": sender}}
    if isinstance(event.get("timestamp"), int):
        data["meta"]["timestamp"] = event["timestamp"]
    if refused:
        data["dropped_attachments"] = [name for name, _why in refused]
    return data


def _file_refused(account, recipient, language, name, why, mid) -> None:
    key = f"refused:{account.pk}:{mid}:{name}"[:200]
    text = refused_text(language, name, why)
    social_enqueue(account=account, recipient=recipient, key=key, text=text)


def refused_text(language: str, name: str, why: str) -> str:
    """What we tell a customer about a file we did not take ("size", "fetch", "type")."""
    limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    with translation.override(language):
        if why == "size":
            return _(
                "Your file %(name)s is larger than %(limit)s MB, so we could not receive it. "
                "Please send a smaller file or a screenshot."
            ) % {"name": name, "limit": limit_mb}
        if why == "fetch":
            return _("We could not receive your file %(name)s. Please send it again.") % {
                "name": name
            }
        return _(
            "We cannot accept the file %(name)s. Please send an image, a PDF or a text file."
        ) % {"name": name}


# --- Files ---------------------------------------------------------------------------------------


def file_name(attachment: dict, index: int) -> str:
    kind = str(attachment.get("type") or "file")
    url = str((attachment.get("payload") or {}).get("url") or "")
    stem = PurePosixPath(urlsplit(url).path).name if kind == "file" else ""
    return stem or f"{kind}-{index}" + {"image": ".jpg", "audio": ".mp4", "video": ".mp4"}.get(
        kind, ""
    )


def fetch_files(message: dict, prepared: Prepared) -> None:
    """The message's files fetched from Meta's CDN (META_FILE_HOSTS only) and checked like
    any upload (tickets/files.py), or refused ("size", "type", "fetch") with their name
    redacted. Meta away raises, for the whole payload to be read again later."""
    from tickets.intake import InboundAttachment
    from tickets.services import attachments_check

    mid = str(message["mid"])
    limit = settings.ATTACHMENT_MAX_BYTES
    for index, attachment in enumerate(message.get("attachments") or [], start=1):
        if not isinstance(attachment, dict) or attachment.get("type") not in FILE_TYPES:
            continue
        name = redact_customer_file_name(file_name(attachment, index)).text
        url = (attachment.get("payload") or {}).get("url")
        try:
            content = download(url, allowed=settings.META_FILE_HOSTS, limit=limit)
        except SocialRefused:
            prepared.refused.setdefault(mid, []).append((name, "fetch"))
            continue
        if content is None:
            prepared.refused.setdefault(mid, []).append((name, "size"))
            continue
        upload = InboundAttachment(name=name, content_type="", content=content)
        try:
            attachments_check([upload])
        except AttachmentTypeRefused:
            prepared.refused.setdefault(mid, []).append((name, "type"))
            continue
        prepared.attachments.setdefault(mid, []).append(upload)


# --- Meta's messaging window ----------------------------------------------------------------------

HUMAN_AGENT_NOTICE = gettext_lazy(
    "The customer last wrote more than 24 hours ago: your reply goes with Meta's human agent "
    "tag, which Meta allows up to 7 days after their last message."
)
WINDOW_CLOSED_NOTICE = gettext_lazy(
    "The customer last wrote more than 7 days ago: Messenger and Instagram will not take a "
    "reply now. Reach them another way (email or phone, if we have them), or wait for them to "
    "write again."
)


def last_customer_message_at(account: SocialAccount, recipient: str) -> datetime | None:
    """When the customer of the conversation last wrote to the account: Meta's time of the
    message when we have it (a webhook Meta delivered late is no later message), else ours."""
    found = (
        Message.objects.filter(
            kind=Message.Kind.CUSTOMER,
            ticket__channel=Channel.FACEBOOK,
            ticket__external_conversation=f"meta:{account.pk}:{recipient}",
        )
        .order_by("-created_at")
        .values_list("created_at", "metadata")
        .first()
    )
    if found is None:
        return None
    created_at, metadata = found
    stamp = ((metadata or {}).get("meta") or {}).get("timestamp")
    if isinstance(stamp, int) and stamp > 0:
        return min(created_at, datetime.fromtimestamp(stamp / 1000, tz=UTC))
    return created_at


def messaging(row: SocialOutbox) -> dict:
    """How a private message may go now: a standard response within 24 hours of the
    customer's last message; an agent's reply with the human-agent tag within 7 days;
    otherwise SocialWindowClosed, and nothing is sent. A notice of ours (no agent's message:
    a refused file, the security notice, a link code's answer) is written while the customer's
    message is read, so its own time counts as theirs (a link code makes no ticket message)."""
    last = last_customer_message_at(row.account, row.recipient)
    if row.message_id is None:
        last = max(last, row.created_at) if last is not None else row.created_at
    since = timezone.now() - last if last is not None else None
    if since is not None and since <= STANDARD_WINDOW:
        return meta_api.RESPONSE
    if since is not None and since <= HUMAN_AGENT_WINDOW and row.message_id is not None:
        return HUMAN_AGENT
    raise SocialWindowClosed("not sent: the customer last wrote more than 7 days ago")


def send_text(row: SocialOutbox, text: str) -> None:
    if meta_api.is_public(row):
        meta_api.send_text(row, text)
    else:
        meta_api.send_text(row, text, messaging=messaging(row))


def send_file(row: SocialOutbox, delivery: FileDelivery, content: bytes) -> str:
    return meta_api.send_file(row, delivery, content, messaging=messaging(row))


MB = 1000 * 1000
INSTAGRAM_IMAGES = file_rule(meta_api.IMAGE_TYPES, 8 * MB)
INSTAGRAM_PDF = file_rule(("application/pdf",), 25 * MB)


def instagram_carries(content_type: str, size: int) -> str:
    """Instagram's Send API: PNG, JPEG and GIF images up to 8 MB, PDF files up to 25 MB."""
    rule = INSTAGRAM_PDF if content_type == "application/pdf" else INSTAGRAM_IMAGES
    return rule(content_type, size)


register_sender(
    SocialAccount.Kind.MESSENGER,
    send_text,
    part_chars=meta_api.TEXT_PART,
    send_file=send_file,
    carries=file_rule(
        (
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "application/pdf",
            "audio/ogg",
            "text/plain",
        ),
        25 * MB,
    ),  # fmt: skip
    files_note=gettext_lazy("Files you attach are sent on Messenger after your text."),
)
register_sender(
    SocialAccount.Kind.INSTAGRAM,
    send_text,
    part_chars=meta_api.TEXT_PART,
    send_file=send_file,
    carries=instagram_carries,
    files_note=gettext_lazy(
        "Instagram carries PNG, JPEG and GIF images up to 8 MB and PDF files up to 25 MB: other "
        "files you attach stay on the ticket and are shown as not sent."
    ),
)
register_adapter(MetaAdapter())
