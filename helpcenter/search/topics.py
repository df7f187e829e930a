"""Community topics in the search index: one document per visible topic.

A topic's document is its title (weighted like an article title) and the text of its visible
posts: the question, its accepted answer (if any), then every other visible reply in order (up
to MAX_POSTS: the accepted answer is always in). A hidden topic has no document; a hidden post
is left out. The document is in the topic's language and goes to the community tables
(`helpcenter.search.corpus.COMMUNITY`), written and read by the same code as the articles' ones.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from helpcenter.models import CommunityDocument, ForumPost, ForumTopic
from helpcenter.search.analysis import tokens
from helpcenter.search.corpus import COMMUNITY
from helpcenter.search.index import (
    AnalysedDocument,
    announce_change,
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


@dataclass(frozen=True)
class Post:
    pk: int
    author_id: int
    body: str
    hidden: bool


POST_FIELDS = ("pk", "author_id", "body", "hidden")
POST_ORDER = ("created_at", "pk")


@dataclass(frozen=True)
class TopicDocument:
    topic_id: int
    analysed: AnalysedDocument
    answered: bool  # a visible reply by someone other than the asker, or an accepted answer
    staff_answer: bool  # a visible reply by support staff
    accepted_answer: bool  # the asker or support accepted a visible reply


def analyse_topic(topic: ForumTopic, posts: list[Post], staff: set[int]) -> TopicDocument | None:
    """The topic's document; None when it is not searchable (hidden, or its question is).
    `posts`: the topic's posts in order, hidden ones too (the first is the question)."""
    if topic.hidden or not posts or posts[0].hidden:
        return None
    shown = _shown(posts, topic.accepted_answer_id)
    japanese = topic.language == "ja"
    body, lines = body_lines("\n".join(post.body for post in shown), japanese)
    heading = tokens(topic.title, japanese=japanese)
    analysed = AnalysedDocument(
        topic.language,
        len(body),
        occurrences(heading, body),
        [(line, list(dict.fromkeys(found))) for line, found in lines],
    )
    replies = shown[1:]
    accepted = any(post.pk == topic.accepted_answer_id for post in replies)
    answered = accepted or any(post.author_id != topic.author_id for post in replies)
    staff_answer = any(post.author_id in staff for post in replies)
    return TopicDocument(topic.pk, analysed, answered, staff_answer, accepted)


def _shown(posts: list[Post], accepted_id: int | None) -> list[Post]:
    """The visible posts to index: the question, then the accepted answer, then the others."""
    visible = [post for post in posts if not post.hidden]
    accepted = [post for post in visible[1:] if post.pk == accepted_id]
    others = [post for post in visible[1:] if post.pk != accepted_id]
    return [*visible[:1], *accepted, *others][:MAX_POSTS]


def _posts(topic: ForumTopic) -> list[Post]:
    posts = topic.posts.order_by(*POST_ORDER).values_list(*POST_FIELDS)
    found = [Post(*values) for values in posts[: MAX_POSTS * 2]]
    if topic.accepted_answer_id and all(post.pk != topic.accepted_answer_id for post in found):
        found += [Post(*values) for values in posts.filter(pk=topic.accepted_answer_id)]
    return found


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
            document = _save_document(stored, found)
            new = {document.pk: found.analysed.counts}
        write_difference(COMMUNITY, old, new)
    transaction.on_commit(lambda: bump_generation(COMMUNITY))


def unindex_topic(topic: ForumTopic) -> None:
    """Remove the topic's document and postings, and their share of the document frequencies
    (the topic is about to be deleted). Call it in the deleting transaction."""
    announce_change(COMMUNITY)
    stored = CommunityDocument.objects.filter(topic=topic).first()
    if stored is not None:
        write_difference(COMMUNITY, stored_counts(COMMUNITY, [stored.pk]), {})
        stored.delete()


def _save_document(stored: CommunityDocument | None, found: TopicDocument) -> CommunityDocument:
    fields = {
        "language": found.analysed.language,
        "length": found.analysed.length,
        # As JSON gives them back, to compare.
        "lines": [[line, tokens_] for line, tokens_ in found.analysed.lines],
        "answered": found.answered,
        "staff_answer": found.staff_answer,
        "accepted_answer": found.accepted_answer,
    }
    if stored is None:
        return CommunityDocument.objects.create(topic_id=found.topic_id, **fields)
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
        topics = ForumTopic.objects.filter(hidden=False).order_by("pk")
        fields = ("pk", "title", "language", "author_id", "hidden", "accepted_answer_id")
        chunk = []
        for values in topics.values_list(*fields).iterator(chunk_size=BATCH):
            chunk.append(ForumTopic(**dict(zip(fields, values, strict=True))))
            if len(chunk) == BATCH:
                count += _store(_analyse_chunk(chunk, staff))
                chunk = []
        count += _store(_analyse_chunk(chunk, staff))
        count_terms(COMMUNITY)
    transaction.on_commit(lambda: bump_generation(COMMUNITY))
    return count


def _analyse_chunk(topics: list[ForumTopic], staff: set[int]) -> list[TopicDocument]:
    """The documents of a chunk of topics, their posts read in one query."""
    posts = ForumPost.objects.filter(topic_id__in=[topic.pk for topic in topics])
    rows = posts.order_by("topic_id", *POST_ORDER).values_list("topic_id", *POST_FIELDS)
    by_topic = {
        topic_id: [Post(*values) for _id, *values in group]
        for topic_id, group in groupby(rows, key=lambda row: row[0])
    }
    found = (analyse_topic(topic, by_topic.get(topic.pk, []), staff) for topic in topics)
    return [document for document in found if document is not None]


def _store(found: list[TopicDocument]) -> int:
    documents = CommunityDocument.objects.bulk_create(
        CommunityDocument(
            topic_id=document.topic_id,
            language=document.analysed.language,
            length=document.analysed.length,
            lines=document.analysed.lines,
            answered=document.answered,
            staff_answer=document.staff_answer,
            accepted_answer=document.accepted_answer,
        )
        for document in found
    )
    copy_postings(COMMUNITY, _rows(documents, [document.analysed for document in found]))
    return len(documents)


def _rows(
    documents: list[CommunityDocument], analysed: list[AnalysedDocument]
) -> Iterable[tuple[int, str, int, int, int]]:
    for document, doc in zip(documents, analysed, strict=True):
        for token, counts in doc.counts.items():
            yield document.pk, token, *counts
