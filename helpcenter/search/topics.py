"""Community topics in the search index: one document per visible topic.

A topic's document is its title (weighted like an article title) and the text of its visible
posts: the question and every visible reply, in order (up to MAX_POSTS). A hidden topic has no
document; a hidden post is left out. The document is in the topic's language and goes to the
community tables (`helpcenter.search.corpus.COMMUNITY`), written and read by the same code as
the articles' ones.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q

from helpcenter.models import CommunityDocument, ForumPost, ForumTopic
from helpcenter.search.analysis import tokens
from helpcenter.search.corpus import COMMUNITY
from helpcenter.search.index import (
    AnalysedDocument,
    body_lines,
    bump_generation,
    copy_postings,
    count_terms,
    empty,
    note_change,
    occurrences,
    stored_counts,
    write_difference,
)
from support.roles import STAFF_ROLES

MAX_POSTS = 50  # the question and the first replies: enough to find a topic by
BATCH = 1000  # topics per round trip in a full rebuild


def staff_ids() -> set[int]:
    """Support staff (every role except customer, and superusers): their replies are badged."""
    staff = Q(is_superuser=True) | Q(groups__name__in=STAFF_ROLES)
    return set(get_user_model().objects.filter(staff).values_list("pk", flat=True))


def analyse_topic(
    topic: ForumTopic, posts: list[ForumPost], staff: set[int]
) -> tuple[AnalysedDocument, bool, bool] | None:
    """The topic's document, whether someone else replied, whether staff did; None when
    it is not searchable (hidden, or its question is)."""
    if topic.hidden or not posts or posts[0].hidden:
        return None
    shown = [post for post in posts if not post.hidden][:MAX_POSTS]
    japanese = topic.language == "ja"
    body, lines = body_lines("\n".join(post.body for post in shown), japanese)
    heading = tokens(topic.title, japanese=japanese)
    document = AnalysedDocument(
        topic.language,
        len(body),
        occurrences(heading, body),
        [(line, list(dict.fromkeys(found))) for line, found in lines],
    )
    replies = shown[1:]
    answered = any(post.author_id != topic.author_id for post in replies)
    return document, answered, any(post.author_id in staff for post in replies)


def _posts(topic: ForumTopic) -> list[ForumPost]:
    """Every post of the topic, hidden ones too (the first one is the question)."""
    return list(topic.posts.order_by("created_at", "pk")[: MAX_POSTS * 2])


def index_topic(topic: ForumTopic) -> None:
    """Bring the topic's document up to date (none for a hidden topic), writing only the
    postings that changed. Call it in the transaction of the change (topic created, reply
    posted, post hidden): searches see the change when it commits.

    Locks the topic row, so two re-indexings of one topic run one after the other."""
    note_change(COMMUNITY)
    with transaction.atomic():
        topic = ForumTopic.objects.select_for_update().get(pk=topic.pk)
        found = analyse_topic(topic, _posts(topic), staff_ids())
        stored = CommunityDocument.objects.filter(topic=topic).first()
        old = stored_counts(COMMUNITY, [stored.pk]) if stored else {}
        new = {}
        if found is None and stored is not None:
            stored.delete()  # with its postings
        elif found is not None:
            document = _save_document(topic, stored, *found)
            new = {document.pk: found[0].counts}
        write_difference(COMMUNITY, old, new)
    transaction.on_commit(lambda: bump_generation(COMMUNITY))


def _save_document(
    topic: ForumTopic,
    stored: CommunityDocument | None,
    analysed: AnalysedDocument,
    answered: bool,
    staff_answer: bool,
) -> CommunityDocument:
    fields = {
        "language": analysed.language,
        "length": analysed.length,
        "lines": [[line, found] for line, found in analysed.lines],  # as JSON gives them back
        "answered": answered,
        "staff_answer": staff_answer,
    }
    if stored is None:
        return CommunityDocument.objects.create(topic=topic, **fields)
    if any(getattr(stored, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.save(update_fields=list(fields))
    return stored


def reindex_topics() -> int:
    """Rebuild the community index in one transaction; returns the number of documents."""
    note_change(COMMUNITY)
    staff = staff_ids()
    count = 0
    with transaction.atomic():
        empty(COMMUNITY)
        posts = Prefetch("posts", ForumPost.objects.order_by("created_at", "pk"))
        topics = ForumTopic.objects.filter(hidden=False).order_by("pk").prefetch_related(posts)
        batch = []
        for topic in topics.iterator(chunk_size=BATCH):
            found = analyse_topic(topic, list(topic.posts.all()), staff)
            if found is not None:
                batch.append((topic, *found))
            if len(batch) == BATCH:
                count += _store(batch)
                batch = []
        count += _store(batch)
        count_terms(COMMUNITY)
    transaction.on_commit(lambda: bump_generation(COMMUNITY))
    return count


def _store(batch: list[tuple[ForumTopic, AnalysedDocument, bool, bool]]) -> int:
    documents = CommunityDocument.objects.bulk_create(
        CommunityDocument(
            topic=topic,
            language=doc.language,
            length=doc.length,
            lines=doc.lines,
            answered=answered,
            staff_answer=staff_answer,
        )
        for topic, doc, answered, staff_answer in batch
    )
    copy_postings(COMMUNITY, _rows(documents, [doc for _t, doc, _a, _s in batch]))
    return len(documents)


def _rows(
    documents: list[CommunityDocument], analysed: list[AnalysedDocument]
) -> Iterable[tuple[int, str, int, int]]:
    for document, doc in zip(documents, analysed, strict=True):
        for token, (heading, body) in doc.counts.items():
            yield document.pk, token, heading, body
