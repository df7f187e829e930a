"""Search learning from its own records: readers who found an answer lift it for their query."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from config.celery import app
from helpcenter.learning.evidence import CONTACT_WINDOW
from helpcenter.learning.services import MAX_BOOST, learned_answers_refresh, learning_reset
from helpcenter.models import (
    Article,
    ArticleFeedback,
    DeflectionRecord,
    LearnedAnswer,
    LearningReset,
    SearchRecord,
    Section,
)
from helpcenter.search import search
from helpcenter.search.analysis import normalized_query
from helpcenter.services import feedback_record
from helpcenter.tasks import learned_answers_refresh_task
from tests.helpcenter.conftest import make_article

API = "/api/v1/helpcenter/search/"
ARTICLES = {
    "deposit-not-credited": (
        "Crypto deposit not credited",
        "If your deposit has not arrived, check its confirmations on the blockchain.\n"
        "Your coins are credited once the network confirms them.",
    ),
    "wrong-network": (
        "Coins sent on the wrong network",
        "Coins sent on a network we do not support cannot be credited automatically.\n"
        "Write to us with the transaction id.",
    ),
    "withdrawal-fees": ("Withdrawal fees", "Each coin has its own withdrawal fee and minimum."),
    "face-check": (
        "Face verification failed",
        "If the selfie check keeps failing, use good lighting, take off your glasses and hold "
        "the phone still.",
    ),
    "kyc-rejected": (
        "Identity verification rejected",
        "A document is rejected when it is expired or unreadable, or when the selfie does not "
        "match it.",
    ),
    "app-login": (
        "Cannot log in to the app",
        "Update the app, check the time on your phone, and reset your password if needed.",
    ),
}
VANISHED = "my coins vanished"  # on the words alone: wrong-network, withdrawal-fees, then…
NOT_CREDITED = "deposit-not-credited"  # … what its readers open
FACE = "face verification failed"  # a strong lexical match: face-check well ahead of…
REJECTED = "kyc-rejected"  # … the second
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def articles(section: Section) -> None:
    for slug, (title, body) in ARTICLES.items():
        make_article(section, slug, title_en=title, body_en=body)


def slugs(query: str, language: str = "en") -> list[str]:
    return [result.slug for result in search(query, language=language, user=AnonymousUser())]


def score_of(query: str, slug: str) -> float:
    results = search(query, language="en", user=AnonymousUser())
    return next(result.score for result in results if result.slug == slug)


def reading(
    query: str, slug: str, *, visitor: str, at: datetime, wrote: bool = False, count: int = 1
) -> None:
    """`count` searches by one visitor who opened `slug` each time, then (if `wrote`) sent
    the contact form an hour later. Written as the services record them."""
    article = Article.objects.get(slug=slug)
    SearchRecord.objects.bulk_create(
        SearchRecord(
            query=query,
            normalized_query=normalized_query(query),
            language="en",
            clicked_article=article,
            visitor=visitor,
            created_at=at + timedelta(seconds=second),
        )
        for second in range(count)
    )
    if wrote:
        contact = SearchRecord.objects.create(
            query="please help",
            normalized_query="please help",
            language="en",
            source=SearchRecord.Source.CONTACT_FORM,
            visitor=visitor,
            created_at=at + timedelta(hours=1),
        )
        DeflectionRecord.objects.create(
            search=contact, source=contact.source, outcome=DeflectionRecord.Outcome.SUBMITTED
        )


def readers(query: str, slug: str, count: int, *, at: datetime = START, **options) -> None:
    for number in range(count):
        reading(query, slug, visitor=f"{slug[:8]}-{number}", at=at, **options)


def refresh(at: datetime = START + timedelta(days=8)) -> int:
    return learned_answers_refresh(now=at)


def test_a_week_of_readers_finding_an_article_puts_it_first_for_their_query(client, articles):
    assert slugs(VANISHED).index(NOT_CREDITED) > 0
    for day in range(7):  # eight readers over a week, each from their own address
        with time_machine.travel(START + timedelta(days=day), tick=False):
            for visitor in [1, 2] if day == 0 else [day + 2]:
                address = {"REMOTE_ADDR": f"198.51.100.{visitor}"}
                found = client.get(API, {"q": VANISHED, "lang": "en"}, **address).json()
                click = f"{API}{found['search_id']}/click/"
                client.post(click, {"slug": NOT_CREDITED}, "application/json", **address)
    with time_machine.travel(START + timedelta(days=8), tick=False):
        learned_answers_refresh_task.delay()
    assert slugs(VANISHED)[0] == NOT_CREDITED
    assert slugs("my coins vanished!!")[0] == NOT_CREDITED  # the same normalised query
    assert slugs(VANISHED, "ko")[0] != NOT_CREDITED  # learned per language
    assert slugs("my coins vanished from the wallet")[0] != NOT_CREDITED  # another query


def test_readers_can_teach_an_article_the_words_do_not_find(articles):
    assert slugs("cant get in") == []  # no word of it is in the help center
    readers("cant get in", "app-login", 10)
    refresh()
    assert slugs("cant get in") == ["app-login"]


def test_one_visitor_repeating_a_search_500_times_pushes_nothing_up(articles):
    before = slugs(VANISHED)
    reading(VANISHED, NOT_CREDITED, visitor="one-reader", at=START, count=500)
    assert refresh() == 0
    assert slugs(VANISHED) == before


def test_fewer_readers_than_the_minimum_change_nothing(articles):
    before = slugs(VANISHED)
    readers(VANISHED, NOT_CREDITED, 4)
    refresh()
    assert slugs(VANISHED) == before


def test_a_visitor_reading_for_many_queries_weighs_less_on_each(articles):
    readers(VANISHED, NOT_CREDITED, 5)
    refresh()
    spread = LearnedAnswer.objects.get().good
    for number in range(5):  # the same five readers also read for 15 other queries each
        for other in range(15):
            reading(f"question {other}", REJECTED, visitor=f"{NOT_CREDITED[:8]}-{number}", at=START)
    refresh()
    learned = LearnedAnswer.objects.get(normalized_query="my coins vanished")
    assert learned.good == pytest.approx(spread * 10 / 16, abs=0.001)  # 16 queries each


def test_no_amount_of_readers_overrides_a_strong_lexical_match(articles):
    assert slugs(FACE)[:2] == ["face-check", REJECTED]
    readers(FACE, REJECTED, 300)
    refresh()
    assert LearnedAnswer.objects.get().boost == pytest.approx(MAX_BOOST, abs=0.001)
    assert slugs(FACE)[:2] == ["face-check", REJECTED]


def test_readers_who_wrote_to_us_after_reading_lift_nothing_and_lower_it(articles):
    score = score_of(VANISHED, NOT_CREDITED)
    readers(VANISHED, NOT_CREDITED, 8, wrote=True)
    refresh()
    assert LearnedAnswer.objects.get().boost < 0
    assert score_of(VANISHED, NOT_CREDITED) < score


def test_misses_lower_nothing_that_has_good_evidence(articles):
    readers(VANISHED, NOT_CREDITED, 6)
    refresh()
    helped = score_of(VANISHED, NOT_CREDITED)
    for number in range(40):
        reading(VANISHED, NOT_CREDITED, visitor=f"unhappy-{number}", at=START, wrote=True)
    refresh()
    assert slugs(VANISHED)[0] == NOT_CREDITED
    assert score_of(VANISHED, NOT_CREDITED) == helped


def test_only_a_contact_within_the_window_makes_a_miss(articles):
    late = START + CONTACT_WINDOW + timedelta(hours=1)
    for number in range(5):
        visitor = f"reader-{number}"
        reading(VANISHED, NOT_CREDITED, visitor=visitor, at=START)
        reading("other thing", REJECTED, visitor=visitor, at=late - timedelta(hours=1), wrote=True)
    refresh()
    learned = LearnedAnswer.objects.get(normalized_query="my coins vanished")
    assert (learned.good_visitors, learned.missed_visitors) == (5, 0)


def test_a_search_is_judged_only_once_its_window_has_passed(articles):
    readers(VANISHED, NOT_CREDITED, 6)
    assert refresh(at=START + CONTACT_WINDOW - timedelta(minutes=1)) == 0
    assert refresh(at=START + CONTACT_WINDOW) == 1


def test_old_evidence_fades_and_then_stops_counting(articles):
    readers(VANISHED, NOT_CREDITED, 8)
    refresh(at=START + timedelta(days=2))
    fresh = LearnedAnswer.objects.get().boost
    refresh(at=START + timedelta(days=62))  # two half-lives
    assert LearnedAnswer.objects.get().boost < fresh / 2
    assert refresh(at=START + timedelta(days=200)) == 0


def test_helpful_votes_after_a_search_count_as_readers_answered(articles, rf):
    article = Article.objects.get(slug=NOT_CREDITED)
    for number in range(5):
        with time_machine.travel(START, tick=False):
            feedback_record(
                article=article,
                helpful=True,
                language="en",
                user=AnonymousUser(),
                query="My coins vanished",
                visitor=f"voter-{number}",
            )
    refresh()
    learned = LearnedAnswer.objects.get()
    assert (learned.normalized_query, learned.good_visitors) == ("my coins vanished", 5)


def test_a_vote_is_stored_with_its_visitor_and_without_the_secrets_pasted(client, articles):
    seed = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    response = client.post(
        f"/en/help/articles/{NOT_CREDITED}/feedback/",
        {"helpful": "no", "q": f"coins gone {seed}", "comment": f"my phrase is {seed}"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    vote = ArticleFeedback.objects.get()
    assert "abandon" not in vote.query + vote.comment
    assert vote.query.startswith("coins gone")
    assert len(vote.visitor) == 20


def test_an_admin_reset_forgets_and_earlier_records_no_longer_count(articles, admin_user):
    before = slugs(VANISHED)
    readers(VANISHED, NOT_CREDITED, 8)
    refresh()
    with time_machine.travel(START + timedelta(days=8), tick=False):
        learning_reset(by=admin_user, language="en", query="My coins VANISHED")
    assert slugs(VANISHED) == before
    assert refresh(at=START + timedelta(days=9)) == 0
    reset = LearningReset.objects.get()
    assert (reset.by, reset.normalized_query, reset.article) == (admin_user, VANISHED, None)


def test_an_article_reset_leaves_other_articles_learning(articles, admin_user):
    readers(VANISHED, NOT_CREDITED, 8)
    readers("cant get in", "app-login", 8)
    refresh()
    with time_machine.travel(START + timedelta(days=8), tick=False):
        learning_reset(by=admin_user, article=Article.objects.get(slug=NOT_CREDITED))
    refresh(at=START + timedelta(days=9))
    assert list(LearnedAnswer.objects.values_list("normalized_query", flat=True)) == ["cant get in"]


def test_the_admin_forgets_the_selected_queries_and_keeps_a_trace(client, articles, admin_user):
    before = slugs(VANISHED)
    readers(VANISHED, NOT_CREDITED, 8)
    refresh()
    learned = LearnedAnswer.objects.get()
    client.force_login(admin_user)
    page = client.get("/admin/helpcenter/learnedanswer/")
    assert "my coins vanished" in page.content.decode()

    response = client.post(
        "/admin/helpcenter/learnedanswer/",
        {"action": "forget", "_selected_action": [learned.pk]},
    )

    assert response.status_code == 302
    assert not LearnedAnswer.objects.exists()
    assert slugs(VANISHED) == before
    reset = LearningReset.objects.get()
    assert (reset.by, reset.article.slug, reset.language) == (admin_user, NOT_CREDITED, "en")


def test_the_command_forgets_one_article_and_refuses_an_unknown_one(articles):
    readers(VANISHED, NOT_CREDITED, 8)
    refresh()
    call_command("helpcenter_learning_reset", article=NOT_CREDITED, stdout=StringIO())
    assert not LearnedAnswer.objects.exists()
    assert LearningReset.objects.get().article.slug == NOT_CREDITED
    with pytest.raises(CommandError):
        call_command("helpcenter_learning_reset", article="no-such-article")
    with pytest.raises(CommandError):
        call_command("helpcenter_learning_reset", query="my coins vanished")


def test_searches_record_a_hashed_visitor_per_network_not_the_address(client, db):
    for address in [
        "203.0.113.7",
        "203.0.113.7",
        "203.0.113.8",
        "2001:db8:1:2::5",
        "2001:db8:1:2::9",
    ]:
        client.get(API, {"q": "withdrawal pending", "lang": "en"}, REMOTE_ADDR=address)
    visitors = list(SearchRecord.objects.order_by("pk").values_list("visitor", flat=True))
    assert visitors[0] == visitors[1] != visitors[2]
    assert visitors[3] == visitors[4]  # one IPv6 /64 is one subscriber
    assert all(len(visitor) == 20 and "203" not in visitor for visitor in visitors)


def test_the_refresh_runs_every_hour_on_the_beat_schedule():
    entry = app.conf.beat_schedule["learned-answers-refresh"]
    assert entry["task"] == "helpcenter.tasks.learned_answers_refresh_task"
    assert entry["schedule"] == 3600.0
