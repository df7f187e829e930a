"""Language detection on short, mixed and noisy messages."""

import pytest

from support.text import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my withdrawal is stuck, please help", "en"),
        ("KYC pending??", "en"),
        ("cant login", "en"),
        ("提币一直没到账", "zh-hans"),
        ("提幣一直沒有到帳", "zh-hant"),
        ("我的KYC一直不通过，USDT也提不出来", "zh-hans"),
        ("TRC20的USDT充值沒有入帳", "zh-hant"),
        ("출금이 안 돼요", "ko"),
        ("KYC 인증 document upload 했는데 status가 계속 processing이에요", "ko"),
        ("出金できません", "ja"),
        ("USDTの入金が反映されない", "ja"),
        ("hola, no puedo retirar mis fondos de la cuenta", "other"),
        ("Здравствуйте, не могу вывести средства", "other"),
    ],
)
def test_detects_the_language_customers_write_in(text, expected):
    assert detect_language(text) == expected


def test_kanji_only_text_follows_a_japanese_hint():
    assert detect_language("本人確認", hint="ja") == "ja"
    assert detect_language("本人確認") == "zh-hant"


def test_text_without_letters_takes_the_hint_or_english():
    assert detect_language("🙂🙂 1234 !!!", hint="ko") == "ko"
    assert detect_language("🙂🙂 1234 !!!") == "en"
    assert detect_language("") == "en"


def test_ambiguous_chinese_follows_a_traditional_hint():
    assert detect_language("我想要出金", hint="zh-hant") == "zh-hant"
    assert detect_language("我想要出金") == "zh-hans"


def test_invisible_and_bidi_characters_do_not_change_the_answer():
    assert detect_language("\u202e提币\u200b一直没到账\u202c") == "zh-hans"


def test_channel_language_codes_are_understood_as_hints():
    assert detect_language("我想要出金", hint="zh-TW") == "zh-hant"
    assert detect_language("本人確認", hint="ja_JP") == "ja"
    assert detect_language("🙂", hint="ko-KR") == "ko"
    assert detect_language("🙂", hint="fr-FR") == "en"
