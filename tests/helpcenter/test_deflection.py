"""Search and deflection records: what customers looked for, what they opened, what we lack."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpcenter.models import DeflectionRecord, SearchRecord
from helpcenter.search import ANSWER_THRESHOLD
from helpcenter.selectors import no_answer_searches
from helpcenter.services import deflection_record, search_record
from tests.helpcenter.conftest import make_article

API = "/api/v1/helpcenter/search/"
SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"
REPORT = "/admin/helpcenter/article/no-answer-searches/"


def test_a_search_is_recorded_with_the_secret_redacted(client, section):
    make_article(section, "cold-storage")
    response = client.get(API, {"q": f"cold storage my words are {SEED}", "lang": "en"})
    data = response.json()
    record = SearchRecord.objects.get()
    assert data["search_id"] == record.pk
    assert "abandon" not in record.query
    assert "abandon" not in record.normalized_query
    assert record.query.startswith("cold storage my words are ")
    assert (record.language, record.source, record.results_count) == ("en", "help_search", 1)
    assert record.best_score == data["results"][0]["score"]
    assert record.clicked_article is None


@pytest.mark.django_db(transaction=True)
def test_a_search_outside_a_transaction_is_recorded_in_one_statement(client, section):
    """As in production (no test transaction around it): the record's own transaction, which
    does not wait for the disk, is one round trip, and a failed one leaves nothing behind."""
    make_article(section, "cold-storage")
    with CaptureQueriesContext(connection) as statements:
        record = search_record(
            query=f"cold storage {SEED}",
            language="en",
            source="chat",
            results_count=1,
            best_score=0.5,
        )
    assert len(statements) == 1
    stored = SearchRecord.objects.get()
    assert stored.pk == record.pk
    assert (stored.query, stored.source, stored.best_score) == (record.query, "chat", 0.5)
    assert "abandon" not in stored.query
    with pytest.raises(DatabaseError):
        search_record(query="x", language="x" * 11, source="chat", results_count=0, best_score=0)
    assert SearchRecord.objects.count() == 1  # and the connection still answers
    response = client.get(API, {"q": "cold storage", "lang": "en"})
    assert SearchRecord.objects.get(pk=response.json()["search_id"]).results_count == 1


def test_the_source_is_recorded_and_an_unknown_one_refused(client, section):
    response = client.get(API, {"q": "Withdrawal, PENDING!", "lang": "en", "source": "chat"})
    record = SearchRecord.objects.get()
    assert response.json() == {"results": [], "community": [], "search_id": record.pk}
    assert (record.source, record.normalized_query, record.results_count) == (
        "chat",
        "withdrawal pending",
        0,
    )
    assert client.get(API, {"q": "x", "source": "fax"}).status_code == 400
    assert SearchRecord.objects.count() == 1


def test_an_empty_query_records_nothing(client, db):
    empty = {"results": [], "community": [], "search_id": None}
    assert client.get(API, {"q": "  ", "lang": "en"}).json() == empty
    assert SearchRecord.objects.count() == 0


def test_a_click_is_recorded_once_for_that_search(client, section):
    article = make_article(section, "cold-storage")
    make_article(section, "hot-wallet", title_en="Hot wallet")
    search_id = client.get(API, {"q": "cold storage", "lang": "en"}).json()["search_id"]
    first = client.post(f"{API}{search_id}/click/", {"slug": "cold-storage"}, "application/json")
    second = client.post(f"{API}{search_id}/click/", {"slug": "hot-wallet"}, "application/json")
    assert (first.status_code, second.status_code) == (204, 204)
    assert SearchRecord.objects.get().clicked_article == article


def test_a_click_on_an_unknown_or_old_search_changes_nothing(client, section):
    make_article(section, "cold-storage")
    old = search_record(
        query="cold", language="en", source="help_search", results_count=1, best_score=0.5
    )
    SearchRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    for search_id in (old.pk, old.pk + 1000):
        response = client.post(
            f"{API}{search_id}/click/", {"slug": "cold-storage"}, "application/json"
        )
        assert response.status_code == 404
    assert SearchRecord.objects.get().clicked_article is None


def test_a_deflection_is_recorded_and_a_later_submission_wins(client, section):
    make_article(section, "cold-storage")
    search_id = client.get(API, {"q": "cold storage", "source": "contact_form"}).json()["search_id"]
    url = f"{API}{search_id}/deflection/"
    response = client.post(
        url, {"outcome": "deflected", "slug": "cold-storage"}, "application/json"
    )
    assert response.status_code == 204
    record = DeflectionRecord.objects.get()
    assert (record.outcome, record.source, record.article.slug) == (
        "deflected",
        "contact_form",
        "cold-storage",
    )
    client.post(url, {"outcome": "submitted"}, "application/json")
    assert DeflectionRecord.objects.get().outcome == "submitted"
    client.post(url, {"outcome": "deflected"}, "application/json")
    assert DeflectionRecord.objects.get().outcome == "submitted"


def test_no_answer_report_lists_unanswered_searches_not_answered_ones(db):
    now = timezone.now()
    for query in ("Weather tomorrow?", "weather  tomorrow"):
        search_record(query=query, language="en", source="chat", results_count=2, best_score=0.05)
    search_record(
        query="天气", language="zh-hans", source="help_search", results_count=0, best_score=0
    )
    search_record(
        query="withdrawal pending",
        language="en",
        source="help_search",
        results_count=5,
        best_score=ANSWER_THRESHOLD + 0.3,
    )
    old = search_record(
        query="old thing", language="en", source="chat", results_count=0, best_score=0
    )
    SearchRecord.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    rows = no_answer_searches(now=now)
    assert [(row.normalized_query, row.language, row.searches) for row in rows] == [
        ("weather tomorrow", "en", 2),
        ("天气", "zh-hans", 1),
    ]


def test_only_staff_see_the_no_answer_report(client, db, admin_user, customer):
    search_record(
        query="weather tomorrow", language="en", source="chat", results_count=0, best_score=0
    )
    search_record(
        query="withdrawal pending", language="en", source="chat", results_count=3, best_score=0.6
    )
    client.force_login(customer)
    assert client.get(REPORT).status_code == 302
    client.force_login(admin_user)
    page = client.get(REPORT)
    assert page.status_code == 200
    assert "weather tomorrow" in page.content.decode()
    assert "withdrawal pending" not in page.content.decode()
    assert REPORT in client.get("/admin/helpcenter/article/").content.decode()


def test_dashboard_shows_searches_unanswered_share_and_deflections(client, section, supervisor):
    make_article(section, "cold-storage")
    answered = search_record(
        query="cold storage", language="en", source="contact_form", results_count=1, best_score=0.6
    )
    for _ in range(3):
        search_record(query="weather", language="en", source="chat", results_count=0, best_score=0)
    deflection_record(search_id=answered.pk, outcome="deflected", slug="cold-storage")
    old = search_record(
        query="weather", language="en", source="chat", results_count=0, best_score=0
    )
    SearchRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    client.force_login(supervisor)
    panels = client.get("/console/dashboards/").context["app_panels"]
    figures = {figure["label"]: figure["value"] for figure in panels["helpcenter"]["figures"]}
    assert figures["Searches (7 days)"] == 4
    assert figures["Searches with no good answer (7 days)"] == "75 %"
    assert figures["Deflections (7 days)"] == 1


def test_a_live_suggestion_while_typing_is_not_recorded(client, section):
    make_article(section, "cold-storage")
    for partial in ("co", "cold", "cold sto", "cold storage"):
        data = client.get(API, {"q": partial, "lang": "en", "live": "1"}).json()
        assert data["search_id"] is None
    assert [r["slug"] for r in data["results"]] == ["cold-storage"]
    assert SearchRecord.objects.count() == 0


def test_the_settled_search_is_recorded_once_with_its_click(client, section):
    article = make_article(section, "cold-storage")
    client.get(API, {"q": "cold sto", "lang": "en", "live": "1"})
    search_id = client.get(API, {"q": "cold storage", "lang": "en"}).json()["search_id"]
    client.post(f"{API}{search_id}/click/", {"slug": "cold-storage"}, "application/json")
    record = SearchRecord.objects.get()
    assert (record.query, record.results_count, record.clicked_article) == (
        "cold storage",
        1,
        article,
    )


def test_a_submitted_search_page_is_recorded(client, section):
    make_article(section, "cold-storage")
    html = client.get("/en/help/search/", {"q": "cold storage"}).content.decode()
    record = SearchRecord.objects.get()
    assert (record.query, record.source, record.results_count) == ("cold storage", "help_search", 1)
    assert f'data-search-id="{record.pk}"' in html
    assert client.get("/en/help/search/").status_code == 200
    assert SearchRecord.objects.count() == 1
