"""X's adapter (docs/channels.md, "X"): the Account Activity API posts an account's activity to
`/channels/twitter/<account id>/webhook`; each body is checked, stored and read here.

- GET with `crc_token` (X's challenge-response check): `{"response_token": "sha256=<base64
  HMAC-SHA256 of the token with the consumer secret>"}`.
- POST: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256 of the raw body>`.
- `direct_message_events` from a customer become ticket messages (their media fetched from
  X's media hosts only).
- `tweet_create_events` mentioning the account get ONE public answer: a generic text in the
  tweet's language asking the customer to write a direct message. Nothing of the tweet, no
  ticket, no account detail is ever posted publicly; an agent's reply goes by DM only.
- Everything else (likes, follows, typing, reads, deletions, our own messages) is stored and
  ignored.

Replay: X signs the body, not a time, and resends a body it could not deliver, so an event's
age refuses nothing; the body counts once by its hash, a message once by its event id, a
mention's answer once by the tweet's id.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from support.text import cut_customer_text, redact_customer_file_name, security_notice
from tickets.channels import x_api
from tickets.channels.adapters import register_adapter
from tickets.channels.meta import refused_text
from tickets.channels.reply_files import file_rule
from tickets.channels.social_common import (
    SocialError,
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    download,
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
from tickets.channels.telegram import customer_language
from tickets.errors import AttachmentTypeRefused
from tickets.models import Channel, RawInbound, Ticket
from tickets.social_models import SocialAccount

SIGNATURE_HEADER = "X-Twitter-Webhooks-Signature"
MAX_TEXT_CHARS = 10000
EVENT_LISTS = (
    "direct_message_events", "tweet_create_events", "favorite_events", "follow_events",
    "unfollow_events", "block_events", "tweet_delete_events", "user_event",
    "direct_message_indicate_typing_events", "direct_message_mark_read_events",
)  # fmt: skip
HANDLED = ("direct_message_events", "tweet_create_events")


@dataclass
class Prepared:
    attachments: dict = field(default_factory=dict)  # event id -> [InboundAttachment]
    refused: dict = field(default_factory=dict)  # event id -> [(file name, why)]


def _sign(secret: str, value: bytes) -> str:
    digest = hmac.new(secret.encode(), value, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def customer_dms(payload: dict, account: SocialAccount) -> list[dict]:
    """The `message_create` events a customer sent to the account (not our own)."""
    found = []
    for event in payload.get("direct_message_events") or []:
        create = event.get("message_create") if isinstance(event, dict) else None
        if event.get("type") != "message_create" or not isinstance(create, dict):
            continue
        sender = str(create.get("sender_id") or "")
        if sender.isdigit() and sender != account.external_id and str(event.get("id")).isdigit():
            found.append(event)
    return found


def mentions(payload: dict, account: SocialAccount) -> list[dict]:
    """Tweets by others that mention the account (not retweets, not our own)."""
    found = []
    for tweet in payload.get("tweet_create_events") or []:
        if not isinstance(tweet, dict) or "retweeted_status" in tweet:
            continue
        author = str((tweet.get("user") or {}).get("id_str") or "")
        named = (tweet.get("entities") or {}).get("user_mentions") or []
        if author and author != account.external_id and str(tweet.get("id_str")).isdigit() and any(
            str(m.get("id_str")) == account.external_id for m in named if isinstance(m, dict)
        ):  # fmt: skip
            found.append(tweet)
    return found


class XAdapter(SocialReplies):
    channel = Channel.TWITTER
    temporary = (SocialUnavailable, SocialRetryAfter)

    def recipient(self, conversation: str) -> tuple[SocialAccount, str] | None:
        return conversation_recipient(conversation)

    def account(self, account_id: str) -> SocialAccount | None:
        if not account_id.isdigit() or len(account_id) > 18:
            return None
        return SocialAccount.objects.filter(
            pk=int(account_id), enabled=True, kind=SocialAccount.Kind.X
        ).first()

    def verify(self, request: HttpRequest, account: SocialAccount) -> bool:
        given = request.headers.get(SIGNATURE_HEADER, "")
        try:
            expected = _sign(secret_open(account.secret_sealed), request.body)
        except SocialError:
            return False
        return bool(given) and hmac.compare_digest(
            given.encode("utf-8", "replace"), expected.encode()
        )

    def challenge(self, request: HttpRequest, account: SocialAccount) -> JsonResponse | None:
        """X's CRC check: the token signed with the consumer secret."""
        token = request.GET.get("crc_token", "")
        if not token or len(token) > 500:
            return None
        try:
            secret = secret_open(account.secret_sealed)
        except SocialError:
            return None
        return JsonResponse({"response_token": _sign(secret, token.encode())})

    def key(self, account: SocialAccount, body: bytes) -> str | None:
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if not isinstance(payload, dict) or str(payload.get("for_user_id")) != account.external_id:
            return None
        return f"{account.pk}:{hashlib.sha256(body).hexdigest()[:48]}"

    def prepare(self, stored: RawInbound, payload: bytes) -> Prepared:
        account = _account_of(stored)
        prepared = Prepared()
        for event in customer_dms(json.loads(payload), account):
            fetch_media(account, event, prepared)
        return prepared

    def process(
        self, stored: RawInbound, payload: bytes, prepared: Prepared
    ) -> tuple[Ticket | None, str]:
        account = _account_of(stored)
        data = json.loads(payload)
        ticket, notes = None, []
        for event in customer_dms(data, account):
            if _link_code(account, data, event):
                notes.append("link code")
                continue
            ticket = _to_ticket(account, data, event, prepared)
        for tweet in mentions(data, account):
            _public_invite(account, tweet)
            notes.append("mention: asked to write a direct message")
        notes += [
            f"ignored: {name}" for name in EVENT_LISTS if name in data and name not in HANDLED
        ]
        if not any(name in data for name in EVENT_LISTS):
            notes.append("ignored: unknown")
        return ticket, "; ".join(dict.fromkeys(notes))


def conversation_recipient(conversation: str) -> tuple[SocialAccount, str] | None:
    """(account, user id) of a direct-message conversation `x:<account id>:<user id>`."""
    return social_recipient(conversation, prefix="x", kinds=("x",), numeric_user=True)


def _account_of(stored: RawInbound) -> SocialAccount:
    return SocialAccount.objects.select_related("team").get(pk=int(stored.key.split(":")[0]))


def _link_code(account: SocialAccount, data: dict, event: dict) -> bool:
    """A direct message carrying a portal link code: answered, no ticket (social_linking)."""
    create = event["message_create"]
    sender = str(create["sender_id"])
    screen_name = str(((data.get("users") or {}).get(sender) or {}).get("screen_name") or "")
    return link_code_handled(
        account,
        sender=sender,
        text=(create.get("message_data") or {}).get("text"),
        key=str(event["id"]),
        label=f"@{screen_name}" if screen_name.replace("_", "").isalnum() else "",
    )


def _to_ticket(account, data, event, prepared) -> Ticket:
    from tickets.intake import InboundMessage, intake_message  # the worker's only

    event_id = str(event["id"])
    create = event["message_create"]
    sender = str(create["sender_id"])
    profile = (data.get("users") or {}).get(sender) or {}
    customer = social_customer(f"x:{sender}", first_name=profile.get("name"))
    text = str((create.get("message_data") or {}).get("text") or "")
    attachments = prepared.attachments.get(event_id, [])
    refused = prepared.refused.get(event_id, [])
    if not text.strip() and not attachments:
        text = _("(a file we could not receive)")
    external_id = f"x:{account.pk}:{event_id}"
    inbound = InboundMessage(
        channel=Channel.TWITTER,
        text=cut_customer_text(text, MAX_TEXT_CHARS),
        customer_id=customer.pk,
        attachments=tuple(attachments),
        external_id=external_id,
        conversation_id=f"x:{account.pk}:{sender}",
        team_id=account.team_id,
        metadata=_metadata(account, sender, refused),
        acknowledge=False,  # the customer is on X, not at an email address
    )
    ticket = intake_message(inbound, customer=customer)
    for name, why in refused:
        key = f"refused:{account.pk}:{event_id}:{name}"
        social_enqueue(
            account=account,
            recipient=sender,
            key=key,
            text=refused_text(ticket.language, name, why),
        )
    stored = ticket.messages.filter(external_id=external_id).only("body").first()
    if stored is not None and stored.body != inbound.text.strip() and "[" in stored.body:
        social_enqueue(
            account=account,
            recipient=sender,
            key=f"secret:{external_id}",
            text=security_notice(ticket.language),
        )
    return ticket


def _metadata(account: SocialAccount, sender: str, refused: list) -> dict:
    data = {"x": {"account": account.name, "user_id": sender}}
    if refused:
        data["dropped_attachments"] = [name for name, _why in refused]
    return data


def _public_invite(account: SocialAccount, tweet: dict) -> None:
    """The one public answer to a mention: a fixed text, nothing from the tweet or the
    customer's account."""
    with translation.override(customer_language(tweet.get("lang"))):
        text = _(
            "Thanks for reaching out. To keep your account safe we never discuss account "
            "details in public: please send us a direct message at @%(handle)s and we will "
            "help you there."
        ) % {"handle": account.name.lstrip("@")}
    social_enqueue(
        account=account,
        recipient=f"{x_api.PUBLIC_PREFIX}{tweet['id_str']}",
        key=f"mention:{account.pk}:{tweet['id_str']}",
        text=text,
    )


# --- Files ---------------------------------------------------------------------------------------


def fetch_media(account: SocialAccount, event: dict, prepared: Prepared) -> None:
    """A direct message's photo fetched from X's media hosts (X_MEDIA_HOSTS only, the
    account's token) and checked like any upload, or refused with a notice."""
    from tickets.intake import InboundAttachment
    from tickets.services import attachments_check

    event_id = str(event["id"])
    attachment = (event["message_create"].get("message_data") or {}).get("attachment") or {}
    media = attachment.get("media") if isinstance(attachment, dict) else None
    if not isinstance(media, dict):
        return
    url = media.get("media_url_https")
    name = redact_customer_file_name(str(url or "").rsplit("/", 1)[-1] or "media").text
    refused = prepared.refused.setdefault(event_id, [])
    try:
        found = download(
            url,
            allowed=settings.X_MEDIA_HOSTS,
            limit=settings.ATTACHMENT_MAX_BYTES,
            headers=x_api.auth(account),
        )
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
    prepared.attachments.setdefault(event_id, []).append(upload)


register_sender(
    SocialAccount.Kind.X,
    x_api.send_text,
    part_chars=x_api.TEXT_PART,
    send_file=x_api.send_file,
    carries=file_rule(x_api.IMAGE_TYPES, x_api.IMAGE_MAX),
    files_note=gettext_lazy(
        "X direct messages carry JPEG, PNG and WebP images up to 5 MB, one a message: other "
        "files you attach stay on the ticket and are shown as not sent."
    ),
)
register_adapter(XAdapter())
