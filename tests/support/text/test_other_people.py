"""Someone else's case is no incident of the customer's, but someone the customer knows acting
on the customer's account is one (support.text.others), in every language."""

import pytest

from support.text import analyze

SOMEONE_ELSES_CASE = [
    ("en", "my brother's account got hacked last week, what should he do first?"),
    ("en", "my coworker was scammed on another app, how do I keep mine safe"),
    ("zh-hans", "我同事的账号被盗了，他应该先做什么？"),
    ("zh-hant", "我表姐的帳號被盜了，她要先做什麼？"),
    ("ko", "동생 계정이 해킹당했대요 동생이 뭘 먼저 해야 하나요?"),
    ("ja", "兄のアカウントが乗っ取られたそうです。兄はまず何をすればいいですか？"),
]

SOMEONE_THEY_KNOW_IN_THEIR_ACCOUNT = [
    ("en", "my ex knew my password and logged into my account last night"),
    ("zh-hans", "我弟弟偷偷登录我的账号把币转走了"),
    ("zh-hant", "我老公偷偷登入我的帳號把幣轉走了"),
    ("ko", "동생이 제 계정에 몰래 들어가서 코인을 빼갔어요"),
    ("ja", "元カレが私のアカウントにログインして出金していました"),
]


@pytest.mark.parametrize(("lang", "text"), SOMEONE_ELSES_CASE)
def test_someone_elses_incident_is_not_urgent(lang, text):
    assert not analyze(text, lang_hint=lang).urgent


@pytest.mark.parametrize(("lang", "text"), SOMEONE_THEY_KNOW_IN_THEIR_ACCOUNT)
def test_someone_the_customer_knows_in_their_account_is_urgent(lang, text):
    result = analyze(text, lang_hint=lang)

    assert result.urgent
    assert result.category == "security_incident"


def test_a_korean_word_ending_like_a_pronoun_is_no_denial_by_the_customer():
    """문제가 아니에요 ("it is not the problem") holds 제가 아니 ("not me") inside a word."""
    assert not analyze("이건 자동 답변으로 해결될 문제가 아니에요", lang_hint="ko").urgent


def test_an_ex_partner_who_took_everything_is_an_incident():
    text = "my ex had my password and after we split up he withdrew everything to his own wallet"
    assert analyze(text, lang_hint="en").urgent
