"""The translation status board and the feedback / stale report."""

from datetime import date, timedelta

from helpcenter.models import Article
from helpcenter.selectors import feedback_report, translation_status
from helpcenter.services import feedback_record
from support.registry import customer_panels
from tests.helpcenter.conftest import make_article

TODAY = date(2026, 11, 25)


def test_translation_status_tells_human_converted_and_missing(section):
    make_article(section, "with-chinese", title_zh_hans="冷钱包", body_zh_hans="资金存放在冷钱包。")
    make_article(section, "english-only")
    rows = {row.article.slug: dict(row.states) for row in translation_status()}
    assert rows["with-chinese"] == {
        "en": "human",
        "zh-hans": "human",
        "zh-hant": "converted",
        "ko": "missing",
        "ja": "missing",
    }
    assert rows["english-only"]["zh-hant"] == "missing"


def test_feedback_report_lists_least_helpful_first_and_flags_stale(section):
    liked = make_article(section, "liked", last_reviewed=TODAY)
    disliked = make_article(section, "disliked", last_reviewed=TODAY - timedelta(days=400))
    unvoted = make_article(section, "unvoted")
    Article.objects.filter(pk=liked.pk).update(helpful_count=9, not_helpful_count=1)
    Article.objects.filter(pk=disliked.pk).update(helpful_count=1, not_helpful_count=3)
    rows = feedback_report(today=TODAY)
    assert [row.article.slug for row in rows] == ["disliked", "liked", "unvoted"]
    assert [row.stale for row in rows] == [True, False, True]
    assert rows[0].helpful_share == 0.25
    assert unvoted.last_reviewed is None


def test_admin_report_pages_render_for_admins_only(client, section, admin_user, customer):
    make_article(section, "cold-storage")
    urls = [
        "/admin/helpcenter/article/translation-status/",
        "/admin/helpcenter/article/feedback-report/",
    ]
    client.force_login(customer)
    assert [client.get(url).status_code for url in urls] == [302, 302]
    client.force_login(admin_user)
    pages = [client.get(url) for url in urls]
    assert [page.status_code for page in pages] == [200, 200]
    assert "cold-storage" in pages[0].content.decode()
    assert "cold-storage" in pages[1].content.decode()


def test_supervisor_dashboard_shows_help_center_figures(client, section, supervisor, customer):
    article = make_article(section, "cold-storage", last_reviewed=date.today())
    feedback_record(article=article, helpful=True, language="en", user=customer)
    feedback_record(article=article, helpful=False, language="en", user=customer)
    client.force_login(supervisor)
    page = client.get("/console/dashboards/").content.decode()
    assert "Help center" in page
    assert "50 %" in page


def test_customer_360_lists_the_articles_the_customer_rated(section, customer, other_customer):
    article = make_article(section, "cold-storage")
    feedback_record(article=article, helpful=False, language="ko", user=customer)
    feedback_record(article=article, helpful=True, language="en", user=other_customer)
    rows = customer_panels(customer)["help center"]
    assert rows == [
        {
            "title": "Cold storage of customer funds",
            "status": "not helpful",
            "url": "/en/help/articles/cold-storage/",
        }
    ]


def test_console_links_content_managers_to_the_articles(client, admin_user, agent):
    client.force_login(admin_user)
    nav = {item["key"]: item["url"] for item in client.get("/console/").context["console_nav"]}
    assert nav["helpcenter"] == "/admin/helpcenter/article/"
    client.force_login(agent)
    nav = [item["key"] for item in client.get("/console/").context["console_nav"]]
    assert "helpcenter" not in nav
