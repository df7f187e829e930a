"""KakaoTalk's adapter (docs/channels.md, "KakaoTalk"): a Kakao Talk Channel's chatbot, built in
Kakao i Open Builder, calls our skill at `/channels/kakaotalk/<account id>/webhook` with each
utterance; it is checked, stored and read by a worker here, and answered at once with a skill
response (Kakao shows it to the customer).

Kakao signs nothing: a skill request carries no signature and no timestamp. So each account has
a secret of its own (its verify token), which the skill's settings in Open Builder send in the
`X-Kakao-Skill-Secret` header; it is compared in constant time, and a request without it is
refused (401) before anything is stored. Skill requests carry no unique id either: the body's
hash within the minute it came is its key, so a resend within that minute counts once, and the
same words written again later are a new message.

Photos: a skill request carries a customer's photos in one of two documented ways, and both
are fetched only from KAKAO_FILE_HOSTS (Kakao's CDN), over https, read no further than the
attachment limit and judged by their bytes like any upload: the secure-image plugin
(`sys.plugin.secureimage`) puts a JSON text in an action parameter whose `secureUrls` is
`List(<url>, <url>…)`; without the plugin, a photo the customer sends reaches the fallback
block as an utterance that is nothing but the photo's address. A file over the limit, of
another type or not fetchable is refused with a message to the customer in KakaoTalk.

Agent replies are sent later through Open Builder's Event API (`POST /v2/bots/<bot id>/talk`
with the REST API key, `Authorization: KakaoAK …`): an event whose block shows the text. The
Event API carries text only, so files attached to a reply are not sent: the console says so
before the agent sends, and each file shows as not sent.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from support.text import cut_customer_text, redact_customer_file_name, security_notice
from tickets.channels import kakao_api
from tickets.channels.adapters import register_adapter
from tickets.channels.meta import refused_text
from tickets.channels.social_common import (
    SocialRefused,
    SocialRetryAfter,
    SocialUnavailable,
    download,
    host_allowed,
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
from tickets.identities.social import code_in
from tickets.models import Channel, RawInbound, Ticket
from tickets.social_models import SocialAccount

SECRET_HEADER = "X-Kakao-Skill-Secret"  # noqa: S105 - a header name
MAX_TEXT_CHARS = 1000  # an utterance's own limit
MAX_FILES = 10  # photos taken from one request (the secure-image plugin sends a few at most)


@dataclass
class Prepared:
    attachments: list = field(default_factory=list)  # of tickets.intake.InboundAttachment
    refused: list = field(default_factory=list)  # (file name, why)
    file_utterance: bool = False  # the utterance was a photo's address, not words


def user_key(payload: dict) -> str:
    user = (payload.get("userRequest") or {}).get("user") or {}
    value = str(user.get("id") or "")
    return value if value.isalnum() and len(value) <= 100 else ""


class KakaoAdapter(SocialReplies):
    channel = Channel.KAKAOTALK
    temporary = (SocialUnavailable, SocialRetryAfter)

    def recipient(self, conversation: str) -> tuple[SocialAccount, str] | None:
        return conversation_recipient(conversation)

    def account(self, account_id: str) -> SocialAccount | None:
        if not account_id.isdigit() or len(account_id) > 18:
            return None
        return SocialAccount.objects.filter(
            pk=int(account_id), enabled=True, kind=SocialAccount.Kind.KAKAO
        ).first()

    def verify(self, request: HttpRequest, account: SocialAccount) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return bool(given) and hmac.compare_digest(
            given.encode("utf-8", "replace"), account.verify_token.encode()
        )

    def key(self, account: SocialAccount, body: bytes) -> str | None:
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if not isinstance(payload, dict) or not user_key(payload):
            return None
        if str((payload.get("bot") or {}).get("id") or "") != account.external_id:
            return None
        minute = int(time.time() // 60)
        return f"{account.pk}:{hashlib.sha256(body).hexdigest()[:48]}:{minute}"

    def accepted(self, account: SocialAccount, *, body: bytes, repeated: bool) -> JsonResponse:
        """The skill response Kakao shows at once: the message reached us (a portal link code:
        its outcome follows; no agent is coming)."""
        with translation.override("ko"):
            text = _("We received your message. A member of our team will answer you here.")
            if code_in(_utterance(body)):
                text = _("We received your code. The answer follows here in a moment.")
        return JsonResponse(
            {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": text}}]}}
        )

    def prepare(self, stored: RawInbound, payload: bytes) -> Prepared:
        data = json.loads(payload)
        prepared = Prepared(file_utterance=bool(utterance_file(data)))
        for index, url in enumerate(file_urls(data), start=1):
            fetch_file(url, index, prepared)
        return prepared

    def process(self, stored: RawInbound, payload: bytes, prepared) -> tuple[Ticket | None, str]:
        from tickets.intake import InboundMessage, intake_message  # the worker's only

        account = _account_of(stored)
        data = json.loads(payload)
        user = user_key(data)
        prepared = prepared or Prepared()
        text = "" if prepared.file_utterance else utterance(data)
        if not text.strip() and not prepared.attachments and not prepared.refused:
            return None, "ignored: no utterance"
        if link_code_handled(
            account, sender=user, text=text, key=stored.key, language_hint=_language(data) or ""
        ):
            return None, "link code"
        if not text.strip() and not prepared.attachments:
            text = _("(a file we could not receive)")
        customer = social_customer(f"kakao:{user}", language="ko")
        external_id = f"kakao:{stored.key}"
        metadata = {"kakao": {"account": account.name, "user_key": user}}
        if prepared.refused:
            metadata["dropped_attachments"] = [name for name, _why in prepared.refused]
        inbound = InboundMessage(
            channel=Channel.KAKAOTALK,
            text=cut_customer_text(text, MAX_TEXT_CHARS),
            customer_id=customer.pk,
            attachments=tuple(prepared.attachments),
            external_id=external_id,
            conversation_id=f"kakao:{account.pk}:{user}",
            team_id=account.team_id,
            language_hint=_language(data),
            metadata=metadata,
            acknowledge=False,  # Kakao shows our skill response; no email address
        )
        ticket = intake_message(inbound, customer=customer)
        for index, (name, why) in enumerate(prepared.refused, start=1):
            social_enqueue(
                account=account,
                recipient=user,
                key=f"refused:{external_id}:{index}",
                text=refused_text(ticket.language, name, why),
            )
        stored_message = ticket.messages.filter(external_id=external_id).only("body").first()
        if stored_message is not None and stored_message.body != inbound.text.strip() and (
            "[" in stored_message.body
        ):  # fmt: skip
            social_enqueue(
                account=account,
                recipient=user,
                key=f"secret:{external_id}",
                text=security_notice(ticket.language),
            )
        return ticket, ""


def _utterance(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    request = data.get("userRequest") if isinstance(data, dict) else None
    return str(request.get("utterance") or "") if isinstance(request, dict) else ""


def utterance(data: dict) -> str:
    return str((data.get("userRequest") or {}).get("utterance") or "")


def kakao_file_url(url: object) -> str:
    """A Kakao file address to fetch: an http address is fetched over https (the plugin's
    addresses may say http), unless KAKAO_FILE_HOSTS lists its http origin itself."""
    text = str(url or "").strip()
    if text.startswith("http://") and not host_allowed(text, settings.KAKAO_FILE_HOSTS):
        return "https://" + text.removeprefix("http://")
    return text


def utterance_file(data: dict) -> str:
    """The photo's address when the utterance is nothing but the address of a file on
    Kakao's hosts (a photo sent to a block without the secure-image plugin), else ""."""
    text = utterance(data).strip()
    if not text or any(c.isspace() for c in text) or len(text) > 2000:
        return ""
    url = kakao_file_url(text)
    return url if host_allowed(url, settings.KAKAO_FILE_HOSTS) else ""


def secure_urls(value: object) -> list[str]:
    """The addresses in a secure-image plugin parameter: a JSON text whose `secureUrls` is
    `List(<url>, <url>…)`."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    found = value.get("secureUrls") if isinstance(value, dict) else None
    if not isinstance(found, str):
        return []
    inner = found.strip()
    if inner.startswith("List(") and inner.endswith(")"):
        inner = inner[len("List(") : -1]
    return [kakao_file_url(url) for url in inner.split(",") if url.strip()]


def file_urls(data: dict) -> list[str]:
    """Every photo the request carries: the plugin's addresses, else the utterance's."""
    params = (data.get("action") or {}).get("params") or {}
    urls = [url for value in params.values() for url in secure_urls(value)]
    if not urls and utterance_file(data):
        urls.append(utterance_file(data))
    return urls[:MAX_FILES]


def fetch_file(url: str, index: int, prepared: Prepared) -> None:
    """One photo fetched from Kakao's hosts only and checked like any upload, or refused
    ("size", "type", "fetch") with its name redacted. Kakao away raises, for the request to
    be read again later."""
    from tickets.intake import InboundAttachment
    from tickets.services import attachments_check

    stem = PurePosixPath(urlsplit(url).path).name if "://" in url else ""
    name = redact_customer_file_name(stem[:100] or f"image-{index}.jpg").text
    try:
        content = download(
            url, allowed=settings.KAKAO_FILE_HOSTS, limit=settings.ATTACHMENT_MAX_BYTES
        )
    except SocialRefused:
        prepared.refused.append((name, "fetch"))
        return
    if content is None:
        prepared.refused.append((name, "size"))
        return
    upload = InboundAttachment(name=name, content_type="", content=content)
    try:
        attachments_check([upload])
    except AttachmentTypeRefused:
        prepared.refused.append((name, "type"))
        return
    prepared.attachments.append(upload)


def _language(data: dict) -> str | None:
    lang = str((data.get("userRequest") or {}).get("lang") or "").lower()
    return {"ko": "ko", "ja": "ja", "en": "en"}.get(lang)


def conversation_recipient(conversation: str) -> tuple[SocialAccount, str] | None:
    """(account, bot user key) of a conversation `kakao:<account id>:<user key>`."""
    return social_recipient(conversation, prefix="kakao", kinds=("kakao",))


def _account_of(stored: RawInbound) -> SocialAccount:
    return SocialAccount.objects.select_related("team").get(pk=int(stored.key.split(":")[0]))


register_sender(
    SocialAccount.Kind.KAKAO,
    kakao_api.send_text,
    part_chars=kakao_api.TEXT_PART,
    files_note=gettext_lazy(
        "KakaoTalk carries text only: files you attach are not sent to the customer. They stay "
        "on the ticket and are shown as not sent; describe them in your words, or send them "
        "by email if we have the customer's address."
    ),
)
register_adapter(KakaoAdapter())
