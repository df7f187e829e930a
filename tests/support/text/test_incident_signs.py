"""Incidents told by what the customer did or sees (support.text.signs, and the settings the
customer says they did not change), in every language, and the questions about the same
things, which are no incident."""

import pytest

from support.text import analyze

TOLD_BY_SIGNS = [
    # Someone at the controls through a remote-access tool.
    ("en", "the guy said he was from your team and I installed anydesk, he was moving my mouse"),
    ("zh-hans", "对方让我装了向日葵，刚才一直在控制我的电脑"),
    ("zh-hant", "他叫我下載了遠端軟體，之後一直在操作我的電腦"),
    ("ko", "상담원이라는 사람이 원격 앱 깔아 달래서 설치했어요 제 컴퓨터를 조종했어요"),
    ("ja", "サポートと名乗る人に言われて遠隔操作のアプリを入れてしまいました"),
    # A login or a phrase typed into a page that only looks like ours.
    ("en", "i signed in on a phishing site from an email and now my coins are moving"),
    ("zh-hans", "我在一个假网站上登录了，输入了账号密码"),
    ("zh-hant", "我在釣魚網站輸入了帳號密碼"),
    ("ko", "가짜 사이트인 줄 모르고 로그인해서 비밀번호를 입력했어요"),
    ("ja", "偽サイトにログインしてパスワードを入力してしまいました"),
    # Someone else in the account.
    ("en", "pretty sure someone else is logged into my account, orders i never placed"),
    ("zh-hans", "感觉有人在用我的账号，挂了好多单"),
    ("zh-hant", "好像有人在用我的帳號"),
    ("ko", "누군가 제 계정에 접속하는 것 같아요"),
    ("ja", "誰かが私のアカウントにログインしているみたいです"),
    # A balance lower than it was.
    ("en", "my account balance is lower than it was last night and I haven't traded"),
    ("zh-hans", "余额比昨天少了一大截，我什么都没操作"),
    ("ko", "어제보다 잔고가 줄었어요 거래한 적 없어요"),
    ("ja", "昨日より残高が減っています。何もしていません"),
    # The signs of a SIM swap.
    ("en", "my phone lost signal this morning and then I got a password reset email"),
    ("zh-hans", "手机突然没信号了，然后收到了登录验证码"),
    ("ko", "폰이 갑자기 먹통이 되더니 비밀번호 재설정 문자가 왔어요"),
    ("ja", "スマホが圏外になってから、パスワードリセットのメールが来ました"),
    # A setting the customer says they did not change.
    ("zh-hant", "收到密碼已變更的通知，我沒有要登入也沒改過"),
    ("ja", "二段階認証がオフになっていました。自分では何もしていません"),
    ("ko", "출금 주소가 바뀌었다는 메일이 왔는데 저는 변경 안 했어요"),
    ("en", "got an email that my 2fa was turned off, i didn't log in today"),
]

QUESTIONS_ABOUT_THEM = [
    ("en", "is anydesk safe to use if support asks for it?"),
    ("zh-hans", "怎么识别假网站？"),
    ("ko", "가짜 사이트 구별하는 방법 알려주세요"),
    ("ja", "偽サイトを見分ける方法はありますか"),
    ("en", "I bought SOL and received less than I expected, how are fees worked out?"),
    ("zh-hans", "应用商店里有一个假app，给你们举报一下"),
    ("zh-hant", "如果有人在用我的帳號，我會收到通知嗎？"),
]


@pytest.mark.parametrize(("lang", "text"), TOLD_BY_SIGNS)
def test_an_incident_told_by_its_signs_is_urgent(lang, text):
    result = analyze(text, lang_hint=lang)

    assert result.urgent
    assert result.category == "security_incident"


@pytest.mark.parametrize(("lang", "text"), QUESTIONS_ABOUT_THEM)
def test_questions_about_the_same_signs_are_not_urgent(lang, text):
    assert not analyze(text, lang_hint=lang).urgent


EXPLAINED_AWAY = [
    ("en", "my balance dropped this morning, turned out it was the network fee on my own transfer"),
    ("zh-hans", "余额少了一截，原来是我自己设置的定投扣款"),
    ("zh-hant", "餘額突然變少，後來發現是我自己轉去冷錢包"),
    ("ko", "잔고가 줄어서 놀랐는데 알고 보니 제가 개인 지갑으로 보낸 거였어요"),
    ("ja", "残高が減っていたのは勘違いで、自分で出金していただけでした"),
]


@pytest.mark.parametrize(("lang", "text"), EXPLAINED_AWAY)
def test_a_scare_the_customer_explains_away_is_not_urgent(lang, text):
    assert not analyze(text, lang_hint=lang).urgent


def test_the_anti_phishing_code_is_no_word_of_prevention():
    """방지 ("prevent") inside 피싱방지코드 does not deny the change the customer did not make."""
    assert analyze("피싱방지코드가 바뀌었어요 제가 바꾼 거 아니에요", lang_hint="ko").urgent


ACCUSING_THE_EXCHANGE = [
    ("en", "you guys liquidated me at a fake price, you basically stole my money"),
    ("zh-hans", "你们就是抢钱，强平价格根本不对"),
    ("ko", "거래소가 제 돈 훔쳐간 거나 마찬가지예요 청산 가격이 말이 안 돼요"),
    ("ja", "取引所が私のお金を盗んだのと同じです ロスカット価格がおかしい"),
]


@pytest.mark.parametrize(("lang", "text"), ACCUSING_THE_EXCHANGE)
def test_the_exchange_accused_of_stealing_by_its_own_decision_is_no_incident(lang, text):
    """A complaint about a liquidation or a fee, not someone else in the account."""
    assert not analyze(text, lang_hint=lang).urgent


def test_unknown_tokens_that_arrived_are_no_incident_in_the_clause_that_tells_them():
    text = "계정에 이상한 토큰이 들어와 있어요 산 적 없는데 해킹당한 건가요?"
    assert not analyze(text, lang_hint="ko").urgent
