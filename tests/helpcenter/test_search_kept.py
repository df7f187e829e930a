"""What a process keeps between searches (`helpcenter.search.kept`): a change made by another
process shows in this one's next search, whatever changed (an article, its translation, its
questions, a vote or a view, the learned answers, a forum topic), and what is kept stays
within its bounds.

"Another process" is simulated here as the existing invalidation is: the change runs with a
count of its own of what it changed (`index._changed_here`), so this process hears of it only
through the generation that process announces in Redis when its transaction commits;
`test_another_process_sees_each_change_at_its_next_search` runs a real second process.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from helpcenter.learning.services import learning_reset
from helpcenter.models import Article, CommunityTerm, SearchTerm
from helpcenter.search import Result, engine, index, kept, search, search_community
from helpcenter.search.kept import LearnedTable, ShownLines, TopicRows
from helpcenter.search.learned import learned_boosts
from helpcenter.services import (
    article_delete,
    article_record_view,
    article_set_questions,
    article_unpublish,
    article_update,
    feedback_record,
    post_hide,
    post_reply,
    topic_create,
)
from helpcenter.text import LANGUAGES, field_name
from tests.helpcenter.conftest import make_article
from tests.helpcenter.test_learning import ARTICLES as LEARNING_ARTICLES
from tests.helpcenter.test_learning import NOT_CREDITED, START, VANISHED, readers, refresh

API = "/api/v1/helpcenter/search/"
ANONYMOUS = AnonymousUser()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def elsewhere(monkeypatch, django_capture_on_commit_callbacks):
    """`with elsewhere():` the block is another process's: this one learns of its changes
    only from the generations announced when the block's transaction commits."""

    @contextmanager
    def another_process():
        own = index._changed_here
        monkeypatch.setattr(index, "_changed_here", Counter())
        with django_capture_on_commit_callbacks(execute=True):
            yield
        monkeypatch.setattr(index, "_changed_here", own)

    return another_process


def results(query: str, language: str = "en", user=ANONYMOUS) -> list[Result]:
    return search(query, language=language, user=user)


def fresh(query: str, language: str = "en", user=ANONYMOUS) -> list[Result]:
    """What a process that kept nothing finds."""
    engine._index.clear()
    kept.forget()
    return results(query, language, user)


@pytest.fixture
def learning_articles(section) -> None:
    for slug, (title, body) in LEARNING_ARTICLES.items():
        make_article(section, slug, title_en=title, body_en=body)


@pytest.fixture
def two_articles(section) -> tuple[Article, Article]:
    first = make_article(section, "cold-storage")
    second = make_article(
        section,
        "hot-wallets",
        title_en="Hot wallets and cold storage",
        body_en="A small share of funds stays in hot wallets for withdrawals.",
    )
    return first, second


def test_an_edit_elsewhere_shows_in_the_next_search(client, two_articles, elsewhere):
    first, _second = two_articles
    assert results("cold storage")[0].title == "Cold storage of customer funds"
    with elsewhere():
        article_update(
            article=first,
            by=None,
            title_en="Cold storage vaults",
            body_en="Most customer funds sleep in offline cold storage vaults.",
        )
    [found, *_] = results("cold storage vaults")
    assert (found.slug, found.title) == ("cold-storage", "Cold storage vaults")
    assert found.snippet == "Most customer funds sleep in offline cold storage vaults."
    assert results("cold storage vaults") == fresh("cold storage vaults")


def test_search_as_you_type_and_the_contact_form_see_an_edit_made_elsewhere(
    client, two_articles, elsewhere
):
    first, _second = two_articles
    typing = {"q": "cold storage", "lang": "en", "live": "1"}
    contact = {"q": "cold storage", "lang": "en", "source": "contact_form"}
    for params in (typing, contact):
        assert client.get(API, params).json()["results"][0]["title"] == first.title_en
    with elsewhere():
        article_update(article=first, by=None, title_en="Cold storage, explained")
    for params in (typing, contact):
        [shown, *_] = client.get(API, params).json()["results"]
        assert (shown["slug"], shown["title"]) == ("cold-storage", "Cold storage, explained")


def test_a_translation_added_elsewhere_is_shown_to_its_readers(two_articles, elsewhere):
    first, _second = two_articles
    [before, *_] = results("cold storage", "ko")
    assert (before.title, before.language) == ("Cold storage of customer funds", "en")
    with elsewhere():
        article_update(
            article=first,
            by=None,
            title_ko="고객 자산 콜드 스토리지",
            body_ko="고객 자산 대부분은 오프라인 콜드 스토리지 지갑에 보관합니다.",
        )
    [after, *_] = results("콜드 스토리지", "ko")
    assert (after.slug, after.title, after.language) == (
        "cold-storage",
        "고객 자산 콜드 스토리지",
        "ko",
    )
    assert after.snippet == "고객 자산 대부분은 오프라인 콜드 스토리지 지갑에 보관합니다."


def test_a_question_added_elsewhere_finds_its_article(two_articles, elsewhere):
    first, _second = two_articles
    assert "cold-storage" not in [r.slug for r in results("are my coins safe if you get hacked")]
    with elsewhere():
        article_set_questions(
            article=first, questions={"en": ["Are my coins safe if you get hacked?"]}
        )
    assert results("are my coins safe if you get hacked")[0].slug == "cold-storage"


def test_a_vote_elsewhere_moves_the_score_of_the_next_search(two_articles, elsewhere):
    first, _second = two_articles
    before = results("cold storage")[0]
    with elsewhere():
        for _ in range(3):
            feedback_record(article=first, helpful=True, language="en", user=ANONYMOUS)
    after = results("cold storage")[0]
    assert after.slug == before.slug == "cold-storage"
    assert after.score > before.score
    assert results("cold storage") == fresh("cold storage")


def test_views_elsewhere_move_the_score_of_the_next_search(two_articles, elsewhere):
    first, _second = two_articles
    before = results("cold storage")[0].score
    with elsewhere():
        for _ in range(20):
            article_record_view(article=first)
    assert results("cold storage")[0].score > before
    assert results("cold storage") == fresh("cold storage")


def test_a_change_nobody_announces_is_not_seen_until_one_is(two_articles, elsewhere):
    """Why the announcements matter: what a process keeps is read once per generation."""
    first, _second = two_articles
    before = results("cold storage")
    Article.objects.filter(pk=first.pk).update(helpful_count=50)  # no service, no announcement
    assert results("cold storage") == before
    with elsewhere():
        feedback_record(article=first, helpful=True, language="en", user=ANONYMOUS)
    assert results("cold storage")[0].score > before[0].score


def test_an_article_unpublished_or_deleted_elsewhere_is_not_found(two_articles, elsewhere):
    first, second = two_articles
    assert [r.slug for r in results("cold storage")] == ["cold-storage", "hot-wallets"]
    with elsewhere():
        article_unpublish(article=first, by=None)
    assert [r.slug for r in results("cold storage")] == ["hot-wallets"]
    with elsewhere():
        article_delete(article=second)
    assert results("cold storage") == []
    assert not SearchTerm.objects.filter(token__in=["hot", "small", "share"]).exists()


def test_articles_deleted_in_the_admin_leave_search(client, admin_user, two_articles):
    first, second = two_articles
    client.force_login(admin_user)
    response = client.post(f"/admin/helpcenter/article/{first.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert [r.slug for r in results("cold storage")] == ["hot-wallets"]
    response = client.post(
        "/admin/helpcenter/article/",
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert results("cold storage") == []
    assert not SearchTerm.objects.exists()


def test_learned_answers_refreshed_or_forgotten_elsewhere_change_the_next_search(
    learning_articles, elsewhere
):
    lexical = [r.slug for r in results(VANISHED)]
    assert lexical.index(NOT_CREDITED) > 0
    readers(VANISHED, NOT_CREDITED, 6)
    with elsewhere():
        refresh()
    assert results(VANISHED)[0].slug == NOT_CREDITED
    assert results(VANISHED) == fresh(VANISHED)
    with elsewhere():
        learning_reset(by=None, language="en", query=VANISHED)
    assert [r.slug for r in results(VANISHED)] == lexical


def test_a_reply_an_answer_and_a_hidden_topic_elsewhere_show_in_the_next_search(
    customer, agent, elsewhere
):
    topic = topic_create(
        author=customer,
        title="Withdrawal stuck for hours",
        body="My BTC withdrawal has been pending since this morning.",
        language="en",
    )
    [before] = search_community("withdrawal pending", language="en", user=ANONYMOUS)
    assert (before.answered, before.staff_answer) == (False, False)
    with elsewhere():
        post_reply(topic=topic, author=agent, body="We restarted the BTC node; try again.")
    [after] = search_community("withdrawal pending", language="en", user=ANONYMOUS)
    assert (after.id, after.answered, after.staff_answer) == (topic.pk, True, True)
    with elsewhere():
        post_hide(post=topic.posts.order_by("created_at").first(), by=agent)
    assert search_community("withdrawal pending", language="en", user=ANONYMOUS) == []


def test_shown_lines_stay_within_their_capacity_and_match_the_index(demo_articles):
    keys = list(Article.objects.filter(documents__language="en").values_list("pk", flat=True)[:12])
    shown = ShownLines(capacity=60)
    for _ in range(2):
        found = shown.read((pk, "en") for pk in keys)
        for pk in keys:
            stored = Article.objects.get(pk=pk).documents.get(language="en").lines
            assert [[line, list(tokens)] for line, tokens in found[pk, "en"]] == stored
        assert shown.size <= 60 or len(shown.entries) == 1
    assert shown.read([(keys[0], "xx")]) == {(keys[0], "xx"): None}


def test_topic_rows_stay_within_their_capacity(customer):
    topics = [
        topic_create(author=customer, title=f"Withdrawal {n}", body="Pending.", language="en")
        for n in range(5)
    ]
    rows = TopicRows(capacity=3)
    weights = rows.weigh({topic.pk for topic in topics})
    assert weights == {topic.pk: 1 - engine.PRIOR_WEIGHT for topic in topics}
    assert len(rows.entries) == 3


def test_too_many_learned_answers_are_read_per_query(learning_articles, monkeypatch):
    readers(VANISHED, NOT_CREDITED, 6, at=START - timedelta(days=1))
    refresh()
    whole = LearnedTable.load()
    monkeypatch.setattr(kept, "LEARNED_KEPT", 0)
    per_query = LearnedTable.load()
    assert (whole.complete, per_query.complete) == (True, False)
    assert learned_boosts(VANISHED, language="en", kept=per_query) == learned_boosts(
        VANISHED, language="en", kept=whole
    )
    assert learned_boosts(VANISHED, language="en", kept=whole).keys() == {
        Article.objects.get(slug=NOT_CREDITED).pk
    }


# --- A real second process --------------------------------------------------------------------

SEARCHER = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from helpcenter.search import search
for line in sys.stdin:
    query, language = json.loads(line)
    found = search(query, language=language, user=AnonymousUser())
    print(json.dumps([[r.slug, r.title, r.snippet, r.score] for r in found]), flush=True)
"""


class Searcher:
    """Another process of ours that searches when asked (and keeps what it read)."""

    def __init__(self) -> None:
        database = connection.settings_dict
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        url = (
            f"postgres://{database['USER']}{password}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        env.update(
            DATABASE_URL=url,
            REDIS_URL=settings.CACHES["default"]["LOCATION"],
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", SEARCHER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def search(self, query: str, language: str = "en") -> list[list]:
        self.process.stdin.write(json.dumps([query, language]) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def searcher():
    other = Searcher()
    yield other
    other.stop()


def shown(query: str, language: str = "en") -> list[list]:
    return [[r.slug, r.title, r.snippet, r.score] for r in fresh(query, language)]


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_each_change_at_its_next_search(section, searcher):
    first = make_article(section, "cold-storage")
    assert searcher.search("cold storage") == shown("cold storage")
    article_update(article=first, by=None, title_en="Cold storage vaults")
    assert searcher.search("cold storage")[0][:2] == ["cold-storage", "Cold storage vaults"]
    feedback_record(article=first, helpful=True, language="en", user=ANONYMOUS)
    assert searcher.search("cold storage") == shown("cold storage")
    article_update(
        article=first, by=None, title_ja="コールドストレージ", body_ja="オフライン保管。"
    )
    assert searcher.search("コールドストレージ", "ja")[0][:2] == [
        "cold-storage",
        "コールドストレージ",
    ]
    article_unpublish(article=first, by=None)
    assert searcher.search("cold storage") == []


def test_a_topic_deleted_in_the_admin_leaves_search(client, admin_user, customer):
    topic = topic_create(author=customer, title="Withdrawal stuck", body="Pending.", language="en")
    assert [r.id for r in search_community("withdrawal stuck", language="en", user=ANONYMOUS)] == [
        topic.pk
    ]
    client.force_login(admin_user)
    response = client.post(f"/admin/helpcenter/forumtopic/{topic.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert search_community("withdrawal stuck", language="en", user=ANONYMOUS) == []
    assert not CommunityTerm.objects.exists()


def test_the_article_table_reads_a_title_per_language_in_their_order():
    columns = kept.ARTICLES_SQL.split("audience,")[1].split(" FROM ")[0].split(",")
    assert [column.strip() for column in columns] == [
        field_name("title", language) for language in LANGUAGES
    ]
