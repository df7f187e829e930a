"""Crypto entities agents need, with checksum validation, and the network mismatch warning."""

from support.text import extract_entities
from support.text.entities import find_entities, network_mismatch

TRON = "TABcrApnXZMKT2bULWqMJJeVmRtCCtTMjt"
BTC_LEGACY = "13JSZ8GM3MeePXXkQWa33Hm4FEAaBc6R56"
BECH32 = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
TAPROOT = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
EVM = "0x276d13E60f6f0F7a6134f7621dF862c46a89259A"
TX = "47683404cb769bbc311902071ca445b571ca03327953409e6e3b40f8e0f2de0f"


def test_addresses_of_each_network_are_found_with_their_network():
    text = f"{TRON} {BTC_LEGACY} {BECH32} {TAPROOT} {EVM}"

    assert extract_entities(text) == [
        {"kind": "address", "value": TRON, "network": "tron", "valid": True},
        {"kind": "address", "value": BTC_LEGACY, "network": "bitcoin", "valid": True},
        {"kind": "address", "value": BECH32, "network": "bitcoin", "valid": True},
        {"kind": "address", "value": TAPROOT, "network": "bitcoin", "valid": True},
        {"kind": "address", "value": EVM, "network": "evm", "valid": True},
    ]


def test_mixed_case_evm_address_with_a_bad_checksum_is_marked_invalid():
    bad = EVM[:-1] + "B"

    assert extract_entities(bad) == [
        {"kind": "address", "value": bad, "network": "evm", "valid": False}
    ]


def test_base58_strings_with_bad_checksums_are_not_addresses():
    assert extract_entities(TRON[:-1] + "u") == []
    assert extract_entities(BECH32[:-1] + "p") == []


def test_transaction_hashes_memos_amounts_and_order_ids():
    text = f"txid {TX}, sent 12.5 SOL with memo 532235, 订单号 9751950016727415626"

    assert extract_entities(text) == [
        {"kind": "tx_hash", "value": TX},
        {"kind": "amount", "value": "12.5 SOL"},
        {"kind": "memo", "value": "532235"},
        {"kind": "order_id", "value": "9751950016727415626"},
    ]


def test_evm_transaction_hash_is_not_an_address():
    text = f"hash 0x{TX}"

    assert extract_entities(text) == [{"kind": "tx_hash", "value": f"0x{TX}", "network": "evm"}]


def test_assets_and_networks_in_every_language_each_listed_once():
    values = [
        (entity["kind"], entity["value"])
        for entity in extract_entities(
            "USDT 走波场，比特币, 이더리움 네트워크, ERC20, a ton of eth"
        )
    ]

    assert values == [
        ("asset", "USDT"),
        ("network", "TRC20"),
        ("asset", "BTC"),
        ("network", "ERC20"),
        ("asset", "ETH"),
    ]


def test_tron_address_with_erc20_is_a_network_mismatch():
    entities = find_entities(f"I sent USDT to {TRON} via ERC20")

    assert network_mismatch(entities) == {
        "address": TRON,
        "address_network": "tron",
        "named_network": "ERC20",
    }


def test_evm_address_on_any_evm_network_is_no_mismatch():
    assert network_mismatch(find_entities(f"{EVM} BEP20")) is None
    assert network_mismatch(find_entities(f"{EVM} on Arbitrum")) is None
    assert network_mismatch(find_entities(f"{EVM} TRC20")) is not None
