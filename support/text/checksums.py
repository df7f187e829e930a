"""Address checksums, each from a small well-kept library: base58check, bech32(m), EIP-55."""

import base58
from bech32 import CHARSET, bech32_hrp_expand, bech32_polymod
from Crypto.Hash import keccak

BECH32_CONSTANT = 1
BECH32M_CONSTANT = 0x2BC830A3
BITCOIN_VERSIONS = {0x00: "bitcoin", 0x05: "bitcoin", 0x6F: "bitcoin", 0xC4: "bitcoin"}
TRON_VERSION = 0x41


def base58check_payload(candidate: str) -> bytes | None:
    try:
        return base58.b58decode_check(candidate)
    except ValueError:
        return None


def is_bitcoin_base58_address(candidate: str) -> bool:
    payload = base58check_payload(candidate)
    return payload is not None and len(payload) == 21 and payload[0] in BITCOIN_VERSIONS


def is_tron_address(candidate: str) -> bool:
    payload = base58check_payload(candidate)
    return payload is not None and len(payload) == 21 and payload[0] == TRON_VERSION


def is_segwit_address(candidate: str) -> bool:
    """bech32 (witness v0, BIP173) or bech32m (v1+, BIP350) with a valid checksum."""
    if candidate.lower() != candidate and candidate.upper() != candidate:
        return False
    address = candidate.lower()
    hrp, _, data = address.rpartition("1")
    if hrp not in ("bc", "tb", "bcrt") or not 8 <= len(data) <= 90:
        return False
    if any(char not in CHARSET for char in data):
        return False
    values = [CHARSET.index(char) for char in data]
    constant = bech32_polymod(bech32_hrp_expand(hrp) + values)
    version = values[0]
    expected = BECH32_CONSTANT if version == 0 else BECH32M_CONSTANT
    return constant == expected and version <= 16


def base58_length(candidate: str) -> int:
    """How many bytes a base58 string (without checksum) decodes to; 0 when it is not base58."""
    try:
        return len(base58.b58decode(candidate))
    except ValueError:
        return 0


def is_solana_address(candidate: str) -> bool:
    return base58_length(candidate) == 32


def evm_checksum_valid(address: str) -> bool:
    """EIP-55: all-lower or all-upper hex has no checksum; mixed case must match keccak."""
    digits = address[2:]
    if digits.lower() == digits or digits.upper() == digits:
        return True
    digest = keccak.new(digest_bits=256, data=digits.lower().encode()).hexdigest()
    for char, nibble in zip(digits, digest[:40], strict=True):
        if char.isalpha() and char.isupper() != (int(nibble, 16) >= 8):
            return False
    return True
