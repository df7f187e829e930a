"""The asker accepts an answer on the topic page, then support lock the topic."""

import pytest

from helpcenter.services import post_reply, topic_create
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asker_accepts_an_answer_and_support_lock_the_topic(
    live_server, page_factory, customer, agent, other_customer
):
    topic = topic_create(
        author=customer, title="Is TRC20 cheaper?", body="Which network costs less?", language="en"
    )
    answer = post_reply(topic=topic, author=other_customer, body="TRC20 fees are about 1 USDT.")
    post_reply(topic=topic, author=customer, body="Thanks! Anyone tried BEP20?")
    page = page_factory()
    log_in(page, live_server.url, "en", "owner@example.com")
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    page.locator(f"#post-{answer.pk} button", has_text="Accept as answer").click()
    page.locator("#accepted-answer").wait_for()
    assert "by the author" in page.locator("#accepted-answer").inner_text()
    assert page.locator(f"#post-{answer.pk} .help-badge").inner_text() == "Accepted answer"
    screenshot(page, "forum-accepted-answer-en")

    staff = page_factory()
    log_in(staff, live_server.url, "en", "agent@example.com")
    staff.goto(f"{live_server.url}{topic.get_absolute_url()}")
    staff.fill("#id_reason", "Answered; see the fees article.")
    staff.locator("button", has_text="Lock").click()
    staff.locator("#topic-locked").wait_for()
    page.reload()
    assert "Answered; see the fees article." in page.locator("#topic-locked").inner_text()
    assert page.locator("#id_body").count() == 0
    screenshot(page, "forum-locked-en")
