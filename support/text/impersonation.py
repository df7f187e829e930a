"""Signs that someone posed as our support: pure functions, no database.

Two signs (docs/verification.md):
- contacted elsewhere: a word for our staff ("support", "admin", 客服, 고객센터, サポート…) and
  another channel (Telegram, WhatsApp, X, a DM, a phone call…) in the same sentence, in any of
  our five languages; "our support team helped me on the website chat" names no other channel;
- a look-alike link: a domain in the text that passes for one of ours but is not
  (support.official.matching.lookalike_domain).
"""

import re
from dataclasses import dataclass, field

from support.official.matching import lookalike_domain, normalise
from support.text.messages import gettext_noop, translate

SAFETY_NOTICE = gettext_noop(
    "Safety notice: our support only talks to you on our website, in this chat and by email from "
    "our own address. Anyone contacting you on Telegram, WhatsApp, X, by phone or through a "
    "look-alike website is not us. Never share your password, 2FA codes, seed phrase or private "
    "keys, and never move funds to a “safe” wallet. Check any handle, website or message code on "
    "our verification page: %(url)s"
)

STAFF_WORDS = (
    r"support|admin|administrator|moderator|customer\s+service|customer\s+care|help\s*desk"
    r"|staff|agent|representative|official\s+account"
    r"|客服|客服人员|客服人員|管理员|管理員|工作人员|工作人員|专员|專員|官方人员|官方人員"
    r"|고객센터|상담원|상담사|관리자|운영자|직원|공식\s*계정"
    r"|サポート|カスタマーサポート|カスタマーサービス|運営|スタッフ|担当者|管理者|公式アカウント|オペレーター"
)
# Channels that are not ours to talk to customers on (ours are the website, its chat, email).
# A phone is named only as a call received: "the support phone number" is no contact.
CHANNEL_WORDS = (
    r"telegram|(?<![a-z])tg(?![a-z])|whats\s*app|(?<![a-z])signal(?![a-z])|wechat|weixin"
    r"|discord|instagram|facebook|messenger|twitter|(?<![a-z])on\s+x(?![a-z])|x\.com"
    r"|kakao(?:\s*talk)?|(?<![a-z])(?:dms?|dm'?d|dm-?ed)(?![a-z])"
    r"|direct\s+message|private\s+message|phone\s+call|called\s+me|calling\s+me|rang\s+me"
    r"|call\s+from|text\s+message|texted\s+me"
    r"|电报|電報|微信|推特|私信|私訊|私聊|来电|來電|打电话给我|打電話給我|给我打电话|給我打電話"
    r"|打来电话|打來電話|电话联系|電話聯繫|電話聯絡"
    r"|텔레그램|왓츠앱|카톡|카카오톡|디엠|트위터|인스타|전화가\s*왔|전화\s*왔|전화가\s*와"
    r"|전화를\s*받|전화로\s*연락|전화\s*연락"
    r"|テレグラム|ワッツアップ|ライン|ツイッター|インスタ|から電話|電話があ|電話がかか|電話で連絡"
    r"|ＤＭ"
)
# LINE the messenger is written in capitals; "a support line" is not it.
LINE_RE = re.compile(r"(?<![A-Za-z])LINE(?![A-Za-z])")
STAFF_RE = re.compile(STAFF_WORDS, re.IGNORECASE)
CHANNEL_RE = re.compile(CHANNEL_WORDS, re.IGNORECASE)
# One sentence: up to a full stop, a question or exclamation mark, or a line break.
SENTENCE_RE = re.compile(r"[^.!?。！？\n]+")
DOMAIN_RE = re.compile(
    r"(?:https?://)?((?:[\w-]+\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]+))(?=[/:?#\s)\]>,;'\"]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Impersonation:
    contacted_elsewhere: bool = False
    lookalike_domains: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.contacted_elsewhere or bool(self.lookalike_domains)


def find_impersonation(text: str, *, official_domains: list[str]) -> Impersonation:
    """The signs in a customer's `text` that someone posed as us."""
    return Impersonation(
        contacted_elsewhere=contacted_elsewhere(text),
        lookalike_domains=lookalike_links(text, official_domains=official_domains),
    )


def contacted_elsewhere(text: str) -> bool:
    """The text says "support" reached the customer on a channel that is not this one."""
    for sentence in SENTENCE_RE.findall(text or ""):
        if STAFF_RE.search(sentence) and (CHANNEL_RE.search(sentence) or LINE_RE.search(sentence)):
            return True
    return False


def domains_in(text: str) -> list[str]:
    """The domains of the links and bare domains in `text`, normalised, each once."""
    found = []
    for match in DOMAIN_RE.finditer(text or ""):
        domain = normalise("domain", match.group(1))
        if domain and domain not in found:
            found.append(domain)
    return found


def lookalike_links(text: str, *, official_domains: list[str]) -> list[str]:
    """Domains in `text` (links or bare) that pass for one of `official_domains`."""
    return [
        domain
        for domain in domains_in(text)
        if not _ours(domain, official_domains)
        and any(lookalike_domain(domain, official) for official in official_domains)
    ]


def _ours(domain: str, official_domains: list[str]) -> bool:
    """One of ours, under one of ours, or above one (exchange.example for help.exchange.example)."""
    return any(
        domain == official or domain.endswith("." + official) or official.endswith("." + domain)
        for official in official_domains
    )


def impersonation_notice(lang: str, *, url: str) -> str:
    """The automatic safety notice, in the customer's language."""
    return translate(SAFETY_NOTICE, lang=lang) % {"url": url}
