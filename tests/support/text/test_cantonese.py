"""Written Cantonese is read as Mandarin (support.text.cantonese), so Hong Kong customers'
incidents and requests meet the same Chinese patterns and features."""

import pytest

from support.text import analyze
from support.text.cantonese import to_mandarin
from support.text.language import to_simplified


@pytest.mark.parametrize(
    ("cantonese", "mandarin"),
    [
        ("我嘅密碼畀人改咗", "我的密码被人改了"),
        ("而家登唔到", "现在登不到"),
        ("佢哋冇覆我", "他们没有覆我"),
        ("係咪你哋搞錯咗", "是不是你们搞错了"),
        ("唔好再send link俾我", "不要再send link给我"),
        ("我啲幣仲喺度", "我的币还在度"),
    ],
)
def test_cantonese_words_are_read_as_mandarin(cantonese, mandarin):
    assert to_mandarin(cantonese) == mandarin


@pytest.mark.parametrize("text", ["我們的關係很好", "申請仲裁", "聯繫客服", "仲介費"])
def test_mandarin_words_sharing_a_character_keep_their_meaning(text):
    assert to_mandarin(text) == to_simplified(text)


@pytest.mark.parametrize("text", ["係員の方と話したい", "仲介手数料はいくら", "담당 係 직원"])
def test_japanese_and_korean_text_is_only_simplified(text):
    assert to_mandarin(text) == to_simplified(text)


@pytest.mark.parametrize(
    "text",
    [
        "我個戶口俾人登入咗，啲幣冇晒",
        "我嘅電郵畀人改咗，唔係我改嘅",
    ],
)
def test_a_cantonese_incident_is_urgent(text):
    assert analyze(text, lang_hint="zh-hant").urgent
