"""Community answers in help-center search: found in any script, hidden at once, never the bot's."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.renderers import JSONRenderer

from helpcenter.api import SearchResponseSerializer
from helpcenter.models import CommunityTerm, ForumTopic
from helpcenter.search import search, search_community, search_with_community
from helpcenter.search.index import reindex_all
from helpcenter.services import post_hide, post_reply, post_unhide, topic_create
from livechat import bot
from tests.helpcenter.conftest import make_article

ANONYMOUS = AnonymousUser()


@pytest.fixture
def chinese_topic(customer) -> ForumTopic:
    return topic_create(
        author=customer,
        title="提现一直没到账",
        body="我的USDT提现已经三个小时了，还是没有到账，怎么办？",
        language="zh-hans",
    )


@pytest.fixture
def english_topic(customer) -> ForumTopic:
    return topic_create(
        author=customer,
        title="Withdrawal stuck for hours",
        body="My BTC withdrawal has been pending since this morning.",
        language="en",
    )


def found(query: str, language: str = "en") -> list[int]:
    return [r.id for r in search_community(query, language=language, user=ANONYMOUS)]


def test_a_question_is_found_by_a_chinese_and_an_english_query(chinese_topic, english_topic):
    assert found("提現沒到賬", "zh-hant")[0] == chinese_topic.pk
    assert found("withdrawal pending")[0] == english_topic.pk


def test_a_community_result_says_what_it_is(chinese_topic):
    [result] = search_community("提现没到账", language="zh-hans", user=ANONYMOUS)
    assert (result.id, result.title) == (chinese_topic.pk, "提现一直没到账")
    assert result.language == "zh-hans"
    assert result.url == f"/zh-hans/help/community/{chinese_topic.pk}/"
    assert result.snippet == "我的USDT提现已经三个小时了，还是没有到账，怎么办？"
    assert (result.answered, result.staff_answer) == (False, False)
    assert 0 < result.score <= 1


def test_a_reply_is_found_and_marks_the_topic_answered(english_topic, other_customer):
    assert found("testnet faucet") == []
    post_reply(topic=english_topic, author=other_customer, body="Check the testnet faucet first.")
    [result] = search_community("testnet faucet", language="en", user=ANONYMOUS)
    assert (result.id, result.answered, result.staff_answer) == (english_topic.pk, True, False)


def test_a_staff_reply_is_found_and_badged(english_topic, agent):
    post_reply(topic=english_topic, author=agent, body="We restarted the BTC node; try again.")
    [result] = search_community("node restarted", language="en", user=ANONYMOUS)
    assert (result.id, result.answered, result.staff_answer) == (english_topic.pk, True, True)


def test_a_hidden_topic_disappears_at_once_for_everyone(english_topic, agent):
    post_hide(post=english_topic.posts.get(), by=agent)
    assert found("withdrawal pending") == []
    assert search_community("withdrawal pending", language="en", user=agent) == []


def test_a_hidden_reply_is_no_longer_found_but_the_question_is(
    english_topic, agent, other_customer
):
    spam = post_reply(topic=english_topic, author=other_customer, body="Free airdrop giveaway")
    assert found("airdrop giveaway") == [english_topic.pk]
    post_hide(post=spam, by=agent)
    assert found("airdrop giveaway") == []
    [result] = search_community("withdrawal pending", language="en", user=ANONYMOUS)
    assert (result.id, result.answered) == (english_topic.pk, False)


def test_an_unhidden_topic_is_found_again(english_topic, agent):
    question = english_topic.posts.get()
    post_hide(post=question, by=agent)
    post_unhide(post=question, by=agent)
    assert found("withdrawal pending") == [english_topic.pk]


def test_reindex_all_rebuilds_the_topics_with_the_same_frequencies(
    chinese_topic, english_topic, other_customer
):
    post_reply(topic=english_topic, author=other_customer, body="Pending withdrawals clear slowly.")
    before = dict(CommunityTerm.objects.values_list("token", "documents"))
    reindex_all()
    assert dict(CommunityTerm.objects.values_list("token", "documents")) == before
    assert found("withdrawal pending")[0] == english_topic.pk
    assert found("提现没到账", "zh-hans")[0] == chinese_topic.pk


def test_topics_change_no_article_result(section, customer):
    make_article(section, "withdrawal-delays", title_en="Withdrawal delays", body_en="Pending.")
    before = search("withdrawal pending", language="en", user=ANONYMOUS)
    topic_create(author=customer, title="Withdrawal pending", body="Pending!", language="en")
    assert search("withdrawal pending", language="en", user=ANONYMOUS) == before


def test_the_bot_never_answers_from_the_community(db, english_topic):
    decision = bot.decide("My BTC withdrawal has been pending since this morning", lang="en")
    assert decision.action != bot.ANSWER
    assert decision.articles == []


def test_the_api_gives_anonymous_readers_the_community_list(client, english_topic):
    response = client.get("/api/v1/helpcenter/search/", {"q": "withdrawal pending", "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == []
    [topic] = body["community"]
    assert set(topic) == {
        "id",
        "title",
        "snippet",
        "score",
        "language",
        "url",
        "answered",
        "staff_answer",
        "accepted_answer",
    }
    assert (topic["id"], topic["title"], topic["url"]) == (
        english_topic.pk,
        "Withdrawal stuck for hours",
        f"/en/help/community/{english_topic.pk}/",
    )
    assert (topic["answered"], topic["staff_answer"], topic["accepted_answer"]) == (
        False,
        False,
        False,
    )


def test_the_api_leaves_hidden_topics_out(client, english_topic, agent):
    post_hide(post=english_topic.posts.get(), by=agent)
    response = client.get("/api/v1/helpcenter/search/", {"q": "withdrawal pending", "live": "1"})
    assert response.json()["community"] == []


def test_the_search_page_shows_community_answers_apart(client, english_topic, agent):
    post_reply(topic=english_topic, author=agent, body="We restarted the BTC node; try again.")
    html = client.get("/en/help/search/", {"q": "withdrawal pending"}).content.decode()
    section = html.split('class="help-community"', 1)[1]
    assert "Community answers" in section
    assert "not from our support team" in section
    link = f'href="/en/help/community/{english_topic.pk}/">Withdrawal stuck for hours</a>'
    assert link in section
    assert "Support replied" in section


def test_the_first_topic_is_found_after_an_empty_index_was_read(customer):
    assert found("withdrawal pending") == []
    topic = topic_create(author=customer, title="Withdrawal pending", body="Why?", language="en")
    assert found("withdrawal pending") == [topic.pk]


def test_the_api_answers_as_its_documented_serializer_shapes_it(
    client, section, english_topic, agent
):
    """The answer is shaped by hand (`search_response`): field for field what the serializer
    the schema documents would give."""
    post_reply(topic=english_topic, author=agent, body="We restarted the BTC node; try again.")
    make_article(
        section,
        "withdrawal-pending",
        title_en="Withdrawal pending",
        body_en="A withdrawal waits for the network.",
    )
    answer = client.get("/api/v1/helpcenter/search/", {"q": "withdrawal pending", "lang": "en"})
    results, community = search_with_community("withdrawal pending", language="en", user=ANONYMOUS)
    expected = SearchResponseSerializer(
        {"results": results, "community": community, "search_id": answer.json()["search_id"]}
    ).data
    assert answer.content == JSONRenderer().render(expected)
    assert [len(answer.json()["results"]), len(answer.json()["community"])] == [1, 1]
