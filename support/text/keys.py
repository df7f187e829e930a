"""Find private keys: 64-hex keys named as keys, WIF keys and extended private keys.

A 64-hex string is a transaction hash far more often than a key, and agents need hashes, so it is
a key only when the words nearest to it say "private key" (in any of our languages) and no nearer
words say "txid" or "hash".
"""

import re

import base58

HEX64_RE = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
WIF_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[59][1-9A-HJ-NP-Za-km-z]{50}|[KLc][1-9A-HJ-NP-Za-km-z]{51})(?![0-9A-Za-z])"
)
EXTENDED_KEY_RE = re.compile(r"(?<![0-9A-Za-z])[xyztuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{100,112}")
KEY_CONTEXT_RE = re.compile(
    r"priv(?:ate)?[\s_-]*key|privkey|secret[\s_-]*key|\bwif\b|\bpk\b|\bkeys?\b|"
    r"私钥|私鑰|密钥|密鑰|秘钥|秘鑰|"
    r"개인\s*키|비밀\s*키|프라이빗\s*키|"
    r"秘密鍵|プライベート\s*キー|秘密キー",
    re.IGNORECASE,
)
TX_CONTEXT_RE = re.compile(
    r"tx|hash|transaction|txn|block|explorer|etherscan|tronscan|bscscan|"
    r"哈希|交易|转账|轉帳|區塊|区块|"
    r"해시|트랜잭션|거래\s*id|"
    r"ハッシュ|トランザクション|取引\s*id",
    re.IGNORECASE,
)
CONTEXT_BEFORE = 60
CONTEXT_AFTER = 30
WIF_VERSIONS = (0x80, 0xEF)


def find_private_keys(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of private keys in `text`."""
    spans = [match.span() for match in EXTENDED_KEY_RE.finditer(text)]
    spans += [match.span() for match in WIF_RE.finditer(text) if _is_wif(text, match)]
    spans += [match.span() for match in HEX64_RE.finditer(text) if _named_as_key(text, match)]
    return sorted(spans)


def is_wif_key(candidate: str) -> bool:
    """A base58check string with a WIF version byte and a 32-byte key (+ compression flag)."""
    try:
        payload = base58.b58decode_check(candidate)
    except ValueError:
        return False
    compressed = len(payload) == 34 and payload[-1] == 0x01
    return payload[0] in WIF_VERSIONS and (len(payload) == 33 or compressed)


def _is_wif(text: str, match: re.Match[str]) -> bool:
    # The shape alone (51/52 base58 characters starting 5/9/K/L/c) is no address, hash or order
    # id we know, so a mistyped key (bad checksum) is still removed when it is called a key.
    return is_wif_key(match.group()) or _nearest_context_is_key(text, match, default=True)


def _named_as_key(text: str, match: re.Match[str]) -> bool:
    return _nearest_context_is_key(text, match, default=False)


def _nearest_context_is_key(text: str, match: re.Match[str], *, default: bool) -> bool:
    """Whether the key words nearest to the match are closer than the transaction words."""
    start, end = match.span()
    before = text[max(0, start - CONTEXT_BEFORE) : start]
    after = text[end : end + CONTEXT_AFTER]
    key_distance = _distance(KEY_CONTEXT_RE, before, after)
    tx_distance = _distance(TX_CONTEXT_RE, before, after)
    if key_distance is None:
        return default and tx_distance is None
    return tx_distance is None or key_distance <= tx_distance


def _distance(pattern: re.Pattern[str], before: str, after: str) -> int | None:
    distances = [len(before) - m.end() for m in pattern.finditer(before)]
    distances += [m.start() for m in pattern.finditer(after)]
    return min(distances) if distances else None
