"""What the records say: each visitor's outcomes per (language, normalised query, article).

- **Good**: a search (help center or contact form) whose reader opened an article from its
  results and did not write to us within `CONTACT_WINDOW`; or a "helpful: yes" vote on an
  article after that search.
- **Miss**: the reader opened the article and then wrote to us within the window (the contact
  form's "submitted" for that search, or for a later contact-form search by the same visitor);
  or a "helpful: no" vote.

A search is judged once its window has passed (before that its outcome is not known). Only
records with a visitor count (searches from the chat bot have none: a bot answer that ends
in a handoff is no reading of an article).
"""

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from helpcenter.models import ArticleFeedback, DeflectionRecord, SearchRecord
from helpcenter.search.analysis import normalized_query

CONTACT_WINDOW = timedelta(hours=24)
LEARNED_SOURCES = (SearchRecord.Source.HELP_SEARCH, SearchRecord.Source.CONTACT_FORM)
SUBMITTED = DeflectionRecord.Outcome.SUBMITTED
CHUNK = 5000


@dataclass(frozen=True)
class Outcome:
    visitor: str
    language: str
    query: str  # normalised (`normalized_query`)
    article_id: int
    at: datetime
    answered: bool  # good: the article answered; miss: it did not


def outcomes(*, since: datetime, now: datetime) -> Iterator[Outcome]:
    """Every judged outcome of the records made since `since`."""
    yield from search_outcomes(since=since, now=now)
    yield from feedback_outcomes(since=since, now=now)


def search_outcomes(*, since: datetime, now: datetime) -> Iterator[Outcome]:
    contacts = contact_times(since=since)
    judged = (
        SearchRecord.objects.filter(
            created_at__gte=since,
            created_at__lte=now - CONTACT_WINDOW,
            clicked_article__isnull=False,
            source__in=LEARNED_SOURCES,
        )
        .exclude(visitor="")
        .exclude(normalized_query="")
        .values_list(
            "visitor",
            "language",
            "normalized_query",
            "clicked_article_id",
            "created_at",
            "deflection__outcome",
        )
    )
    for visitor, language, query, article_id, at, outcome in judged.iterator(chunk_size=CHUNK):
        wrote = outcome == SUBMITTED or wrote_after(contacts.get(visitor, []), at)
        yield Outcome(visitor, language, query, article_id, at, answered=not wrote)


def contact_times(*, since: datetime) -> dict[str, list[datetime]]:
    """{visitor: the times they sent the contact form after its suggestions}, in order."""
    sent = (
        SearchRecord.objects.filter(
            source=SearchRecord.Source.CONTACT_FORM,
            created_at__gte=since,
            deflection__outcome=SUBMITTED,
        )
        .exclude(visitor="")
        .order_by("created_at")
        .values_list("visitor", "created_at")
    )
    times: dict[str, list[datetime]] = {}
    for visitor, at in sent.iterator(chunk_size=CHUNK):
        times.setdefault(visitor, []).append(at)
    return times


def wrote_after(times: list[datetime], at: datetime) -> bool:
    """Whether one of the (sorted) contact times falls after `at`, within the window."""
    following = bisect_right(times, at)
    return following < len(times) and times[following] <= at + CONTACT_WINDOW


def feedback_outcomes(*, since: datetime, now: datetime) -> Iterator[Outcome]:
    votes = (
        ArticleFeedback.objects.filter(created_at__gte=since, created_at__lte=now)
        .exclude(visitor="")
        .exclude(query="")
        .values_list("visitor", "language", "query", "article_id", "created_at", "helpful")
    )
    for visitor, language, query, article_id, at, helpful in votes.iterator(chunk_size=CHUNK):
        normalised = normalized_query(query)
        if normalised:
            yield Outcome(visitor, language, normalised, article_id, at, answered=helpful)
