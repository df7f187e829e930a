"""Questions an article answers, in customers' words, and the answer confidence."""

from django.contrib.auth.models import AnonymousUser

from helpcenter.models import ArticleQuestion
from helpcenter.search import ANSWER_THRESHOLD, search
from tests.helpcenter.conftest import make_article

QUESTION = "거래소가 망하면 맡긴 코인은 어떻게 되나요"
QUERY = "거래소 망하면 제 코인 어떻게 돼요"


def korean_article(section):
    return make_article(
        section,
        "cold-storage",
        title_ko="고객 자산의 콜드 스토리지 보관",
        body_ko="고객 자산 대부분은 오프라인 콜드 스토리지 지갑에 보관합니다.",
    )


def admin_form(article, questions: list[tuple[str, str]]) -> dict:
    """The article's change form as the admin posts it, with new question rows."""
    data = {
        "section": article.section_id,
        "slug": article.slug,
        "title_en": article.title_en,
        "body_en": article.body_en,
        "title_ko": article.title_ko,
        "body_ko": article.body_ko,
        "tags": "",
        "status": article.status,
        "audience": article.audience,
        "questions-TOTAL_FORMS": str(len(questions)),
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
    for number, (language, text) in enumerate(questions):
        data[f"questions-{number}-language"] = language
        data[f"questions-{number}-text"] = text
        data[f"questions-{number}-article"] = article.pk
    return data


def first_slug(query: str, language: str) -> str | None:
    results = search(query, language=language, user=AnonymousUser())
    return results[0].slug if results else None


def test_a_question_added_in_the_admin_lets_a_customer_phrasing_find_the_article(
    client, section, admin_user
):
    article = korean_article(section)
    assert first_slug(QUERY, "ko") is None  # the article's text has none of these words
    client.force_login(admin_user)
    page = client.get(f"/admin/helpcenter/article/{article.pk}/change/")
    assert "questions-TOTAL_FORMS" in page.content.decode()

    response = client.post(
        f"/admin/helpcenter/article/{article.pk}/change/", admin_form(article, [("ko", QUESTION)])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    saved = ArticleQuestion.objects.get(article=article)
    assert (saved.language, saved.text) == ("ko", QUESTION)
    assert first_slug(QUERY, "ko") == "cold-storage"


def test_the_inline_deletes_a_question_and_the_search_forgets_it(client, section, admin_user):
    article = korean_article(section)
    client.force_login(admin_user)
    client.post(
        f"/admin/helpcenter/article/{article.pk}/change/", admin_form(article, [("ko", QUESTION)])
    )
    question = ArticleQuestion.objects.get(article=article)
    data = admin_form(article, [])
    data.update(
        {
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "1",
            "questions-0-id": question.pk,
            "questions-0-article": article.pk,
            "questions-0-language": "ko",
            "questions-0-text": QUESTION,
            "questions-0-DELETE": "on",
        }
    )

    response = client.post(f"/admin/helpcenter/article/{article.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not ArticleQuestion.objects.filter(article=article).exists()
    assert first_slug(QUERY, "ko") is None


def test_a_question_in_a_language_without_text_is_searched_with_the_text_readers_see(
    section,
):
    from helpcenter.services import article_set_questions

    article = make_article(section, "cold-storage")  # English only
    article_set_questions(article=article, questions={"ja": ["取引所が潰れたら預けた資産は"]})
    assert first_slug("取引所が潰れたら資産はどうなる", "ja") == "cold-storage"


def test_the_confidence_keeps_an_unrelated_question_below_the_threshold(demo_articles):
    for query, language in [
        ("which pizza place near the harbour delivers after midnight", "en"),
        ("明天首尔会下雪吗", "zh-hans"),
        ("강아지 예방접종은 몇 살부터 해요", "ko"),
    ]:
        results = search(query, language=language, user=AnonymousUser())
        assert not results or results[0].score < ANSWER_THRESHOLD, (query, results[:1])


def test_the_confidence_keeps_a_plain_support_question_above_the_threshold(demo_articles):
    results = search("I can't remember my password", language="en", user=AnonymousUser())
    assert results[0].slug == "password-reset-steps"
    assert results[0].score >= ANSWER_THRESHOLD
    scores = [result.score for result in results]
    assert scores == sorted(scores, reverse=True)


def test_demo_articles_come_with_questions_in_each_language(demo_articles):
    languages = set(ArticleQuestion.objects.values_list("language", flat=True))
    assert languages == {"en", "zh-hans", "zh-hant", "ko", "ja"}
