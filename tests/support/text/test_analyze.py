"""The entry point: the result's shape, secrets and entities together, and hostile input."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from support.text import Analysis, analyze

SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))


def test_as_dict_has_the_api_shape_and_is_json():
    result = analyze("I sent 100 USDT to TABcrApnXZMKT2bULWqMJJeVmRtCCtTMjt via ERC20, not arrived")

    shape = result.as_dict()

    assert json.loads(json.dumps(shape)) == shape
    assert {
        "language", "category", "category_confidence", "sentiment", "sentiment_score", "urgent",
        "redacted_text", "secrets", "entities", "needs_triage", "strongly_negative",
        "network_mismatch", "security_followup",
    } == set(shape)  # fmt: skip
    assert shape["language"] == "en"
    assert shape["category"] == "deposit_withdrawal"
    assert shape["network_mismatch"] == {
        "address": "TABcrApnXZMKT2bULWqMJJeVmRtCCtTMjt",
        "address_network": "tron",
        "named_network": "ERC20",
    }
    assert {"kind": "amount", "value": "100 USDT"} in shape["entities"]


def test_secret_is_redacted_reported_and_never_an_entity():
    key = "b9e40c76bcd10ae04883bb9f9507232619b341580b42b9895c5417e483db5f96"

    result = analyze(f"私钥 {key} 里面有ETH，助记词 {SEED}")

    # The markers are in the customer's language (here detected as simplified Chinese).
    assert result.redacted_text == "私钥 [私钥已移除] 里面有ETH，助记词 [助记词已移除]"
    assert result.secrets == [{"kind": "private_key"}, {"kind": "seed_phrase"}]
    assert result.security_followup is True
    assert all(entity["value"] != key for entity in result.entities)


def test_analysis_is_frozen():
    result = analyze("hello")

    with pytest.raises(AttributeError):
        result.category = "kyc"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "🙂🚀💸" * 50,
        "\u202e\u200b\u200c\u200d\ufeff",
        "\x00\x01\x02 binary \xff\xfe",
        "مرحبا שלום Привет 你好 안녕 こんにちは hello",
        "\ud800 lone surrogate",
        "a" * 1_000_000,
        "0x" + "f" * 5000,
    ],
)
def test_any_input_gives_a_result(text):
    result = analyze(text)

    assert isinstance(result, Analysis)
    assert result.language in {"en", "zh-hans", "zh-hant", "ko", "ja", "other"}
    assert 0.0 <= result.category_confidence <= 1.0
    assert -1.0 <= result.sentiment_score <= 1.0
    json.dumps(result.as_dict())


def test_bytes_are_decoded_leniently():
    result = analyze(b"\xe6\x8f\x90\xe5\xb8\x81\xe6\xb2\xa1\xe5\x88\xb0\xe8\xb4\xa6 \xff")  # type: ignore[arg-type]

    assert result.language == "zh-hans"


def test_lang_hint_decides_only_what_the_text_cannot():
    assert analyze("本人確認", lang_hint="ja").language == "ja"
    assert analyze("my deposit is late", lang_hint="ja").language == "en"


def test_one_megabyte_message_is_redacted_to_the_end():
    text = "deposit late. " * 70_000 + f"seed: {SEED}"

    result = analyze(text)

    assert result.redacted_text.endswith("seed: [seed phrase removed]")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_analyze_never_raises_on_arbitrary_input(value):
    result = analyze(value)  # type: ignore[arg-type]

    json.dumps(result.as_dict())
