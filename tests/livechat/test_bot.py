"""The bot's policy: handoff in five languages, urgent handoff, answers from the help center."""

import re

import pytest

from helpcenter.models import Category as HelpCategory
from helpcenter.models import Section
from helpcenter.services import article_create
from livechat import bot
from support.text import analyze

pytestmark = pytest.mark.django_db

ASKS_FOR_A_PERSON = [
    ("en", "Can I speak with a real person please?"),
    ("en", "human"),
    ("en", "Please transfer me to an agent"),
    ("zh-hans", "转人工"),
    ("zh-hans", "我要人工客服"),
    ("zh-hant", "麻煩幫我接真人客服"),
    ("zh-hant", "人工服務"),
    ("ko", "상담원 연결해 주세요"),
    ("ko", "사람이랑 얘기하고 싶어요"),
    ("ja", "オペレーターにつないでください"),
    ("ja", "担当者と話したいです"),
]
ONLY_MENTIONS_A_PERSON = [
    ("en", "Does a human review my selfie for verification?"),
    ("zh-hans", "人工审核需要多长时间"),
    ("ko", "상담원 운영 시간 알려주세요"),
    ("ja", "オペレーターの受付時間を教えてください"),
]
SECURITY_INCIDENTS = [
    ("en", "My account got hacked and my BTC is gone"),
    ("zh-hans", "我的账号被盗了，币都没了"),
    ("ko", "계정이 해킹당한 것 같아요"),
    ("ja", "アカウントが乗っ取られて資産が盗まれました"),
]
ASKS_FOR_SECRET = re.compile(
    r"(send|give|tell|enter|type|share) (me|us)? ?(your )?(password|code|seed|private key)",
    re.IGNORECASE,
)


@pytest.mark.parametrize(("lang", "text"), ASKS_FOR_A_PERSON)
def test_asking_for_a_person_hands_off_in_every_language(lang, text):
    decision = bot.decide(text, lang=lang)

    assert decision.action == bot.HANDOFF
    assert decision.reason == bot.ASKED_FOR_HUMAN


@pytest.mark.parametrize(("lang", "text"), ONLY_MENTIONS_A_PERSON)
def test_mentioning_people_is_not_a_request_for_one(lang, text):
    assert bot.decide(text, lang=lang).action in (bot.ANSWER, bot.CLARIFY)


@pytest.mark.parametrize(("lang", "text"), SECURITY_INCIDENTS)
def test_security_incidents_are_urgent_handoffs_with_protective_steps(lang, text):
    decision = bot.decide(text, lang=lang)

    assert decision.action == bot.URGENT_HANDOFF
    assert decision.reason == bot.SECURITY
    assert "two-factor" in bot.decide(text, lang="en").reply


def test_the_bot_clarifies_once_then_hands_off_after_failing_twice():
    first = bot.decide("the thing with the stuff is weird", lang="en", history=[])
    second = bot.decide("the stuff still does the thing", lang="en", history=[first.action])

    assert first.action == bot.CLARIFY
    assert second.action == bot.HANDOFF
    assert second.reason == bot.BOT_FAILED


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "This is ridiculous. Worst service ever, I am furious and fed up with you"),
        ("zh-hans", "真是垃圾平台，气死我了，太失望了"),
        ("ko", "최악이에요 진짜 화나네요 너무 실망했어요"),
    ],
)
def test_a_strongly_negative_customer_is_handed_off(lang, text):
    assert analyze(text, lang_hint=lang).strongly_negative  # the rule's input, from support.text

    decision = bot.decide(text, lang=lang)

    assert decision.action == bot.HANDOFF
    assert decision.reason == bot.NEGATIVE_SENTIMENT


def test_the_bot_answers_from_the_help_center_with_links():
    category = HelpCategory.objects.create(slug="funding", name="Funding")
    section = Section.objects.create(category=category, slug="deposits", name="Deposits")
    article_create(
        section=section,
        slug="deposit-usdt",
        by=None,
        title_en="How to deposit USDT",
        body_en="Open Assets, choose Deposit, pick USDT and the TRC20 or ERC20 network, "
        "then send to the address shown.",
        status="published",
    )

    decision = bot.decide("How do I deposit USDT?", lang="en")

    assert decision.action == bot.ANSWER
    assert [article.slug for article in decision.articles] == ["deposit-usdt"]
    assert "How to deposit USDT" in decision.reply
    assert decision.articles[0].url


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh-hant", "ko", "ja"])
def test_no_bot_reply_asks_for_a_secret(lang):
    replies = [
        bot.decide("the thing is weird", lang=lang).reply,
        bot.decide("human please", lang=lang).reply,
        bot.decide("I was hacked", lang=lang).reply,
        bot.greeting(lang),
    ]

    assert not any(ASKS_FOR_SECRET.search(reply) for reply in replies)
