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

Agent replies are sent later through Open Builder's Event API (`POST /v2/bots/<bot id>/talk`
with the REST API key, `Authorization: KakaoAK …`): an event whose block shows the text.
"""

import hashlib
import hmac
import json
import time

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from support.text import cut_customer_text, security_notice
from tickets.channels import kakao_api
from tickets.channels.adapters import register_adapter
from tickets.channels.social_common import (
    SocialRetryAfter,
    SocialUnavailable,
    social_customer,
)
from tickets.channels.social_linking import link_code_handled
from tickets.channels.social_outbound import (
    SocialReplies,
    register_sender,
    social_enqueue,
    social_recipient,
)
from tickets.identities.social import code_in
from tickets.models import Channel, RawInbound, Ticket
from tickets.social_models import SocialAccount

SECRET_HEADER = "X-Kakao-Skill-Secret"  # noqa: S105 - a header name
MAX_TEXT_CHARS = 1000  # an utterance's own limit


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

    def prepare(self, stored: RawInbound, payload: bytes) -> None:
        return None

    def process(self, stored: RawInbound, payload: bytes, prepared) -> tuple[Ticket | None, str]:
        from tickets.intake import InboundMessage, intake_message  # the worker's only

        account = _account_of(stored)
        data = json.loads(payload)
        user = user_key(data)
        text = str((data.get("userRequest") or {}).get("utterance") or "")
        if not text.strip():
            return None, "ignored: no utterance"
        if link_code_handled(
            account, sender=user, text=text, key=stored.key, language_hint=_language(data) or ""
        ):
            return None, "link code"
        customer = social_customer(f"kakao:{user}", language="ko")
        external_id = f"kakao:{stored.key}"
        inbound = InboundMessage(
            channel=Channel.KAKAOTALK,
            text=cut_customer_text(text, MAX_TEXT_CHARS),
            customer_id=customer.pk,
            external_id=external_id,
            conversation_id=f"kakao:{account.pk}:{user}",
            team_id=account.team_id,
            language_hint=_language(data),
            metadata={"kakao": {"account": account.name, "user_key": user}},
            acknowledge=False,  # Kakao shows our skill response; no email address
        )
        ticket = intake_message(inbound, customer=customer)
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


def _language(data: dict) -> str | None:
    lang = str((data.get("userRequest") or {}).get("lang") or "").lower()
    return {"ko": "ko", "ja": "ja", "en": "en"}.get(lang)


def conversation_recipient(conversation: str) -> tuple[SocialAccount, str] | None:
    """(account, bot user key) of a conversation `kakao:<account id>:<user key>`."""
    return social_recipient(conversation, prefix="kakao", kinds=("kakao",))


def _account_of(stored: RawInbound) -> SocialAccount:
    return SocialAccount.objects.select_related("team").get(pk=int(stored.key.split(":")[0]))


register_sender(SocialAccount.Kind.KAKAO, kakao_api.send_text, part_chars=kakao_api.TEXT_PART)
register_adapter(KakaoAdapter())
