"""The public help center: pages, language fallbacks, feedback, SEO."""

import pytest
from django.utils import translation
from django.utils.html import escape

from helpcenter.models import Article, ArticleFeedback
from tests.helpcenter.conftest import make_article

ARTICLE = "/{lang}/help/articles/{slug}/"
CONVERTED = (
    "This article was converted automatically from Simplified Chinese; "
    "a reviewed Traditional Chinese version is not available yet."
)
NOT_AVAILABLE = "This article is not yet available in your language."


def translated(message: str, language: str) -> str:
    """The notice as the reader sees it (the lead's translations change over time)."""
    with translation.override(language):
        return escape(translation.gettext(message))


def test_home_lists_categories_and_popular_articles(client, demo_articles):
    response = client.get("/ja/help/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "本人確認" in html  # a category name in Japanese
    assert 'href="/ja/help/articles/' in html
    assert 'href="/ja/help/"' in html  # the site navigation entry


def test_category_and_section_pages_list_public_articles(client, demo_articles):
    category = client.get("/en/help/kyc/")
    assert category.status_code == 200
    assert "How to complete identity verification (KYC)" in category.content.decode()
    assert "internal-kyc-rejection-codes" not in category.content.decode()
    section = client.get("/en/help/kyc/identity-verification/")
    assert section.status_code == 200
    assert "kyc-verification-rejected" in section.content.decode()


def test_article_page_renders_sanitised_markdown_with_a_table_of_contents(client, section):
    body = "Intro text. " * 60 + "\n\n**First**\n\nOne.\n\n**Second**\n\nTwo.\n\n**Third**\n\n"
    body += "<script>alert(1)</script> [bad](javascript:alert(1))"
    make_article(section, "long-guide", body_en=body)
    html = client.get(ARTICLE.format(lang="en", slug="long-guide")).content.decode()
    assert '<h2 id="first">First</h2>' in html
    assert 'href="#third"' in html
    assert "<script>alert" not in html
    assert "javascript:" not in html


def test_zh_hant_reader_gets_the_converted_simplified_text_with_a_notice(client, demo_articles):
    html = client.get(ARTICLE.format(lang="zh-hant", slug="kyc-how-to-verify-identity")).content
    html = html.decode()
    assert "如何完成身分驗證（KYC）" in html
    assert translated(CONVERTED, "zh-hant") in html


def test_missing_language_falls_back_to_english_with_a_notice(client, section):
    make_article(section, "english-only")
    response = client.get(ARTICLE.format(lang="ko", slug="english-only"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cold storage of customer funds" in html
    assert translated(NOT_AVAILABLE, "ko") in html


def test_article_with_only_another_translation_is_not_a_404(client, section):
    make_article(section, "japanese-only", title_en="", body_en="", title_ja="出金の停止について")
    response = client.get(ARTICLE.format(lang="en", slug="japanese-only"))
    assert response.status_code == 200
    assert "<h1>出金の停止について</h1>" in response.content.decode()
    assert "not yet available in your language" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_internal_article_is_hidden_from_customers(client, demo_articles, customer, who):
    if who == "customer":
        client.force_login(customer)
    response = client.get(ARTICLE.format(lang="en", slug="internal-escalation-matrix"))
    assert response.status_code == 404


def test_internal_article_is_shown_to_agents(client, demo_articles, agent):
    client.force_login(agent)
    response = client.get(ARTICLE.format(lang="en", slug="internal-escalation-matrix"))
    assert response.status_code == 200


def test_draft_article_is_a_404(client, section):
    make_article(section, "draft-guide", status=Article.Status.DRAFT)
    assert client.get(ARTICLE.format(lang="en", slug="draft-guide")).status_code == 404


def test_feedback_is_stored_with_comment_and_query(client, section, customer):
    article = make_article(section, "cold-storage")
    client.force_login(customer)
    response = client.post(
        f"/en/help/articles/{article.slug}/feedback/",
        {"helpful": "no", "comment": "Still stuck", "q": "cold wallet"},
    )
    assert response.status_code == 302
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.comment, feedback.query) == (
        False,
        "Still stuck",
        "cold wallet",
    )
    assert feedback.user == customer
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (0, 1)


def test_feedback_on_an_internal_article_by_a_customer_changes_nothing(client, section, customer):
    article = make_article(section, "playbook", audience=Article.Audience.INTERNAL)
    client.force_login(customer)
    response = client.post(f"/en/help/articles/{article.slug}/feedback/", {"helpful": "yes"})
    assert response.status_code == 404
    assert ArticleFeedback.objects.count() == 0


def test_still_need_help_link_carries_the_article_and_last_query(client, section):
    make_article(section, "cold-storage")
    client.get("/en/help/search/", {"q": "cold wallet"})
    html = client.get(ARTICLE.format(lang="en", slug="cold-storage")).content.decode()
    assert 'href="/en/contact/?article=cold-storage&amp;q=cold+wallet"' in html


def test_article_page_counts_views(client, section):
    article = make_article(section, "cold-storage")
    client.get(ARTICLE.format(lang="en", slug="cold-storage"))
    article.refresh_from_db()
    assert article.view_count == 1


def test_search_page_lists_results_linking_with_the_query(client, demo_articles):
    html = client.get("/ko/help/search/", {"q": "출금 수수료"}).content.decode()
    assert 'href="/ko/help/articles/fees-withdrawal-fees-minimums/?q=' in html


def test_article_page_has_seo_meta_canonical_and_hreflang(client, demo_articles):
    html = client.get(ARTICLE.format(lang="ja", slug="password-reset-steps")).content.decode()
    assert '<meta name="description"' in html
    url = "http://testserver/{}/help/articles/password-reset-steps/"
    assert f'<link rel="canonical" href="{url.format("ja")}">' in html
    for lang in ["en", "zh-hans", "zh-hant", "ko", "ja"]:
        assert f'<link rel="alternate" hreflang="{lang}" href="{url.format(lang)}">' in html
    assert 'hreflang="x-default"' in html


def test_sitemap_lists_public_articles_in_every_language(client, demo_articles):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<loc>http://testserver/ko/help/articles/password-reset-steps/</loc>" in xml
    assert 'hreflang="zh-hant" href="http://testserver/zh-hant/help/articles/' in xml
    assert "internal-escalation-matrix" not in xml


def test_second_vote_from_the_same_session_is_not_counted(client, section):
    article = make_article(section, "cold-storage")
    url = f"/en/help/articles/{article.slug}/feedback/"
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    article.refresh_from_db()
    assert (article.helpful_count, ArticleFeedback.objects.count()) == (1, 1)
    html = client.get(ARTICLE.format(lang="en", slug="cold-storage")).content.decode()
    assert 'name="helpful"' not in html
