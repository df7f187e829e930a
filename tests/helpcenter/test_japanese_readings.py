"""Japanese typed in hiragana alone, and 身分 / 身份 written either way."""

from django.contrib.auth.models import AnonymousUser

from helpcenter.models import SearchDocument, SearchPosting
from helpcenter.search import search
from helpcenter.search.analysis import normalise, tokens
from helpcenter.search.reading import reading_bigrams
from tests.helpcenter.conftest import make_article


def first_slug(query: str, language: str) -> str | None:
    results = search(query, language=language, user=AnonymousUser())
    return results[0].slug if results else None


def test_a_query_in_hiragana_alone_is_cut_into_hiragana_bigrams():
    assert tokens("ぱすわーどわすれた")[:3] == ["ぱす", "すわ", "わー"]
    assert tokens("かおにんしょう がおわらない")[-1] == "ない"


def test_hiragana_in_a_query_with_kanji_or_katakana_stays_grammar():
    assert all(not token.startswith(("で", "な")) for token in tokens("出金できない"))
    assert "れた" not in tokens("パスワードを忘れた")


def test_the_reading_of_kanji_and_katakana_is_in_hiragana():
    assert reading_bigrams("顔認証") == ["かお", "おに", "にん", "んし", "しょ", "ょう"]
    assert reading_bigrams("パスワード") == ["ぱす", "すわ", "わー", "ーど"]
    assert reading_bigrams("KYC 2FA") == []


def test_an_unconverted_query_finds_the_japanese_article(section):
    make_article(
        section,
        "face-check",
        title_ja="顔認証が終わらない場合",
        body_ja="明るい場所で、眼鏡を外して顔認証をやり直してください。",
    )
    make_article(
        section,
        "password-reset",
        title_ja="パスワードを忘れた場合",
        body_ja="ログイン画面の「パスワードを忘れた」から再設定してください。",
    )
    assert first_slug("かおにんしょうがおわらない", "ja") == "face-check"
    assert first_slug("ぱすわーどわすれた", "ja") == "password-reset"


def test_readings_do_not_lengthen_the_japanese_document(section):
    make_article(section, "face-check", title_ja="顔認証", body_ja="顔認証をやり直す")
    document = SearchDocument.objects.get(language="ja")
    assert document.length == len(tokens("顔認証をやり直す", japanese=True))
    read = SearchPosting.objects.get(document=document, token="かお")
    assert (read.heading, read.body) == (1, 1)


def test_shenfen_in_either_form_is_one_word():
    assert tokens("身分證") == tokens("身份证")
    assert normalise("身分証明書") == normalise("身份证明书")


def test_identity_verification_is_not_taken_for_the_authenticator_app(section):
    make_article(
        section,
        "kyc-rejected",
        title_zh_hans="实名认证被拒绝",
        body_zh_hans="证件模糊或过期时，审核会被拒绝，请重新提交。",
    )
    make_article(
        section,
        "authenticator",
        title_zh_hans="设置身份验证器",
        body_zh_hans="下载身份验证器，扫描二维码，再输入身份验证器上的六位验证码。",
    )
    assert first_slug("身分驗證被退件", "zh-hant") == "kyc-rejected"
    assert first_slug("綁定身分驗證器", "zh-hant") == "authenticator"
