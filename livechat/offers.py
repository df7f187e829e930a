"""Offering a queued chat to one agent at a time, and taking the offer back.

An offer is a `ChatOffer` row, open until the agent accepts, someone else takes the chat, the
chat leaves the queue, or its time runs out (the team's `TeamChatPolicy`, 60 s by default).
Every function here expects the caller to hold the chat's row lock inside its transaction
(`services.conversation_lock`): that lock is what makes an offer end exactly once when an
accept races the expiry sweep, or two sweeps race each other.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Value, When

from livechat import assignment
from livechat.models import ChatOffer, Conversation, OfferOutcome, TeamChatPolicy
from support.models import AgentProfile, Team

SWEEP_LIMIT = 500


def team_policy(team_id: int | None) -> TeamChatPolicy:
    """The team's offer policy, or the defaults (an unsaved row) when it has none."""
    policy = TeamChatPolicy.objects.filter(team_id=team_id).first() if team_id else None
    return policy or TeamChatPolicy()


def open_offer(conversation: Conversation) -> ChatOffer | None:
    found = ChatOffer.objects.filter(conversation=conversation, outcome=OfferOutcome.OPEN)
    return found.select_related("agent").first()


def skipped_agent_ids(conversation: Conversation) -> set[int]:
    """Agents who let an offer of this chat expire: it is not offered to them again."""
    expired = ChatOffer.objects.filter(conversation=conversation, outcome=OfferOutcome.EXPIRED)
    return set(expired.values_list("agent_id", flat=True))


def offer_next(conversation: Conversation, *, now: datetime) -> AbstractBaseUser | None:
    """Offer the chat to the best agent not skipped for it, or to nobody (it waits in the
    queue). Sets `offered_to`, which the caller saves."""
    offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=now)
    agent = assignment.pick_agent(conversation, exclude=skipped_agent_ids(conversation))
    conversation.offered_to = agent
    if agent is not None:
        timeout = timedelta(seconds=team_policy(conversation.team_id).offer_timeout_seconds)
        ChatOffer.objects.create(
            conversation=conversation, agent=agent, offered_at=now, expires_at=now + timeout
        )
    return agent


def offer_close(conversation: Conversation, *, outcome: str, now: datetime) -> None:
    """End the chat's open offer, if it has one."""
    ChatOffer.objects.filter(conversation=conversation, outcome=OfferOutcome.OPEN).update(
        outcome=outcome, closed_at=now
    )


def offer_taken(conversation: Conversation, *, agent: AbstractBaseUser, now: datetime) -> None:
    """The chat was accepted: its open offer was accepted if it was `agent`'s, else withdrawn."""
    ChatOffer.objects.filter(conversation=conversation, outcome=OfferOutcome.OPEN).update(
        outcome=Case(
            When(agent=agent, then=Value(OfferOutcome.ACCEPTED)),
            default=Value(OfferOutcome.WITHDRAWN),
        ),
        closed_at=now,
    )


def offered_conversation_ids(agent_id: int, *, due_after: datetime | None = None) -> list[int]:
    """Chats with an open offer to the agent (only those not due by `due_after`, when given),
    oldest offer first."""
    offered = ChatOffer.objects.filter(agent_id=agent_id, outcome=OfferOutcome.OPEN)
    if due_after is not None:
        offered = offered.filter(expires_at__gt=due_after)
    return list(offered.order_by("id").values_list("conversation_id", flat=True))


def due_conversation_ids(*, now: datetime, limit: int = SWEEP_LIMIT) -> list[int]:
    """Chats whose open offer has run out, oldest first (the partial index `chat_offer_due`)."""
    due = ChatOffer.objects.filter(outcome=OfferOutcome.OPEN, expires_at__lte=now)
    return list(due.order_by("expires_at").values_list("conversation_id", flat=True)[:limit])


def waiting_conversation_ids(*, limit: int = SWEEP_LIMIT) -> dict[int | None, list[int]]:
    """Queued chats offered to nobody, by team, in queue order (the partial index
    `chat_queue`); only for teams with an online agent who has a free slot."""
    waiting = Conversation.objects.queued().filter(offered_to__isnull=True)
    by_team: dict[int | None, list[int]] = {}
    for pk, team_id in waiting.values_list("pk", "team_id")[:limit]:
        by_team.setdefault(team_id, []).append(pk)
    teams = Team.objects.in_bulk([pk for pk in by_team if pk is not None])
    return {
        team_id: ids
        for team_id, ids in by_team.items()
        if assignment.available_agents(team=teams.get(team_id)).exists()
    }


def missed_too_many(agent: AbstractBaseUser, *, team_id: int | None) -> bool:
    """Whether an online agent has missed as many offers in a row as the team's policy allows
    before setting them to away."""
    profile = AgentProfile.objects.filter(user=agent).first()
    if profile is None or profile.presence != AgentProfile.Presence.ONLINE:
        return False
    limit = team_policy(team_id).away_after_missed_offers
    return missed_in_a_row(agent, limit=limit, since=profile.presence_changed_at)


def missed_in_a_row(agent: AbstractBaseUser, *, limit: int, since: datetime | None) -> bool:
    """Whether the agent's last `limit` answered offers since `since` (when they last changed
    presence) all expired; offers withdrawn because someone else was quicker do not count."""
    if limit <= 0:
        return False
    answered = ChatOffer.objects.filter(
        agent=agent, outcome__in=(OfferOutcome.EXPIRED, OfferOutcome.ACCEPTED)
    )
    if since is not None:
        answered = answered.filter(offered_at__gte=since)
    recent = list(answered.order_by("-id").values_list("outcome", flat=True)[:limit])
    return len(recent) == limit and all(outcome == OfferOutcome.EXPIRED for outcome in recent)
