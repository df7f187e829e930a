"""Community forum moderation and answers: the accepted answer of a topic, and locking.

Posting and hiding are in `helpcenter.services` (`topic_create`, `post_reply`, `post_hide`).
Each change re-indexes the topic in its transaction, so search sees it when it commits.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from helpcenter.models import ForumPost, ForumTopic
from helpcenter.search.topics import index_topic
from support.audit import audit_record
from support.audit_models import AuditAction
from support.roles import is_staff_member

MAX_LOCK_REASON = 200


class ForumError(Exception):
    """A forum action that the topic's state refuses; the message is for people."""


class TopicLocked(ForumError):
    def __init__(self) -> None:
        super().__init__(_("This topic is locked: it takes no new replies."))


class NotAReply(ForumError):
    def __init__(self) -> None:
        super().__init__(_("Only a visible reply to this topic can be its accepted answer."))


def can_accept_answer(*, topic: ForumTopic, user: AbstractBaseUser | AnonymousUser) -> bool:
    """The asker and support staff choose a topic's accepted answer."""
    if not user.is_authenticated:
        return False
    return user.pk == topic.author_id or is_staff_member(user)


def topic_accept_answer(*, topic: ForumTopic, post: ForumPost, by: AbstractBaseUser) -> ForumTopic:
    """Mark a visible reply (not the question) as the answer, replacing any earlier one."""
    if not can_accept_answer(topic=topic, user=by):
        raise PermissionDenied
    with transaction.atomic():
        topic = ForumTopic.objects.select_for_update().get(pk=topic.pk)
        post = ForumPost.objects.get(pk=post.pk)
        question = topic.posts.order_by("created_at", "pk").first()
        if post.topic_id != topic.pk or post.hidden or post.pk == question.pk:
            raise NotAReply
        topic.accepted_answer, topic.accepted_by = post, by
        topic.save(update_fields=["accepted_answer", "accepted_by"])
        index_topic(topic)
    return topic


def topic_clear_answer(*, topic: ForumTopic, by: AbstractBaseUser) -> ForumTopic:
    if not can_accept_answer(topic=topic, user=by):
        raise PermissionDenied
    with transaction.atomic():
        topic = ForumTopic.objects.select_for_update().get(pk=topic.pk)
        topic.accepted_answer, topic.accepted_by = None, None
        topic.save(update_fields=["accepted_answer", "accepted_by"])
        index_topic(topic)
    return topic


def topic_lock(*, topic: ForumTopic, by: AbstractBaseUser, reason: str = "") -> ForumTopic:
    """Support staff close a topic to new replies; the reason is shown to readers."""
    return _topic_set_locked(topic=topic, by=by, locked=True, reason=reason)


def topic_unlock(*, topic: ForumTopic, by: AbstractBaseUser) -> ForumTopic:
    return _topic_set_locked(topic=topic, by=by, locked=False, reason="")


def _topic_set_locked(
    *, topic: ForumTopic, by: AbstractBaseUser, locked: bool, reason: str
) -> ForumTopic:
    if not is_staff_member(by):
        raise PermissionDenied
    with transaction.atomic():
        topic = ForumTopic.objects.select_for_update().get(pk=topic.pk)
        topic.locked, topic.locked_by = locked, by if locked else None
        topic.lock_reason = reason.strip()[:MAX_LOCK_REASON]
        topic.save(update_fields=["locked", "locked_by", "lock_reason"])
        action = AuditAction.FORUM_TOPIC_LOCKED if locked else AuditAction.FORUM_TOPIC_UNLOCKED
        audit_record(action, actor=by, target=topic, detail={"reason": topic.lock_reason})
    return topic
