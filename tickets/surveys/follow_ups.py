"""The team lead's follow-ups of low scores and negative comments: who sees which, and done.

A supervisor sees the follow-ups of the teams they supervise, those assigned to them, and
those of answers without a team (nobody else would); an administrator sees all.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from support.teams import is_admin
from support.text.gate import clean_customer_text
from tickets.survey_models import SurveyFollowUp
from tickets.surveys.answers import COMMENT_LIMIT

LIST_LIMIT = 200


def follow_ups_visible_to(user: AbstractBaseUser) -> QuerySet[SurveyFollowUp]:
    rows = SurveyFollowUp.objects.select_related("answer__ticket", "team", "assignee", "done_by")
    if is_admin(user):
        return rows
    return rows.filter(Q(team__supervisor=user) | Q(assignee=user) | Q(team__isnull=True))


def follow_ups_for_lead(user: AbstractBaseUser) -> list[SurveyFollowUp]:
    """Open ones first (oldest first), then the latest done."""
    rows = follow_ups_visible_to(user)
    open_rows = list(rows.filter(done_at__isnull=True).order_by("created_at")[:LIST_LIMIT])
    done = list(rows.filter(done_at__isnull=False).order_by("-done_at")[:LIST_LIMIT])
    return open_rows + done


def follow_up_get_for_user(*, user: AbstractBaseUser, pk: int) -> SurveyFollowUp:
    found = follow_ups_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def follow_up_done(*, follow_up: SurveyFollowUp, by: AbstractBaseUser, note: str) -> SurveyFollowUp:
    """Mark it done with what was done; a second mark keeps the first (the note is amended)."""
    with transaction.atomic():
        follow_up = SurveyFollowUp.objects.select_for_update().get(pk=follow_up.pk)
        follow_up.note = clean_customer_text(note)[:COMMENT_LIMIT].strip()
        fields = ["note"]
        if follow_up.done_at is None:
            follow_up.done_at, follow_up.done_by = timezone.now(), by
            fields += ["done_at", "done_by"]
        follow_up.save(update_fields=fields)
    return follow_up
