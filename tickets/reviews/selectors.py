"""Reads of the quality reviews, and the one place that decides who may see or do what.

A supervisor works on the agents of the teams they supervise (Team.supervisor); an
administrator on every agent; an agent sees only the reviews of their own work.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Avg, F, Max, Min, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from support import registry
from support.models import AgentProfile
from support.teams import is_admin
from tickets.models import QualityReview, ReviewCriterion, SurveyAnswer, Ticket

SUPERVISE = "support.supervise"
FALLBACK_LANGUAGE = "en"
SAMPLE_ORDERS = ("random", "low_csat")
SOLVED = (Ticket.Status.SOLVED, Ticket.Status.CLOSED)
# Sampling reads tickets created at most this long before the period: one open longer than
# that before it was solved is left out, so the read stays on a primary-key range.
CREATION_MARGIN = timedelta(days=30)


def reviewable_agent_ids(user: AbstractBaseUser) -> frozenset[int] | None:
    """The agents whose work `user` may sample, review and see reviewed: None means every
    agent (administrators); a supervisor the members of the teams they supervise; others
    none."""
    if not user.is_authenticated or not user.has_perm(SUPERVISE):
        return frozenset()
    if is_admin(user):
        return None
    members = AgentProfile.objects.filter(teams__supervisor=user)
    return frozenset(members.values_list("user_id", flat=True))


def may_review_agent(user: AbstractBaseUser, agent_id: int | None) -> bool:
    agents = reviewable_agent_ids(user)
    return agent_id is not None and (agents is None or agent_id in agents)


def scorecard(language: str) -> list[ReviewCriterion]:
    """The active criteria in `language`, and the English row of any key missing in it."""
    rows = ReviewCriterion.objects.filter(active=True, language__in={language, FALLBACK_LANGUAGE})
    by_key: dict[str, ReviewCriterion] = {}
    for criterion in rows:
        if criterion.key not in by_key or criterion.language == language:
            by_key[criterion.key] = criterion
    return sorted(by_key.values(), key=lambda criterion: (criterion.order, criterion.key))


@dataclass(frozen=True)
class Subject:
    """What is reviewed: a ticket or a chat, with whose work it was."""

    agent_id: int
    language: str
    title: str
    url: str
    ticket: Ticket | None = None
    conversation_id: int | None = None


def ticket_subject_for_user(user: AbstractBaseUser, reference: str) -> Subject:
    """A solved ticket of an agent `user` may review; 404 for anything else."""
    ticket = (
        Ticket.objects.visible_to(user)
        .filter(reference=reference, status__in=SOLVED)
        .select_related("assignee")
        .first()
    )
    if ticket is None or not may_review_agent(user, ticket.assignee_id):
        raise Http404
    url = reverse("tickets_console:ticket", kwargs={"reference": ticket.reference})
    title = f"{ticket.reference} {ticket.subject}"
    return Subject(ticket.assignee_id, ticket.language, title, url, ticket=ticket)


def chat_subject_for_user(user: AbstractBaseUser, conversation_id: int) -> Subject:
    """An ended chat of an agent `user` may review (found through the review sources)."""
    agents = reviewable_agent_ids(user)
    if agents is not None and not agents:
        raise Http404
    agent_ids = None if agents is None else sorted(agents)
    for provider in registry.review_sources():
        for row in provider(agent_ids, None, 1, "random", conversation_ids=[conversation_id]):
            return Subject(
                row["agent"],
                row["language"],
                row["title"],
                row["url"],
                conversation_id=row["conversation_id"],
            )
    raise Http404


def review_get_for_user(user: AbstractBaseUser, pk: int) -> QualityReview:
    """A review its agent, its reviewer, or a supervisor of the agent may read; 404 else."""
    review = (
        QualityReview.objects.select_related("agent", "reviewer", "ticket").filter(pk=pk).first()
    )
    if review is None:
        raise Http404
    if user.pk in (review.agent_id, review.reviewer_id) or may_review_agent(user, review.agent_id):
        return review
    raise Http404


def reviews_of_agent(agent: AbstractBaseUser) -> QuerySet[QualityReview]:
    return _with_scores(QualityReview.objects.filter(agent=agent))


def reviews_for_supervisor(user: AbstractBaseUser, *, limit: int = 50) -> QuerySet:
    agents = reviewable_agent_ids(user)
    reviews = QualityReview.objects.all()
    if agents is not None:
        reviews = reviews.filter(agent_id__in=agents)
    return reviews.select_related("agent", "reviewer", "ticket")[:limit]


def review_average(agent_ids, start: datetime, end: datetime) -> dict[int, float]:
    """Each agent's average review score (%) over the reviews made in [start, end); agents
    without a review are absent. The figure the agent view shows beside CSAT and SLA."""
    reviews = QualityReview.objects.filter(
        agent_id__in=list(agent_ids), created_at__gte=start, created_at__lt=end
    )
    averages = reviews.values("agent_id").annotate(average=Avg("score"))
    return {row["agent_id"]: round(float(row["average"]), 1) for row in averages}


def _with_scores(reviews: QuerySet[QualityReview]) -> QuerySet[QualityReview]:
    return reviews.select_related("reviewer", "ticket").prefetch_related("scores__criterion")


# Sampling


def sample(user: AbstractBaseUser, *, days: int, order: str, limit: int = 20) -> list[dict]:
    """Solved tickets and ended chats of `user`'s agents in the last `days`, not yet reviewed:
    random, or the lowest satisfaction first (unrated last)."""
    agents = reviewable_agent_ids(user)
    if agents is not None and not agents:
        return []
    agent_ids = None if agents is None else sorted(agents)
    since = timezone.now() - timedelta(days=days)
    rows = sample_tickets(user, agent_ids, since, limit, order)
    for provider in registry.review_sources():
        rows += provider(agent_ids, since, limit, order)
    if order == "low_csat":
        rows.sort(
            key=lambda row: (row["csat"] is None, row["csat"] or 0, -row["solved_at"].timestamp())
        )
    else:
        random.shuffle(rows)
    return _named(rows[:limit])


def sample_tickets(
    user: AbstractBaseUser, agent_ids: list[int] | None, since: datetime, limit: int, order: str
) -> list[dict]:
    tickets = Ticket.objects.visible_to(user).filter(
        pk__gte=first_ticket_id_since(since - CREATION_MARGIN),
        status__in=SOLVED,
        solved_at__gte=since,
        assignee__isnull=False,
        merged_into__isnull=True,
    )
    if agent_ids is not None:
        tickets = tickets.filter(assignee_id__in=agent_ids)
    tickets = tickets.exclude(quality_reviews__isnull=False)
    lowest_answer = SurveyAnswer.objects.filter(ticket=OuterRef("pk")).order_by("score")
    tickets = tickets.annotate(survey_score=Subquery(lowest_answer.values("score")[:1]))
    if order == "low_csat":
        tickets = tickets.order_by(
            F("survey_score").asc(nulls_last=True),
            F("satisfaction_score").asc(nulls_last=True),
            "-solved_at",
        )
    else:
        tickets = tickets.order_by("?")
    fields = ("reference", "subject", "assignee_id", "language", "solved_at")
    return [
        _ticket_row(ticket)
        for ticket in tickets.values(*fields, "survey_score", "satisfaction_score")[:limit]
    ]


def _ticket_row(ticket: dict) -> dict:
    survey = ticket["survey_score"]
    csat = survey if survey is not None else ticket["satisfaction_score"]
    return {
        "ticket": ticket["reference"],
        "agent": ticket["assignee_id"],
        "language": ticket["language"],
        "title": f"{ticket['reference']} {ticket['subject']}",
        "solved_at": ticket["solved_at"],
        "csat": csat,
        "url": reverse("reviews:ticket", kwargs={"reference": ticket["reference"]}),
    }


def _named(rows: list[dict]) -> list[dict]:
    """Each row with its agent's name, and the chats' review form (their `url` is the chat)."""
    names = agent_names({row["agent"] for row in rows})
    for row in rows:
        row["agent_name"] = names.get(row["agent"], "—")
        if "conversation_id" in row:
            row["chat_url"] = row["url"]
            row["url"] = reverse("reviews:chat", kwargs={"conversation_id": row["conversation_id"]})
    return rows


def agent_names(agent_ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=agent_ids)
    return {user.pk: user.get_full_name() or user.email for user in users}


def first_ticket_id_since(moment: datetime) -> int:
    """The lowest ticket id created at or after `moment`, by bisecting the primary key (ids
    grow with creation): ~20 index probes instead of reading every ticket's created_at."""
    bounds = Ticket.objects.aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return 0
    high += 1
    while low < high:
        middle = (low + high) // 2
        probe = Ticket.objects.filter(pk__gte=middle).order_by("pk").values("pk", "created_at")
        row = probe.first()
        if row is None or row["created_at"] >= moment:
            high = middle
        else:
            low = row["pk"] + 1
    return low
