"""Crypto entities an agent needs: transaction hashes, addresses, memos/tags, assets, networks,
amounts and order ids; and the warning when an address and the named network disagree."""

import re
from dataclasses import dataclass

from support.text import checksums
from support.text.common_words import word_set
from support.text.prefilter import prefiltered

B58 = "1-9A-HJ-NP-Za-km-z"
MAX_ENTITIES = 100
EDGE = r"(?<![0-9A-Za-z])"
END = r"(?![0-9A-Za-z])"

EVM_TX_RE = re.compile(rf"{EDGE}0[xX][0-9a-fA-F]{{64}}{END}")
HEX_TX_RE = re.compile(rf"{EDGE}[0-9a-fA-F]{{64}}{END}")
EVM_ADDRESS_RE = re.compile(rf"{EDGE}0[xX][0-9a-fA-F]{{40}}{END}")
BTC_BASE58_RE = re.compile(rf"{EDGE}[13mn2][{B58}]{{25,34}}{END}")
SEGWIT_RE = re.compile(rf"{EDGE}(?:bc|tb|BC|TB)1[02-9ac-hj-np-zAC-HJ-NP-Z]{{8,87}}{END}")
TRON_RE = re.compile(rf"{EDGE}T[{B58}]{{33}}{END}")
SOLANA_RE = re.compile(rf"{EDGE}[{B58}]{{32,44}}{END}")
SOLANA_SIGNATURE_RE = re.compile(rf"{EDGE}[{B58}]{{86,88}}{END}")
MEMO_RE = re.compile(
    r"(?:destination\s*tag|dest\.?\s*tag|memo|tag|comment|备注|備註|标签|標籤|메모|태그|メモ|タグ)"
    r"\s*(?:id|ID|号|번호|番号)?\s*(?:is|是|为|는|은|は)?\s*[:：#=]?\s*"
    r"(?P<value>[A-Za-z0-9-]{3,64})",
    re.IGNORECASE,
)
ORDER_RE = re.compile(
    r"(?:order\s*(?:id|no\.?|number|#)|订单号|訂單號|订单|訂單|주문\s*번호|注文番号|注文ID)"
    r"\s*(?:is|是|는|は)?\s*[:：#]?\s*(?P<value>\d{6,24})",
    re.IGNORECASE,
)
NETWORKS = {
    "erc20": ("ERC20", "ethereum"),
    "erc-20": ("ERC20", "ethereum"),
    "ethereum": ("ERC20", "ethereum"),
    "以太坊": ("ERC20", "ethereum"),
    "이더리움": ("ERC20", "ethereum"),
    "イーサリアム": ("ERC20", "ethereum"),
    "trc20": ("TRC20", "tron"),
    "trc-20": ("TRC20", "tron"),
    "tron": ("TRC20", "tron"),
    "波场": ("TRC20", "tron"),
    "波場": ("TRC20", "tron"),
    "트론": ("TRC20", "tron"),
    "トロン": ("TRC20", "tron"),
    "bep20": ("BEP20", "bsc"),
    "bep-20": ("BEP20", "bsc"),
    "bsc": ("BEP20", "bsc"),
    "bnb smart chain": ("BEP20", "bsc"),
    "币安智能链": ("BEP20", "bsc"),
    "bep2": ("BEP2", "bnb-beacon"),
    "polygon": ("Polygon", "polygon"),
    "arbitrum": ("Arbitrum", "arbitrum"),
    "optimism": ("Optimism", "optimism"),
    "avalanche": ("Avalanche C-Chain", "avalanche"),
    "avax c-chain": ("Avalanche C-Chain", "avalanche"),
    "solana": ("Solana", "solana"),
    "spl": ("Solana", "solana"),
    "omni": ("Omni", "bitcoin"),
    "lightning": ("Lightning", "lightning"),
    "bitcoin network": ("Bitcoin", "bitcoin"),
    "btc network": ("Bitcoin", "bitcoin"),
    "ton network": ("TON", "ton"),
}
NETWORK_RE = re.compile(
    "|".join(
        rf"{EDGE}{re.escape(name)}{END}" if name.isascii() else re.escape(name)
        for name in sorted(NETWORKS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
# Each network name is a literal: a text is searched with only the names it holds.
NETWORK_RE = prefiltered(NETWORK_RE)
EVM_NETWORKS = frozenset({"ethereum", "bsc", "polygon", "arbitrum", "optimism", "avalanche"})
ASSETS = sorted(
    word_set(
        """
        BTC ETH USDT USDC BNB TRX SOL XRP ADA DOGE TON ATOM DOT LTC BCH MATIC POL AVAX LINK SHIB
        XLM EOS DAI ARB OP FDUSD WBTC PEPE APT SUI NEAR FIL ETC XMR UNI
        """
    ),
    key=lambda symbol: (-len(symbol), symbol),
)
ASSET_NAMES = {
    "bitcoin": "BTC", "比特币": "BTC", "比特幣": "BTC", "비트코인": "BTC", "ビットコイン": "BTC",
    "ether": "ETH", "以太币": "ETH", "以太幣": "ETH", "이더": "ETH",
    "tether": "USDT", "泰达币": "USDT", "泰達幣": "USDT", "테더": "USDT", "テザー": "USDT",
    "リップル": "XRP", "리플": "XRP", "瑞波币": "XRP", "도지": "DOGE", "狗狗币": "DOGE",
}  # fmt: skip
# Lower-case symbols that are also ordinary words ("a ton of", "near", "link") need capitals.
LOWERCASE_OK = frozenset({"btc", "eth", "usdt", "usdc", "bnb", "trx", "xrp", "doge", "ltc"})
ASSET_RE = re.compile(
    rf"{EDGE}(?P<symbol>{'|'.join(ASSETS)}){END}"
    rf"|(?P<name>{'|'.join(re.escape(n) for n in sorted(ASSET_NAMES, key=len, reverse=True))})",
    re.IGNORECASE,
)
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
AMOUNT_RE = re.compile(
    rf"(?<![0-9A-Za-z.])(?P<number>{NUMBER})\s?(?:个|個|개|枚)?\s?(?P<asset>{'|'.join(ASSETS)})(?![A-Za-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Entity:
    kind: str
    value: str
    start: int
    end: int
    network: str | None = None
    valid: bool | None = None

    def as_dict(self) -> dict[str, object]:
        shape: dict[str, object] = {"kind": self.kind, "value": self.value}
        if self.network is not None:
            shape["network"] = self.network
        if self.valid is not None:
            shape["valid"] = self.valid
        return shape


def extract_entities(text: str) -> list[dict[str, object]]:
    """The entities of `text` as JSON-ready dicts: {"kind", "value", "network"?, "valid"?}."""
    return [entity.as_dict() for entity in find_entities(text)]


def find_entities(text: str) -> list[Entity]:
    """Distinct entities in the order they appear (at most MAX_ENTITIES); a string claimed by
    one kind is not read as another."""
    found: list[Entity] = []
    taken = bytearray(len(text))
    for finder in (_tx_hashes, _addresses, _order_ids, _memos, _amounts, _networks, _assets):
        for entity in finder(text):
            if not any(taken[entity.start : entity.end]):
                found.append(entity)
                taken[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
    distinct: dict[tuple[str, str], Entity] = {}
    for entity in sorted(found, key=lambda entity: entity.start):
        distinct.setdefault((entity.kind, entity.value), entity)
    return list(distinct.values())[:MAX_ENTITIES]


def network_mismatch(entities: list[Entity]) -> dict[str, str] | None:
    """When an address belongs to another network than the one the customer names."""
    named = [entity for entity in entities if entity.kind == "network"]
    for address in (entity for entity in entities if entity.kind == "address"):
        for network in named:
            if not _compatible(address.network, network.network):
                return {
                    "address": address.value,
                    "address_network": address.network or "",
                    "named_network": network.value,
                }
    return None


def _compatible(address_network: str | None, named_network: str | None) -> bool:
    if address_network is None or named_network is None:
        return True
    if address_network == "evm":
        return named_network in EVM_NETWORKS
    if address_network == "bitcoin":
        return named_network in ("bitcoin", "lightning")
    return address_network == named_network


def _tx_hashes(text: str) -> list[Entity]:
    hashes = [
        Entity("tx_hash", m.group(), *m.span(), network="evm") for m in EVM_TX_RE.finditer(text)
    ]
    hashes += [Entity("tx_hash", m.group(), *m.span()) for m in HEX_TX_RE.finditer(text)]
    hashes += [
        Entity("tx_hash", m.group(), *m.span(), network="solana")
        for m in SOLANA_SIGNATURE_RE.finditer(text)
        if checksums.base58_length(m.group()) == 64
    ]
    return hashes


def _addresses(text: str) -> list[Entity]:
    found = [
        Entity("address", m.group(), *m.span(), "evm", checksums.evm_checksum_valid(m.group()))
        for m in EVM_ADDRESS_RE.finditer(text)
    ]
    found += [
        Entity("address", m.group(), *m.span(), "bitcoin", True)
        for m in BTC_BASE58_RE.finditer(text)
        if checksums.is_bitcoin_base58_address(m.group())
    ]
    found += [
        Entity("address", m.group(), *m.span(), "bitcoin", True)
        for m in SEGWIT_RE.finditer(text)
        if checksums.is_segwit_address(m.group())
    ]
    found += [
        Entity("address", m.group(), *m.span(), "tron", True)
        for m in TRON_RE.finditer(text)
        if checksums.is_tron_address(m.group())
    ]
    found += [
        Entity("address", m.group(), *m.span(), "solana", True)
        for m in SOLANA_RE.finditer(text)
        if _looks_like_solana(m.group())
    ]
    return found


def _looks_like_solana(candidate: str) -> bool:
    has_digit = any(char.isdigit() for char in candidate)
    has_mixed_case = candidate.lower() != candidate and candidate.upper() != candidate
    return has_digit and has_mixed_case and checksums.is_solana_address(candidate)


def _order_ids(text: str) -> list[Entity]:
    return [Entity("order_id", m.group("value"), *m.span("value")) for m in ORDER_RE.finditer(text)]


def _memos(text: str) -> list[Entity]:
    return [
        Entity("memo", m.group("value"), *m.span("value"))
        for m in MEMO_RE.finditer(text)
        if any(char.isdigit() for char in m.group("value"))
    ]


def _amounts(text: str) -> list[Entity]:
    return [
        Entity("amount", f"{m.group('number')} {m.group('asset').upper()}", *m.span())
        for m in AMOUNT_RE.finditer(text)
        if m.group("asset").isupper() or m.group("asset").lower() in LOWERCASE_OK
    ]


def _networks(text: str) -> list[Entity]:
    found = []
    for match in NETWORK_RE.finditer(text):
        label, family = NETWORKS[match.group().lower()]
        found.append(Entity("network", label, *match.span(), network=family))
    return found


def _assets(text: str) -> list[Entity]:
    found = []
    for match in ASSET_RE.finditer(text):
        symbol = match.group("symbol")
        if symbol and not symbol.isupper() and symbol.lower() not in LOWERCASE_OK:
            continue
        raw = symbol or match.group("name")
        symbol = ASSET_NAMES.get(raw.lower(), ASSET_NAMES.get(raw, raw.upper()))
        found.append(Entity("asset", symbol, *match.span()))
    return found
