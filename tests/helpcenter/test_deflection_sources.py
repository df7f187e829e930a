"""The contact form and the chat bot feed the same search records as the help center."""

from django.utils import timezone

from helpcenter.models import DeflectionRecord, SearchRecord
from helpcenter.selectors import no_answer_searches
from livechat import bot
from livechat.knowledge import search_articles
from tests.helpcenter.conftest import make_article

API = "/api/v1/helpcenter/search/"
SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def test_the_bot_records_its_search_with_source_chat(section):
    make_article(section, "cold-storage")

    decision = bot.decide("Where do you keep cold storage funds?", lang="en")

    record = SearchRecord.objects.get()
    assert decision.action == bot.ANSWER
    assert (record.source, record.language, record.results_count) == ("chat", "en", 1)
    assert record.best_score == decision.articles[0].score
    assert record.query == "Where do you keep cold storage funds?"


def test_a_chat_search_without_an_answer_reaches_the_no_answer_report(db):
    articles = search_articles("weather forecast tomorrow", lang="en")

    record = SearchRecord.objects.get()
    assert articles == []
    assert (record.source, record.results_count, record.best_score) == ("chat", 0, 0.0)
    rows = no_answer_searches(now=timezone.now())
    assert [(row.normalized_query, row.searches) for row in rows] == [
        ("weather forecast tomorrow", 1)
    ]


def test_a_chat_search_is_stored_redacted(db):
    search_articles(f"my words are {SEED}", lang="en")

    record = SearchRecord.objects.get()
    assert record.source == "chat"
    assert "abandon" not in record.query
    assert record.query.startswith("my words are ")


def test_an_empty_chat_search_records_nothing(db):
    assert search_articles("   ", lang="en") == []
    assert SearchRecord.objects.count() == 0


def test_the_contact_form_source_is_recorded_with_its_deflection(client, section):
    article = make_article(section, "cold-storage")
    response = client.get(API, {"q": "cold storage", "lang": "en", "source": "contact_form"})
    search_id = response.json()["search_id"]

    click = client.post(f"{API}{search_id}/click/", {"slug": "cold-storage"}, "application/json")
    # The contact form's pagehide beacon is form-encoded.
    beacon = client.post(
        f"{API}{search_id}/deflection/",
        "outcome=deflected",
        content_type="application/x-www-form-urlencoded",
    )

    record = SearchRecord.objects.get()
    assert (click.status_code, beacon.status_code) == (204, 204)
    assert (record.pk, record.source, record.clicked_article) == (
        search_id,
        "contact_form",
        article,
    )
    deflection = DeflectionRecord.objects.get()
    assert (deflection.search_id, deflection.source, deflection.outcome) == (
        search_id,
        "contact_form",
        "deflected",
    )


def test_the_bot_still_answers_when_recording_fails(section, monkeypatch):
    make_article(section, "cold-storage")

    def broken(**_fields):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("livechat.knowledge.search_record", broken)
    decision = bot.decide("Where do you keep cold storage funds?", lang="en")

    assert decision.action == bot.ANSWER
    assert [article.slug for article in decision.articles] == ["cold-storage"]
    assert SearchRecord.objects.count() == 0
