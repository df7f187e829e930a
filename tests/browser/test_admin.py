"""The admin's article editor under our Content-Security-Policy: the language tabs work (jQuery UI
served by us from its package, no outside host), each language's field says its language, and
an edit saves."""

import pytest

from helpcenter.demo import load_demo_articles
from helpcenter.models import Article
from tests.browser.conftest import pass_second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "kyc-verification-levels-limits"


@pytest.mark.parametrize(
    ("language", "korean_title_label"),
    [("en", "Title (Korean)"), ("ko", "(한국어)")],
)
def test_the_article_editor_switches_languages_and_saves(
    live_server, page_factory, admin_user, language, korean_title_label
):
    load_demo_articles()
    article = Article.objects.get(slug=SLUG)
    page = page_factory(viewport={"width": 1280, "height": 800})
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: request.url.startswith(live_server.url) or outside.append(request.url),
    )
    page.context.add_cookies(
        [{"name": "support_language", "value": language, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/admin/helpcenter/article/{article.pk}/change/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_load_state("networkidle")
    pass_second_factor(page, admin_user.username)

    title = {code: page.locator(f"#id_title_{code}") for code in ("en", "ko", "ja")}
    page.locator("a[href='#tab_id_title_ja']").click()  # tabs: one language at a time
    assert [code for code, field in title.items() if field.is_visible()] == ["ja"]
    page.locator("a[href='#tab_id_title_ko']").click()
    assert [code for code, field in title.items() if field.is_visible()] == ["ko"]
    assert korean_title_label in page.locator("label[for=id_title_ko]").inner_text()
    labels = [page.locator(f"label[for=id_title_{code}]").inner_text() for code in ("en", "ja")]
    assert len(set(labels)) == 2  # not five identical "Title:" labels

    title["ko"].fill("인증 단계와 한도 (개정)")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("networkidle")

    article.refresh_from_db()
    assert article.title_ko == "인증 단계와 한도 (개정)"
    assert outside == []
    assert problems == []  # a CSP refusal is reported as a console error
