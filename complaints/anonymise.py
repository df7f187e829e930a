"""Anonymise a complaint's case summary before it is published: every name, contact, id, amount,
address and transaction hash becomes a bracketed placeholder ("[name]", "[amount]"…).

What is removed, and why each rule is safe to apply to any text:
- the names the caller knows (the customer's and the staff's first and last names, usernames,
  email local parts) and identifiers (account ids, transaction ids), wherever they appear;
- person names the text itself marks: after a title ("Mr.", "Dr."), a role ("customer",
  "officer") or "my name is"; a three-syllable Korean name (common surname first) before 님/씨;
  a Chinese name (common surname first) before 先生/女士/小姐; a Japanese name before 様/さん/氏.
  A capitalised word alone is not taken for a name: sentence starts and product names are;
- emails, phone numbers (international, or grouped the way phone numbers are written: never a
  date), ticket and complaint references (T-…, C-…), ids such as EX-1, W-9 or UUIDs, ids a
  keyword introduces ("UID 4411", "注文番号 …"), runs of six digits or more;
- amounts with an asset or a currency ("500 USDT", "$1,200", "0.5 BTC", "1,000円", "50만원");
- crypto addresses and transaction hashes, with the patterns of `support.text.entities` but
  without their checksum tests: a mistyped address identifies its owner as well.

Everything found is first replaced by a marker no later rule can match (so a username "name"
does not eat the "[name]" placeholder), and the markers become placeholders in the current
language at the end. Text is matched with ASCII edges, so it works where CJK text runs into a
Latin word with no space ("W-9의", "邮箱abc@example.com").
"""

import re
from collections.abc import Callable, Iterable

from django.utils.translation import pgettext

from support.text.common_words import COMMON_ENGLISH
from support.text.entities import (
    ASSET_NAMES,
    ASSETS,
    B58,
    EVM_ADDRESS_RE,
    EVM_TX_RE,
    HEX_TX_RE,
    NETWORKS,
    NUMBER,
    SEGWIT_RE,
    SOLANA_SIGNATURE_RE,
)

EDGE, END = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
MARK = re.compile("\ue000(\\d+)\ue001")
RUN = re.compile("\ue000\\d+\ue001(?:[ \t]*\ue000\\d+\ue001)+")

EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}" + END)
# Any long base58 word with a digit and a letter: Bitcoin, Tron, Solana, XRP… addresses.
BASE58_RE = re.compile(rf"{EDGE}(?=[{B58}]*\d)(?=[{B58}]*[A-Za-z])[{B58}]{{25,90}}{END}")
LONG_HEX_RE = re.compile(rf"{EDGE}(?:0[xX])?(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{{24,}}{END}")
UUID_RE = re.compile(rf"{EDGE}[0-9a-fA-F]{{8}}(?:-[0-9a-fA-F]{{4}}){{3}}-[0-9a-fA-F]{{12}}{END}")
REFERENCE_RE = re.compile(rf"{EDGE}[TC]-\d{{3,}}{END}")
CODE_ID_RE = re.compile(
    rf"(?<![0-9A-Za-z-])[A-Z]{{1,6}}-(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*{END}"
)
ID_WORDS = (
    r"uid|user\s*id|account\s*(?:id|no\.?|number)?|order\s*(?:id|no\.?|number)?|txid|tx\s*id"
    r"|transaction\s*(?:id|no\.?|number)|withdrawal\s*(?:id|no\.?)?|id|no\."
    r"|账号|賬號|帳號|账户|賬戶|用户ID|用戶ID|订单号|訂單號|交易号|交易號|提现单号"
    r"|계정|아이디|회원번호|주문번호|거래번호|アカウント|口座番号|会員番号|注文番号|取引ID"
)
KEYWORD_ID_RE = re.compile(
    rf"(?:(?<![A-Za-z])(?:{ID_WORDS}))\s*(?:is|是|为|為|는|은|は)?\s*[:：#=]?\s*"
    r"(?P<value>(?=(?:[A-Za-z-]*\d){3})[A-Za-z0-9-]{3,64})" + END,
    re.IGNORECASE,
)
PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{4}"
    r"(?!\d)|(?<![0-9A-Za-z+])\+\d{8,15}(?!\d)"
)
DIGITS_RE = re.compile(r"(?<!\d)\d{6,}(?!\d)")

# Symbols that are also words ("a ton of", "near", "link") count in capitals only.
LOWERCASE_OK = ("BTC", "ETH", "USDT", "USDC", "BNB", "TRX", "XRP", "DOGE", "LTC")
ASSET_CODES = "|".join(ASSETS) + "|(?i:" + "|".join(LOWERCASE_OK) + ")"
ASSET_WORDS = "|".join(re.escape(name) for name in sorted(ASSET_NAMES, key=len, reverse=True))
MULTIPLIER = r"(?:\s?(?:k|K|m|M|bn|million|billion|thousand|千|万|萬|億|亿|천|만|억))?"
CURRENCIES = (
    r"USD|EUR|GBP|KRW|JPY|CNY|RMB|HKD|TWD|SGD|dollars?|euros?|won|yen|yuan"
    r"|円|元|圆|圓|원|美元|美金|韩元|韓元|日元|日圓|人民币|人民幣|块|塊|港币|港幣|新台币|新台幣"
)
AMOUNT_RES = (
    re.compile(
        rf"(?<![0-9A-Za-z.])(?:{NUMBER}){MULTIPLIER}\s?(?:个|個|개|枚)?\s?"
        rf"(?:(?:{ASSET_CODES})(?![A-Za-z])|(?i:{ASSET_WORDS})|(?i:{CURRENCIES})(?![A-Za-z]))"
    ),
    re.compile(rf"{EDGE}(?:{ASSET_CODES}|USD|EUR|KRW|JPY|CNY|RMB)\s?(?:{NUMBER}){MULTIPLIER}"),
    re.compile(rf"(?:US|HK|NT|S)?[$€£¥￥₩]\s?(?:{NUMBER}){MULTIPLIER}"),
)

TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau)"
ROLES = r"(?:customer|client|user|officer|agent|reviewer|supervisor|manager|colleague)"
CAPITALISED = r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?"
NOT_AFTER_ROLES = r"(?:Service|Support|Care|Success|Team|Console|Center|Centre|Portal|Agreement)"
KOREAN_SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채"
    "원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉"
)
CHINESE_SURNAMES = (
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何林高罗羅郑鄭梁谢謝宋唐许許韩韓冯馮"
    "邓鄧曹彭曾萧蕭田董潘袁蔡蒋蔣余于杜叶葉程魏苏蘇吕呂丁任卢盧姚沈钟鍾姜崔谭譚陆陸范汪廖石金"
    "贾賈韦韋夏付方邹鄒熊白孟秦邱侯江尹薛闫閆段雷龙龍黎史陶贺賀毛郝顾顧龚龔邵万萬钱錢戴严嚴"
)
JAPANESE_NOT_NAMES = r"客|皆|各位|担当者|担当|利用者|会員|関係者|神"
NAME_RES: tuple[tuple[re.Pattern, str | None], ...] = (  # (pattern, group replaced)
    (re.compile(rf"\b{TITLES}\.?\s+{CAPITALISED}"), None),
    (
        re.compile(
            rf"(?i:\b(?:my|his|her|their)\s+name\s+is|\bnamed|\bcalled)\s+(?P<v>{CAPITALISED})"
        ),
        "v",
    ),
    (re.compile(rf"(?i:\b{ROLES})\s+(?!{NOT_AFTER_ROLES}\b)(?P<v>{CAPITALISED})"), "v"),
    (re.compile(rf"[{KOREAN_SURNAMES}][가-힣]{{2}}(?=\s?(?:고객님|회원님|님|씨|고객|회원))"), None),
    (re.compile(rf"[{CHINESE_SURNAMES}][\u4e00-\u9fff]{{0,2}}(?=先生|女士|小姐|太太)"), None),
    (
        re.compile(
            rf"(?<![おご\u4e00-\u9fff々])(?!(?:{JAPANESE_NOT_NAMES})(?:様|さま|さん|氏|殿))"
            r"[\u4e00-\u9fff々]{1,4}(?:\s?[\u4e00-\u9fff々ぁ-んァ-ヶ]{1,4})?"
            r"(?=\s?(?:様|さま|さん|氏|殿))"
        ),
        None,
    ),
)
NETWORK_IDS = frozenset(name.upper() for name in NETWORKS if "-" in name)


def _placeholders() -> dict[str, str]:
    return {
        "name": pgettext("anonymised text", "[name]"),
        "email": pgettext("anonymised text", "[email]"),
        "phone": pgettext("anonymised text", "[phone number]"),
        "reference": pgettext("anonymised text", "[reference]"),
        "id": pgettext("anonymised text", "[id]"),
        "amount": pgettext("anonymised text", "[amount]"),
        "address": pgettext("anonymised text", "[address]"),
        "hash": pgettext("anonymised text", "[transaction hash]"),
    }


class _Masked:
    """The text with each removed item replaced by a marker naming its kind."""

    def __init__(self, text: str) -> None:
        self.text = MARK.sub("", text)  # no marker of ours may come from outside
        self.kinds: list[str] = []

    def mask(self, kind: str) -> Callable[[re.Match], str]:
        def replace(match: re.Match) -> str:
            self.kinds.append(kind)
            return f"\ue000{len(self.kinds) - 1}\ue001"

        return replace

    def sub(self, pattern: re.Pattern, kind: str, group: str | None = None) -> None:
        if group is None:
            self.text = pattern.sub(self.mask(kind), self.text)
            return

        def value_only(match: re.Match) -> str:
            start, end = match.span(group)
            whole = match.group()
            offset = match.start()
            return whole[: start - offset] + self.mask(kind)(match) + whole[end - offset :]

        self.text = pattern.sub(value_only, self.text)

    def unmask(self) -> str:
        """Placeholders for the markers; a run of one kind ("Mr. John Smith") is one."""
        labels = _placeholders()
        text = RUN.sub(self._first_of_run, self.text)
        return MARK.sub(lambda match: labels[self.kinds[int(match.group(1))]], text)

    def _first_of_run(self, match: re.Match) -> str:
        marks = MARK.findall(match.group())
        if len({self.kinds[int(mark)] for mark in marks}) == 1:
            return f"\ue000{marks[0]}\ue001"
        return match.group()


def anonymise(text: str, *, names: Iterable[str] = (), identifiers: Iterable[str] = ()) -> str:
    """`text` with every name, contact, id, amount, address and hash replaced by a bracketed
    placeholder; `names` and `identifiers` are ones the caller knows belong to the case."""
    masked = _Masked(str(text or ""))
    masked.sub(EMAIL_RE, "email")
    masked.sub(REFERENCE_RE, "reference")
    _known(masked, identifiers, "id")
    for pattern in (EVM_TX_RE, HEX_TX_RE, SOLANA_SIGNATURE_RE):
        masked.sub(pattern, "hash")
    for pattern in (EVM_ADDRESS_RE, SEGWIT_RE, BASE58_RE):
        masked.sub(pattern, "address")
    masked.sub(UUID_RE, "id")
    masked.sub(LONG_HEX_RE, "hash")
    _code_ids(masked)
    masked.sub(PHONE_RE, "phone")
    for pattern in AMOUNT_RES:
        masked.sub(pattern, "amount")
    masked.sub(KEYWORD_ID_RE, "id", group="value")
    masked.sub(DIGITS_RE, "id")
    _known(masked, _name_variants(names), "name")
    for pattern, group in NAME_RES:
        masked.sub(pattern, "name", group=group)
    return masked.unmask()


def _code_ids(masked: _Masked) -> None:
    """EX-1, W-9, DEMO-7F3A…: but not the names of networks (ERC-20)."""

    def replace(match: re.Match) -> str:
        if match.group() in NETWORK_IDS:
            return match.group()
        return masked.mask("id")(match)

    masked.text = CODE_ID_RE.sub(replace, masked.text)


def _known(masked: _Masked, values: Iterable[str], kind: str) -> None:
    """Each of `values` wherever it appears: whole words for Latin text, anywhere for CJK."""
    for value in sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True):
        if value.isascii():
            common = value.lower() in COMMON_ENGLISH  # "Will", "Rose": as written, capitalised
            if common and value == value.lower():
                continue  # a username "owner" is no name in "the account owner"
            flags = 0 if common else re.IGNORECASE
            pattern = re.compile(rf"{EDGE}{re.escape(value)}{END}", flags)
        else:
            pattern = re.compile(re.escape(value))
        masked.sub(pattern, kind)


def _name_variants(names: Iterable[str]) -> set[str]:
    """The names given, their parts (a.b_c → a, b, c) of three letters or more, and for a
    CJK name only parts of two characters or more (a one-character surname is part of many
    words)."""
    variants: set[str] = set()
    for name in names:
        name = str(name or "").strip()
        if len(name) >= (1 if name.isascii() else 2):
            variants.add(name)
        for part in re.split(r"[\s._+\-0-9]+", name):
            if len(part) >= (3 if part.isascii() else 2):
                variants.add(part)
    return variants
