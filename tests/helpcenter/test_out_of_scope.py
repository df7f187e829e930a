"""Market predictions and investment advice: no article answers them, so search says so."""

import pytest

from helpcenter.search import ANSWER_THRESHOLD, search
from helpcenter.search.out_of_scope import asks_for_a_prediction


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
