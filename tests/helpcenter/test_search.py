"""Search: the ranking on labelled queries, who sees what, and the API's edges."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpcenter.models import Article
from helpcenter.search import ANSWER_THRESHOLD, search
from helpcenter.services import article_unpublish, article_update

DEV_QUERIES = (
    Path(__file__).resolve().parents[2] / "bench" / "data" / "helpcenter-dev-queries.jsonl"
)
API = "/api/v1/helpcenter/search/"
INTERNAL = "internal-account-takeover-handling"


def slugs(query: str, language: str = "en", user=None) -> list[str]:
    return [r.slug for r in search(query, language=language, user=user or AnonymousUser())]


def test_dev_queries_rank_the_expected_article_first(demo_articles):
    queries = [json.loads(line) for line in DEV_QUERIES.read_text().splitlines() if line]
    ranks, by_language = [], {}
    for item in queries:
        language = "en" if item["lang"] == "mixed" else item["lang"]
        found = slugs(item["q"], language)
        expected = item["expected"][0]
        ranks.append(found.index(expected) + 1 if expected in found else None)
        by_language.setdefault(item["lang"], []).append(ranks[-1])
    count = len(ranks)
    hit1 = sum(rank == 1 for rank in ranks) / count
    hit3 = sum(bool(rank and rank <= 3) for rank in ranks) / count
    mrr = sum(1 / rank for rank in ranks if rank) / count
    # Measured 0.950 / 1.000 / 0.969 (docs/helpcenter.md); floors slightly below.
    assert hit1 >= 0.92
    assert hit3 >= 0.98
    assert mrr >= 0.95
    for language, language_ranks in by_language.items():
        top3 = sum(bool(rank and rank <= 3) for rank in language_ranks) / len(language_ranks)
        assert top3 >= 0.93, language


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("提現手續費", "zh-hant", "fees-withdrawal-fees-minimums"),
        ("實名認證怎麼做", "zh-hant", "kyc-how-to-verify-identity"),
        ("本人確認", "en", "kyc-"),
        ("출금", "ko", "withdrawal-"),
        ("how to clear cashe", "en", "technical-clear-cache"),
    ],
)
def test_folding_synonyms_and_typos_find_the_article(demo_articles, query, language, expected):
    found = slugs(query, language)
    assert any(slug.startswith(expected) for slug in found[:3])


def test_scores_are_normalised_best_first_and_shown_in_the_readers_language(demo_articles):
    results = search("提币手续费", language="ja", user=AnonymousUser())
    scores = [result.score for result in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores)
    assert results[0].score >= ANSWER_THRESHOLD
    assert results[0].language == "ja"


def test_unrelated_question_scores_below_the_answer_threshold(demo_articles):
    results = search("what is the weather in paris tomorrow", language="en", user=AnonymousUser())
    assert not results or results[0].score < ANSWER_THRESHOLD


def test_internal_articles_only_for_staff(demo_articles, customer, agent):
    assert INTERNAL not in slugs("account takeover handling", user=customer)
    assert INTERNAL not in slugs("account takeover handling")
    assert INTERNAL in slugs("account takeover handling", user=agent)


def test_unpublished_article_leaves_the_results(demo_articles):
    article = Article.objects.get(slug="technical-clear-cache")
    article_unpublish(article=article, by=None)
    assert "technical-clear-cache" not in slugs("clear cache")


def test_edited_article_is_found_by_its_new_words(demo_articles):
    article = Article.objects.get(slug="technical-clear-cache")
    article_update(article=article, by=None, title_en="Clear the cache of the zebrawallet app")
    assert slugs("zebrawallet")[0] == "technical-clear-cache"


def test_api_returns_results_in_the_documented_shape(client, demo_articles):
    response = client.get(API, {"q": "withdrawal fee", "lang": "en"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert set(first) == {"slug", "title", "snippet", "score", "language"}
    assert first["slug"] == "fees-withdrawal-fees-minimums"


def test_api_internal_articles_only_for_staff(client, demo_articles, customer, agent):
    client.force_login(customer)
    found = [r["slug"] for r in client.get(API, {"q": "escalation matrix"}).json()["results"]]
    assert "internal-escalation-matrix" not in found
    client.force_login(agent)
    found = [r["slug"] for r in client.get(API, {"q": "escalation matrix"}).json()["results"]]
    assert found[0] == "internal-escalation-matrix"


def test_api_rejects_an_unknown_language_naming_the_allowed_ones(client, db):
    response = client.get(API, {"q": "fee", "lang": "fr"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "en, zh-hans, zh-hant, ko, ja" in error["message"]
    assert "lang" in error["fields"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "a",
        "提",
        "x" * 10_000,
        "提币" * 5_000,
        "'; DROP TABLE helpcenter_article; --",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "😀😀😀",
        "KYC实名认证본인인증本人確認",
        "\\ ' \" : & | ! ( ) <->",
        "\x00\x01",
    ],
)
def test_api_bad_input_gives_results_or_nothing_never_an_error(client, demo_articles, query):
    response = client.get(API, {"q": query, "lang": "en"})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)
    assert Article.objects.count() == 44


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_any_text_searches_without_error(demo_articles, query):
    results = search(query, language="zh-hant", user=AnonymousUser())
    assert all(0 <= result.score <= 1 for result in results)


def test_result_links_to_the_page_in_the_readers_language(demo_articles):
    result = search("出金手数料", language="ja", user=AnonymousUser())[0]
    assert result.url == f"/ja/help/articles/{result.slug}/"
