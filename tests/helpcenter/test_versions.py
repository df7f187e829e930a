"""Every save keeps a version; a version can be compared and restored."""

from helpcenter.models import Article, ArticleVersion
from helpcenter.services import article_restore_version, article_update, version_diff
from tests.helpcenter.conftest import make_article


def test_each_change_keeps_a_version_with_who_and_what(section, agent):
    article = make_article(section, "cold-storage")
    article_update(article=article, by=agent, title_en="Cold wallets")
    versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].editor == agent
    assert versions[1].changed_fields == ["title_en"]


def test_saving_without_changes_keeps_no_version(section, agent):
    article = make_article(section, "cold-storage")
    article_update(article=article, by=agent, title_en="Cold storage of customer funds")
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_restore_brings_back_the_content_as_a_new_version(section, agent):
    article = make_article(section, "cold-storage", tags=["wallet"])
    first = article.versions.get(number=1)
    article_update(article=article, by=agent, title_en="Changed", body_en="New body", tags=[])
    restored = article_restore_version(version=first, by=agent)
    assert (restored.title_en, restored.tags) == ("Cold storage of customer funds", ["wallet"])
    latest = article.versions.order_by("-number").first()
    assert latest.number == 3
    assert latest.note == "restored version 1"
    assert set(latest.changed_fields) == {"title_en", "body_en", "tags"}


def test_diff_shows_removed_and_added_lines(section, agent):
    article = make_article(section, "cold-storage")
    article_update(article=article, by=agent, body_en="We keep funds offline.")
    old, new = article.versions.order_by("number")
    diff = version_diff(old=old, new=new)
    assert set(diff) == {"body_en"}
    assert "-We keep most customer funds in cold storage wallets." in diff["body_en"]
    assert "+We keep funds offline." in diff["body_en"]


def test_admin_restore_action_restores_one_version(client, section, admin_user):
    article = make_article(section, "cold-storage")
    article_update(article=article, by=admin_user, title_en="Changed")
    client.force_login(admin_user)
    first = article.versions.get(number=1)
    response = client.post(
        "/admin/helpcenter/articleversion/",
        {"action": "restore", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Cold storage of customer funds"
    assert article.versions.count() == 3


def test_admin_publish_action_publishes_with_a_version(client, section, admin_user):
    article = make_article(section, "cold-storage", status=Article.Status.DRAFT)
    client.force_login(admin_user)
    client.post(
        "/admin/helpcenter/article/", {"action": "publish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.versions.first().note == "published"


def test_admin_pages_show_articles_and_version_diffs(client, section, admin_user):
    article = make_article(section, "cold-storage")
    client.force_login(admin_user)
    version = article.versions.get()
    assert client.get(f"/admin/helpcenter/article/{article.pk}/change/").status_code == 200
    assert client.get("/admin/helpcenter/article/").status_code == 200
    page = client.get(f"/admin/helpcenter/articleversion/{version.pk}/change/")
    assert "+Cold storage of customer funds" in page.content.decode()


def test_admin_edit_form_saves_a_version_by_the_editor(client, section, admin_user):
    article = make_article(section, "cold-storage", tags=["wallet"])
    client.force_login(admin_user)
    data = {
        "section": section.pk,
        "slug": "cold-storage",
        "title_en": "Cold storage, explained",
        "body_en": article.body_en,
        "tags": "wallet,cold",
        "status": "published",
        "audience": "public",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": article.versions.get().pk,
        "versions-0-article": article.pk,
    }
    response = client.post(f"/admin/helpcenter/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = article.versions.order_by("-number").first()
    assert (latest.number, latest.editor) == (2, admin_user)
    assert set(latest.changed_fields) == {"title_en", "tags"}


def test_admin_add_form_creates_a_first_version_and_indexes(client, section, admin_user):
    client.force_login(admin_user)
    data = {
        "section": section.pk,
        "slug": "staking-rewards",
        "title_en": "When are staking rewards paid?",
        "body_en": "Rewards are paid daily.",
        "title_ko": "스테이킹 보상은 언제 지급되나요?",
        "tags": "staking",
        "status": "published",
        "audience": "public",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/admin/helpcenter/article/add/", data, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="staking-rewards")
    assert (article.versions.get().editor, article.versions.get().note) == (admin_user, "created")
    assert sorted(article.documents.values_list("language", flat=True)) == ["en", "ko"]
