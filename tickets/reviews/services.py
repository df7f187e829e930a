"""Writes of the quality reviews: a supervisor's review of one ticket or chat, and the
agent's one reply."""

import zlib
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import QualityReview, QualityScore, ReviewCriterion, Ticket

MARKS = (0, 1, 2)  # missed, partly, met; None: not applicable
REPLY_MAX_LENGTH = 4000


class ReviewRefused(Exception):
    """A review or reply the rules do not allow; the message is for the user."""


def review_score(marks: list[int | None]) -> Decimal:
    """Score % = sum of the marks / (2 × the criteria that apply) × 100, one decimal; marks
    that are None (not applicable) count neither way."""
    applicable = [mark for mark in marks if mark is not None]
    if not applicable:
        raise ReviewRefused(_("Mark at least one criterion: every one is “not applicable”."))
    score = Decimal(sum(applicable) * 100) / Decimal(2 * len(applicable))
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def quality_review_create(
    *,
    reviewer: AbstractBaseUser,
    agent: AbstractBaseUser,
    ticket: Ticket | None = None,
    conversation_id: int | None = None,
    language: str,
    marks: dict[int, tuple[int | None, str]],
    comment: str,
) -> QualityReview:
    """One review of one ticket or chat per reviewer: a second is refused. Serialised per
    subject by a transaction-level advisory lock, since the model has no unique key for it."""
    if (ticket is None) == (conversation_id is None):
        raise ReviewRefused(_("A review is of one ticket or one chat."))
    if reviewer.pk == agent.pk:
        raise ReviewRefused(_("You cannot review your own work."))
    criteria = _criteria(marks)
    score = review_score([mark for mark, _note in marks.values()])
    with transaction.atomic():
        _lock_subject(ticket, conversation_id)
        if _already_reviewed(reviewer, ticket, conversation_id):
            raise ReviewRefused(_("You have already reviewed this conversation."))
        review = QualityReview.objects.create(
            ticket=ticket,
            conversation_id=conversation_id,
            agent=agent,
            reviewer=reviewer,
            language=language,
            score=score,
            comment=comment.strip(),
        )
        QualityScore.objects.bulk_create(
            QualityScore(review=review, criterion=criteria[pk], mark=mark, note=note.strip())
            for pk, (mark, note) in marks.items()
        )
    return review


def quality_review_reply(
    *, review: QualityReview, agent: AbstractBaseUser, text: str
) -> QualityReview:
    """The reviewed agent answers their review, once."""
    text = text.strip()
    if not text:
        raise ReviewRefused(_("Write your reply first."))
    if len(text) > REPLY_MAX_LENGTH:
        raise ReviewRefused(_("Your reply is too long."))
    with transaction.atomic():
        review = QualityReview.objects.select_for_update().get(pk=review.pk)
        if review.agent_id != agent.pk:
            raise ReviewRefused(_("Only the reviewed agent may reply."))
        if review.agent_replied_at is not None:
            raise ReviewRefused(_("You have already replied to this review."))
        review.agent_reply = text
        review.agent_replied_at = timezone.now()
        review.save(update_fields=["agent_reply", "agent_replied_at"])
    return review


def _criteria(marks: dict[int, tuple[int | None, str]]) -> dict[int, ReviewCriterion]:
    if not marks:
        raise ReviewRefused(_("The scorecard has no criteria."))
    if any(mark not in (*MARKS, None) for mark, _note in marks.values()):
        raise ReviewRefused(_("A mark is met, partly, missed or not applicable."))
    criteria = ReviewCriterion.objects.in_bulk(list(marks))
    if len(criteria) != len(marks):
        raise ReviewRefused(_("The scorecard has changed; open the review again."))
    return criteria


def _lock_subject(ticket: Ticket | None, conversation_id: int | None) -> None:
    key = (
        f"quality-review:ticket:{ticket.pk}" if ticket else f"quality-review:chat:{conversation_id}"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])


def _already_reviewed(
    reviewer: AbstractBaseUser, ticket: Ticket | None, conversation_id: int | None
) -> bool:
    reviews = QualityReview.objects.filter(reviewer=reviewer)
    if ticket is not None:
        return reviews.filter(ticket=ticket).exists()
    return reviews.filter(conversation_id=conversation_id).exists()
