"""A customer and an agent log in and see their home pages in each of the five languages."""

import pytest

from tests.browser.conftest import pass_second_factor, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMER_HOME = {
    "en": "How can we help?",
    "zh-hans": "有什么可以帮您？",
    "zh-hant": "有什麼可以幫您？",
    "ko": "무엇을 도와드릴까요?",
    "ja": "どのようなご用件でしょうか？",
}
CONSOLE_TITLE = {
    "en": "Agent console",
    "zh-hans": "客服工作台",
    "zh-hant": "客服工作台",
    "ko": "상담원 콘솔",
    "ja": "オペレーターコンソール",
}


def log_in(page, base: str, language: str, email: str) -> None:
    page.goto(f"{base}/{language}/accounts/log-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    pass_second_factor(page, email)


def switch_language(page, language: str) -> None:
    page.select_option("#language-select", language)
    page.locator(".language-switcher button").click()
    page.wait_for_load_state("networkidle")


def test_customer_sees_the_home_page_in_every_language(live_server, page_factory, customer):
    page = page_factory()
    log_in(page, live_server.url, "en", "owner@example.com")
    assert page.url.endswith("/ko/")  # the customer's preferred language
    for language, title in CUSTOMER_HOME.items():
        switch_language(page, language)
        assert page.url.endswith(f"/{language}/")
        assert page.locator("h1").inner_text() == title
        assert page.locator("html").get_attribute("lang") == language
        screenshot(page, f"customer-home-{language}")


def test_agent_sees_the_console_in_every_language(live_server, page_factory, agent):
    page = page_factory(viewport={"width": 1280, "height": 800})
    log_in(page, live_server.url, "en", "agent@example.com")
    assert page.url.endswith("/console/")
    for language, title in CONSOLE_TITLE.items():
        switch_language(page, language)
        assert page.url.endswith("/console/")
        assert page.locator(".brand").inner_text() == title
        screenshot(page, f"agent-console-{language}")


def test_home_page_fits_a_phone(live_server, page_factory):
    page = page_factory(viewport={"width": 375, "height": 740})
    page.goto(f"{live_server.url}/ja/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(page, "customer-home-phone-ja")
