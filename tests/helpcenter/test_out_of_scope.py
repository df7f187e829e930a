"""Market predictions, investment advice, other companies' services and requests that are no
support question: no article answers them, so search says so."""

import pytest

from helpcenter.search import ANSWER_THRESHOLD, search
from helpcenter.search.out_of_scope import (
    asks_about_another_service,
    asks_for_a_prediction,
    is_not_a_support_question,
)


@pytest.mark.parametrize(
    "query",
    [
        "will btc go up this week",
        "is eth a good long term investment",
        "should i buy now or wait",
        "现在买什么币好",
        "今天為什麼大跌",
        "今買うならどのコイン",
        "ビットコインはまだ上がりますか",
        "지금 무슨 코인 사야돼요",
        "비트코인 오를까요",
    ],
)
def test_predictions_and_investment_advice_are_recognised(query):
    assert asks_for_a_prediction(query)


@pytest.mark.parametrize(
    "query",
    [
        "my stop loss did not trigger in the crash",
        "I sent USDT on BEP20 instead of ERC20, can it be recovered?",
        "why did my withdrawal fail",
        "暴落時に注文が約定しませんでした",
        "폭락 때 청산당했어요",
        "为什么提币一直没到账",
        "how do I buy bitcoin with a card",
    ],
)
def test_questions_about_using_the_exchange_are_not_predictions(query):
    assert not asks_for_a_prediction(query)


@pytest.mark.django_db
def test_a_prediction_gets_no_confident_answer_even_when_its_words_match(demo_articles):
    from django.contrib.auth.models import AnonymousUser

    results = search("will bitcoin deposits go up this week", language="en", user=AnonymousUser())
    plain = search("bitcoin deposits", language="en", user=AnonymousUser())

    assert plain and plain[0].score >= ANSWER_THRESHOLD
    assert not results or results[0].score < ANSWER_THRESHOLD


@pytest.mark.parametrize(
    "query",
    [
        "kraken fees vs yours",
        "forgot my metamask password",
        "火币怎么开合约",
        "微信支付密码忘了",
        "업비트 본인인증 얼마나 걸려요",
        "카카오톡 비번 바꾸는 법",
        "Coincheckの手数料はいくら",
        "LINEのパスワードを忘れた",
    ],
)
def test_questions_about_another_service_are_recognised(query):
    assert asks_about_another_service(query)


@pytest.mark.parametrize(
    "query",
    [
        "withdraw usdt to my metamask, still pending",
        "从币安转过来的币没到账",
        "업비트에서 보낸 코인이 안 들어와요",
        "no verification code in my gmail",
        "someone on wechat says he is your support",
        "bitFlyerから送金したのに反映されない",
        "how do I set up google authenticator",
    ],
)
def test_moving_funds_our_mail_and_impersonators_stay_ours(query):
    assert not asks_about_another_service(query)


@pytest.mark.parametrize(
    "query",
    [
        "are you hiring",
        "我们项目想上币",
        "상장 문의 드립니다",
        "ビットコインのマイニング",
        "add dark mode",
    ],
)
def test_jobs_listings_mining_and_feature_wishes_are_no_support_question(query):
    assert is_not_a_support_question(query)


@pytest.mark.parametrize(
    "query",
    ["resume my withdrawals", "API对接怎么弄", "合约怎么开", "how do I list my open orders"],
)
def test_support_questions_sharing_those_words_stay(query):
    assert not is_not_a_support_question(query)


@pytest.mark.django_db
def test_another_services_question_gets_no_confident_answer(demo_articles):
    from django.contrib.auth.models import AnonymousUser

    results = search("metamask forgot password", language="en", user=AnonymousUser())
    plain = search("forgot password", language="en", user=AnonymousUser())

    assert plain and plain[0].score >= ANSWER_THRESHOLD
    assert not results or results[0].score < ANSWER_THRESHOLD
