"""Block-explorer links for a transfer: one table, network → URL templates.

The back office names networks its own way ("BTC", "TRC20", "ERC20"); ALIASES folds the usual
spellings onto one row. A link is only made from an http(s) template, and the hash or address
is percent-encoded whole (no "/", "?", "#" or quote survives), so a value the back office
sends cannot leave the explorer's path or become a script link; templates put it in `href`,
where Django escapes it again.
"""

from urllib.parse import quote, urlsplit

# network → (transaction URL, address URL); "{value}" is replaced by the encoded value.
EXPLORERS: dict[str, tuple[str, str]] = {
    "BTC": ("https://mempool.space/tx/{value}", "https://mempool.space/address/{value}"),
    "ERC20": ("https://etherscan.io/tx/{value}", "https://etherscan.io/address/{value}"),
    "TRC20": (
        "https://tronscan.org/#/transaction/{value}",
        "https://tronscan.org/#/address/{value}",
    ),
    "BEP20": ("https://bscscan.com/tx/{value}", "https://bscscan.com/address/{value}"),
    "POLYGON": ("https://polygonscan.com/tx/{value}", "https://polygonscan.com/address/{value}"),
    "ARBITRUM": ("https://arbiscan.io/tx/{value}", "https://arbiscan.io/address/{value}"),
    "OPTIMISM": (
        "https://optimistic.etherscan.io/tx/{value}",
        "https://optimistic.etherscan.io/address/{value}",
    ),
    "AVAX-C": ("https://snowtrace.io/tx/{value}", "https://snowtrace.io/address/{value}"),
    "SOL": ("https://solscan.io/tx/{value}", "https://solscan.io/account/{value}"),
    "TON": ("https://tonviewer.com/transaction/{value}", "https://tonviewer.com/{value}"),
    "LTC": (
        "https://blockchair.com/litecoin/transaction/{value}",
        "https://blockchair.com/litecoin/address/{value}",
    ),
    "XRP": ("https://xrpscan.com/tx/{value}", "https://xrpscan.com/account/{value}"),
}
ALIASES = {
    "BITCOIN": "BTC",
    "ETH": "ERC20",
    "ETHEREUM": "ERC20",
    "ERC-20": "ERC20",
    "TRON": "TRC20",
    "TRX": "TRC20",
    "TRC-20": "TRC20",
    "BSC": "BEP20",
    "BEP-20": "BEP20",
    "BNB SMART CHAIN": "BEP20",
    "MATIC": "POLYGON",
    "ARB": "ARBITRUM",
    "OP": "OPTIMISM",
    "AVALANCHE": "AVAX-C",
    "AVALANCHE C-CHAIN": "AVAX-C",
    "AVAXC": "AVAX-C",
    "SOLANA": "SOL",
    "SPL": "SOL",
    "LITECOIN": "LTC",
    "RIPPLE": "XRP",
}


def explorer_url(
    network: str,
    *,
    tx_hash: str = "",
    address: str = "",
    table: dict[str, tuple[str, str]] | None = None,
) -> str:
    """The explorer page of `tx_hash` (else of `address`) on `network`; "" when the network
    has no explorer here, there is no value, or the template is not an http(s) address."""
    templates = (table if table is not None else EXPLORERS).get(_network_key(network))
    value = (tx_hash or address).strip()
    if templates is None or not value:
        return ""
    template = templates[0] if tx_hash.strip() else templates[1]
    if urlsplit(template).scheme not in ("http", "https"):
        return ""
    return template.replace("{value}", quote(value, safe=""))


def _network_key(network: str) -> str:
    key = " ".join(network.upper().split())
    return ALIASES.get(key, key)
