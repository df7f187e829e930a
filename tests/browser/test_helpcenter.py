"""A customer finds a withdrawal answer in Japanese, says it did not help, and asks for more."""

from urllib.parse import parse_qs, urlparse

import pytest

from helpcenter.demo import load_demo_articles
from helpcenter.forum import topic_accept_answer
from helpcenter.models import ArticleFeedback
from helpcenter.services import post_reply, topic_create
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "出金が届かない"


def test_customer_searches_votes_and_follows_still_need_help(live_server, page_factory, customer):
    load_demo_articles()
    page = page_factory()
    log_in(page, live_server.url, "ja", "owner@example.com")
    page.goto(f"{live_server.url}/ja/help/")
    page.fill("#help-search-input", QUERY)
    first = page.locator("#help-live-results li a").first
    first.wait_for()
    screenshot(page, "helpcenter-live-results-ja")
    first.click()  # records the settled search first (up to 0.8 s), then navigates
    page.wait_for_url("**/ja/help/articles/**")
    assert parse_qs(urlparse(page.url).query)["q"] == [QUERY]

    page.fill("#id_comment", "まだ届いていません")
    page.locator("button[name=helpful][value=no]").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "helpcenter-article-ja")
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.query, feedback.user) == (False, QUERY, customer)

    link = page.locator("#still-need-help")
    params = parse_qs(urlparse(link.get_attribute("href")).query)
    assert params == {"article": [feedback.article.slug], "q": [QUERY]}
    link.click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path == "/ja/contact/"
    assert parse_qs(urlparse(page.url).query)["q"] == [QUERY]


def test_article_with_a_table_fits_a_phone(live_server, page_factory):
    load_demo_articles()
    page = page_factory(viewport={"width": 375, "height": 740})
    page.goto(f"{live_server.url}/ko/help/articles/kyc-verification-levels-limits/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "helpcenter-article-phone-ko")


def test_search_as_you_type_lists_community_answers_apart(
    live_server, page_factory, customer, agent
):
    load_demo_articles()
    topic = topic_create(
        author=customer, title="出金が届かない件", body="三時間たっても届きません。", language="ja"
    )
    answer = post_reply(
        topic=topic, author=agent, body="ノードを再起動しました。もう一度お試しください。"
    )
    topic_accept_answer(topic=topic, post=answer, by=customer)
    page = page_factory()
    page.goto(f"{live_server.url}/ja/help/")
    page.fill("#help-search-input", QUERY)
    heading = page.locator("#help-live-results li.help-live-heading")
    heading.wait_for()
    screenshot(page, "helpcenter-live-community-ja")
    community = page.locator("#help-live-results li.help-live-heading ~ li a")
    assert community.first.get_attribute("href") == f"/ja/help/community/{topic.pk}/"
    badges = community.first.locator(".help-badge").all_inner_texts()
    assert badges == ["承認済みの回答", "サポートが回答済み"]
    assert page.locator("#help-live-results li.help-live-heading + li").count() == 1
