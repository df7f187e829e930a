"""Every change to help-center content: each save keeps a version and refreshes the index."""

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from helpcenter.forum import TopicLocked
from helpcenter.models import (
    Article,
    ArticleFeedback,
    ArticleQuestion,
    ArticleVersion,
    DeflectionRecord,
    ForumPost,
    ForumTopic,
    SearchRecord,
    Section,
)
from helpcenter.search.analysis import MAX_QUERY, normalized_query
from helpcenter.search.corpus import COUNTERS, LEARNED
from helpcenter.search.index import announce_change, index_article, unindex_article
from helpcenter.search.topics import index_topic, unindex_topic
from helpcenter.text import LANGUAGES, field_name
from support.audit import audit_record
from support.audit_models import AuditAction
from support.roles import is_staff_member
from support.text import redact_customer_text

TRANSLATED = [field_name(name, lang) for name in ("title", "body") for lang in LANGUAGES]
VERSIONED = [*TRANSLATED, "slug", "tags", "status", "audience", "section_id", "last_reviewed"]
MAX_COMMENT = 2000


def snapshot(article: Article) -> dict:
    data = {name: getattr(article, name) for name in VERSIONED}
    data.update({name: data[name] or "" for name in TRANSLATED})  # a blank form field is ""
    data["last_reviewed"] = article.last_reviewed.isoformat() if article.last_reviewed else None
    return data


def _record_version(
    *, article: Article, by: AbstractBaseUser | None, previous: dict, note: str = ""
) -> ArticleVersion:
    current = snapshot(article)
    changed = [name for name in VERSIONED if previous.get(name) != current[name]]
    last = article.versions.aggregate(number=Max("number"))["number"] or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        editor=by if by and by.is_authenticated else None,
        snapshot=current,
        changed_fields=changed,
        note=note,
    )


def article_create(
    *,
    section: Section,
    slug: str,
    by: AbstractBaseUser | None,
    questions: dict[str, list[str]] | None = None,
    index: bool = True,
    **fields,
) -> Article:
    """`fields`: title_en, body_en, … tags, status, audience, owner, last_reviewed;
    `questions`: {language: [questions the article answers]}. `index=False`: the caller
    rebuilds the index once after creating many (`reindex_articles`)."""
    with transaction.atomic():
        article = Article(section=section, slug=slug, **fields)
        article.save()
        _add_questions(article, questions or {})
        _record_version(article=article, by=by, previous={}, note="created")
        if index:
            index_article(article)
    return article


def article_set_questions(*, article: Article, questions: dict[str, list[str]]) -> Article:
    """Replace the questions of the languages given (others stay) and reindex."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.questions.filter(language__in=list(questions)).delete()
        _add_questions(article, questions)
        index_article(article)
    return article


def article_questions_changed(*, article: Article) -> None:
    """The admin saved the article's questions: search them from now on."""
    index_article(article)


def _add_questions(article: Article, questions: dict[str, list[str]]) -> None:
    ArticleQuestion.objects.bulk_create(
        ArticleQuestion(article=article, language=language, text=text.strip())
        for language, texts in questions.items()
        for text in texts
        if text.strip()
    )


def article_update(
    *, article: Article, by: AbstractBaseUser | None, note: str = "", **changes
) -> Article:
    """Apply field changes, keep a version (if anything changed) and reindex."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        return _save_with_version(article=article, by=by, changes=changes, note=note)


def _save_with_version(
    *, article: Article, by: AbstractBaseUser | None, changes: dict, note: str
) -> Article:
    previous = snapshot(article)
    for name, value in changes.items():
        setattr(article, name, value)
    if snapshot(article) == previous:
        return article
    article.save()
    _record_version(article=article, by=by, previous=previous, note=note)
    index_article(article)
    return article


def article_save_from_admin(*, article: Article, by: AbstractBaseUser) -> Article:
    """The admin form has already set the fields on `article`: save it with a version."""
    with transaction.atomic():
        if article.pk is None:
            article.save()
            _record_version(article=article, by=by, previous={}, note="created")
            index_article(article)
            return article
        stored = Article.objects.select_for_update().get(pk=article.pk)
        changes = {name: getattr(article, name) for name in VERSIONED if name != "last_reviewed"}
        changes["last_reviewed"] = article.last_reviewed
        changes["owner"] = article.owner
        return _save_with_version(article=stored, by=by, changes=changes, note="")


def article_delete(*, article: Article) -> None:
    """Delete the article with its documents, postings, questions and versions; searches
    stop finding it when the transaction commits."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        unindex_article(article)
        article.delete()
        announce_change(LEARNED)  # its learned answers go with it


def article_publish(*, article: Article, by: AbstractBaseUser | None) -> Article:
    return article_update(article=article, by=by, status=Article.Status.PUBLISHED, note="published")


def article_unpublish(*, article: Article, by: AbstractBaseUser | None) -> Article:
    return article_update(article=article, by=by, status=Article.Status.DRAFT, note="unpublished")


def article_restore_version(*, version: ArticleVersion, by: AbstractBaseUser | None) -> Article:
    """Bring the article back to a version's content; the restore is itself a new version."""
    data = dict(version.snapshot)
    reviewed = data.pop("last_reviewed", None)
    changes = {name: data[name] for name in VERSIONED if name in data}
    changes["last_reviewed"] = (
        timezone.datetime.fromisoformat(reviewed).date() if reviewed else None
    )
    return article_update(
        article=version.article, by=by, note=f"restored version {version.number}", **changes
    )


def version_diff(*, old: ArticleVersion | None, new: ArticleVersion) -> dict[str, str]:
    """Unified diff per changed field between two versions (from nothing for the first)."""
    before = old.snapshot if old else {}
    diffs = {}
    for name in VERSIONED:
        a, b = before.get(name), new.snapshot.get(name)
        if a == b:
            continue
        lines = difflib.unified_diff(
            _lines(a), _lines(b), f"v{old.number if old else 0}", f"v{new.number}", lineterm=""
        )
        diffs[name] = "\n".join(lines)
    return diffs


def _lines(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).splitlines()


@contextmanager
def _commit_without_waiting_for_disk() -> Iterator[None]:
    """For counters and analytics rows written on every page view or search: commit without
    waiting for the WAL flush (measured: that wait is most of a page's tail latency). A crash
    may lose the last fraction of a second of them, never corrupt anything. Inside a caller's
    transaction nothing changes: its durability is the caller's.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def article_record_view(*, article: Article) -> None:
    """One more view: the article's prior moves, so searches read the counters again."""
    with _commit_without_waiting_for_disk():
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
        announce_change(COUNTERS)


def feedback_record(
    *,
    article: Article,
    helpful: bool,
    language: str,
    user: AbstractBaseUser | AnonymousUser,
    comment: str = "",
    query: str = "",
    visitor: str = "",
) -> ArticleFeedback:
    """A reader's vote; the comment and the search it followed are redacted before storage
    (readers paste secrets anywhere). `visitor` is hashed (`helpcenter.learning.visitors`)."""
    counter = "helpful_count" if helpful else "not_helpful_count"
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
        announce_change(COUNTERS)  # the article's prior moves
        return ArticleFeedback.objects.create(
            article=article,
            helpful=helpful,
            language=language,
            comment=_redacted(comment[: MAX_COMMENT * 2], language)[:MAX_COMMENT],
            query=_redacted(query[:REDACT_WINDOW], language)[:MAX_QUERY],
            user=user if user.is_authenticated else None,
            visitor=visitor,
        )


def _redacted(text: str, language: str) -> str:
    return redact_customer_text(text.strip(), lang=language).text.strip()


MAX_POST = 5000


def _clean_post(body: str, language: str) -> str:
    """Seed phrases, keys and passwords never reach a public page (nor the database)."""
    return redact_customer_text(body.strip()[:MAX_POST], lang=language).text


def topic_create(*, author: AbstractBaseUser, title: str, body: str, language: str) -> ForumTopic:
    with transaction.atomic():
        topic = ForumTopic.objects.create(
            title=redact_customer_text(title.strip(), lang=language).text[:200],
            language=language,
            author=author,
            last_post_at=timezone.now(),
            post_count=1,
        )
        ForumPost.objects.create(topic=topic, author=author, body=_clean_post(body, language))
        index_topic(topic)
    return topic


def post_reply(*, topic: ForumTopic, author: AbstractBaseUser, body: str) -> ForumPost:
    """Raises TopicLocked for a locked topic (the topic row is locked to read it)."""
    with transaction.atomic():
        locked = ForumTopic.objects.select_for_update().values_list("locked", flat=True)
        if locked.get(pk=topic.pk):
            raise TopicLocked
        post = ForumPost.objects.create(
            topic=topic, author=author, body=_clean_post(body, topic.language)
        )
        ForumTopic.objects.filter(pk=topic.pk).update(
            post_count=F("post_count") + 1, last_post_at=post.created_at
        )
        index_topic(topic)
    return post


def topic_delete(*, topic: ForumTopic) -> None:
    """Delete the topic with its posts and its search document; searches stop finding it
    when the transaction commits."""
    with transaction.atomic():
        topic = ForumTopic.objects.select_for_update().get(pk=topic.pk)
        unindex_topic(topic)
        topic.delete()


def post_hide(*, post: ForumPost, by: AbstractBaseUser) -> ForumPost:
    """Moderation by support staff; hiding the first post hides the whole topic, hiding the
    accepted answer clears it. Either leaves search results when the transaction commits."""
    return _post_set_hidden(post=post, by=by, hidden=True)


def post_unhide(*, post: ForumPost, by: AbstractBaseUser) -> ForumPost:
    """Undo a moderation: the post (and, for the question, its topic) is shown and found again."""
    return _post_set_hidden(post=post, by=by, hidden=False)


def _post_set_hidden(*, post: ForumPost, by: AbstractBaseUser, hidden: bool) -> ForumPost:
    if not is_staff_member(by):
        raise PermissionDenied
    with transaction.atomic():
        post = ForumPost.objects.select_for_update().get(pk=post.pk)
        post.hidden, post.hidden_by = hidden, by if hidden else None
        post.save(update_fields=["hidden", "hidden_by"])
        if hidden:  # a hidden reply is no one's answer; unhiding does not bring it back
            ForumTopic.objects.filter(pk=post.topic_id, accepted_answer=post).update(
                accepted_answer=None, accepted_by=None
            )
        if not post.topic.posts.filter(created_at__lt=post.created_at).exists():
            ForumTopic.objects.filter(pk=post.topic_id).update(hidden=hidden)
        index_topic(post.topic)
        audit_record(
            AuditAction.FORUM_POST_HIDDEN if hidden else AuditAction.FORUM_POST_SHOWN,
            actor=by,
            target=post,
            customer=None if is_staff_member(post.author) else post.author,
            detail={"topic": post.topic_id},
        )
    return post


# --- Searches and deflections (for the dashboards) -------------------------------------------

REDACT_WINDOW = 1000  # a seed phrase is ~200 characters: redact before cutting to MAX_QUERY
CLICK_WINDOW = timedelta(hours=1)  # a search's click or deflection is reported within this


def search_record(
    *,
    query: str,
    language: str,
    source: str,
    results_count: int,
    best_score: float,
    visitor: str = "",
) -> SearchRecord:
    """One INSERT per search; secrets the customer pasted are redacted before storage.
    `visitor` is hashed (`helpcenter.learning.visitors`): searches learn by it."""
    text = redact_customer_text(query.strip()[:REDACT_WINDOW], lang=language).text.strip()[
        :MAX_QUERY
    ]
    record = SearchRecord(
        query=text,
        normalized_query=normalized_query(text),
        language=language,
        source=source,
        results_count=results_count,
        best_score=best_score,
        visitor=visitor,
    )
    if connection.in_atomic_block:  # the caller's transaction: its durability is the caller's
        record.save(force_insert=True)
        return record
    record.pk = _insert_without_waiting_for_disk(record)
    return record


# The search record's transaction in one round trip instead of four (BEGIN, SET LOCAL, INSERT,
# COMMIT): each waits for PostgreSQL to be scheduled, which on a busy machine is most of the
# cost. `lastval()` is the id the INSERT drew, in this session.
SEARCH_RECORD_FIELDS = (
    "query",
    "normalized_query",
    "language",
    "source",
    "results_count",
    "best_score",
    "visitor",
    "created_at",
)
SEARCH_RECORD_SQL = (  # the columns of SEARCH_RECORD_FIELDS, in that order
    "BEGIN; SET LOCAL synchronous_commit TO OFF;"
    " INSERT INTO helpcenter_searchrecord"
    " (query, normalized_query, language, source, results_count, best_score, visitor, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s); COMMIT; SELECT lastval()"
)


def _insert_without_waiting_for_disk(record: SearchRecord) -> int:
    """INSERT the record in a transaction of its own that commits without waiting for the
    WAL flush (as `_commit_without_waiting_for_disk`); its id. Outside any transaction only."""
    values = [
        SearchRecord._meta.get_field(name).get_db_prep_save(getattr(record, name), connection)
        for name in SEARCH_RECORD_FIELDS
    ]
    with connection.cursor() as cursor:
        try:
            cursor.execute(SEARCH_RECORD_SQL, values)
        except DatabaseError:
            cursor.execute("ROLLBACK")  # the statements after the failed one did not run
            raise
        return cursor.fetchone()[0]


def search_record_results(
    *, query: str, language: str, source: str, results: list, visitor: str = ""
) -> SearchRecord:
    """Record a settled search (not a suggestion while typing) with what it found."""
    best_score = results[0].score if results else 0.0
    return search_record(
        query=query,
        language=language,
        source=source,
        results_count=len(results),
        best_score=best_score,
        visitor=visitor,
    )


def _recent_search(search_id: int) -> SearchRecord:
    """The search, if it was run within CLICK_WINDOW (older ones are closed to reports)."""
    since = timezone.now() - CLICK_WINDOW
    return SearchRecord.objects.get(pk=search_id, created_at__gte=since)


def search_record_click(*, search_id: int, slug: str) -> SearchRecord:
    """Record the article opened from a search's results; the first click counts.

    Raises SearchRecord.DoesNotExist for a missing or closed search. A slug that is not a
    published article changes nothing (and is not told apart, so it reveals nothing).
    """
    search = _recent_search(search_id)
    article = Article.objects.published().filter(slug=slug).first()
    if article is not None:
        SearchRecord.objects.filter(pk=search.pk, clicked_article__isnull=True).update(
            clicked_article=article
        )
    return search


def deflection_record(*, search_id: int, outcome: str, slug: str = "") -> DeflectionRecord:
    """A customer saw suggestions for a search and did (or did not) submit the form anyway.

    One record per search (unique): the first outcome is kept, except that "submitted" wins
    over "deflected" (a customer who came back and wrote to us was not deflected).
    Raises SearchRecord.DoesNotExist for a missing or closed search.
    """
    search = _recent_search(search_id)
    article = Article.objects.published().filter(slug=slug).first() if slug else None
    values = {"article": article, "source": search.source, "outcome": outcome}
    if outcome == DeflectionRecord.Outcome.SUBMITTED:
        record, _created = DeflectionRecord.objects.update_or_create(search=search, defaults=values)
    else:
        record, _created = DeflectionRecord.objects.get_or_create(search=search, defaults=values)
    return record
