"""The offer sweep (Celery beat, every 10 s): take back offers nobody accepted in time, and
offer chats that wait with no offer to agents who came free; and taking back the offers of an
agent who went away. Each chat in its own transaction, under its row lock (docs/livechat.md,
"Offers")."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from livechat import offers
from livechat.models import OfferOutcome, Status
from livechat.services import Posted, conversation_event, conversation_lock
from support.models import AgentProfile
from support.services import agent_set_presence


def conversation_expire_offer(*, conversation_id: int, now: datetime) -> Posted | None:
    """Take back an offer nobody accepted in time: its agent is skipped for this chat, the chat
    is offered to the next eligible agent or waits in the queue (its place unchanged), and an
    agent who keeps missing offers is set to away.

    Exactly once: under the chat's row lock, and only while that offer is still open and due;
    an accept or another sweep that got the lock first leaves nothing to do (None)."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        offer = offers.open_offer(conversation)
        if offer is None or offer.expires_at > now or conversation.status != Status.QUEUED:
            return None
        offers.offer_close(conversation, outcome=OfferOutcome.EXPIRED, now=now)
        offers.offer_next(conversation, now=now)
        conversation.save(update_fields=["offered_to"])
        conversation_event(
            conversation,
            "offer_expired",
            data={"agent": offer.agent_id, "offered_to": conversation.offered_to_id},
        )
        posted = Posted(conversation, offer_withdrawn_from=offer.agent_id, offer_expired=True)
        if offers.missed_too_many(offer.agent, team_id=conversation.team_id):
            profile = agent_set_presence(agent=offer.agent, presence=AgentProfile.Presence.AWAY)
            conversation_event(conversation, "agent_set_away", data={"agent": offer.agent_id})
            posted.marked_away = True
            # one agent fewer online: the estimated waits of the agent's teams change
            posted.queue_teams.update(profile.teams.values_list("id", flat=True))
    return posted


def conversation_expire_offers(*, now: datetime) -> list[Posted]:
    """The sweep: expire every offer past its time, each in its own transaction. An agent set
    to away for missing offers has their other open offers not yet due withdrawn, as if they
    went away by hand (those already due were missed too: this sweep expires them)."""
    results = []
    for pk in offers.due_conversation_ids(now=now):
        posted = conversation_expire_offer(conversation_id=pk, now=now)
        if posted is None:
            continue
        results.append(posted)
        if posted.marked_away:
            results += _withdraw_offers_of(posted.offer_withdrawn_from, now=now, due_after=now)
    return results


def conversation_withdraw_offer(
    *, conversation_id: int, agent_id: int, now: datetime
) -> Posted | None:
    """Take back the chat's open offer to an agent who is no longer online: it goes to the next
    eligible agent or the chat waits in the queue (its place unchanged). Not a missed offer:
    the agent is not skipped for the chat, nor does it count toward being set away.

    Exactly once: under the chat's row lock, and only while that agent's offer is still open
    and they are still not online; an accept, a sweep or another withdrawal that got the lock
    first leaves nothing to do (None)."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        offer = offers.open_offer(conversation)
        if offer is None or offer.agent_id != agent_id or conversation.status != Status.QUEUED:
            return None
        online = AgentProfile.objects.filter(
            user_id=agent_id, presence=AgentProfile.Presence.ONLINE
        )
        if online.exists():  # back online before this ran: the offer stands
            return None
        offers.offer_next(conversation, now=now)  # closes the open offer as withdrawn
        conversation.save(update_fields=["offered_to"])
        conversation_event(
            conversation,
            "offer_withdrawn",
            data={"agent": agent_id, "offered_to": conversation.offered_to_id},
        )
    return Posted(conversation, offer_withdrawn_from=agent_id)


def conversation_withdraw_offers_of(*, agent: AbstractBaseUser, now: datetime) -> list[Posted]:
    """An agent went away or offline: withdraw each of their open offers, chat by chat."""
    return _withdraw_offers_of(agent.pk, now=now)


def _withdraw_offers_of(
    agent_id: int, *, now: datetime, due_after: datetime | None = None
) -> list[Posted]:
    withdrawn = (
        conversation_withdraw_offer(conversation_id=pk, agent_id=agent_id, now=now)
        for pk in offers.offered_conversation_ids(agent_id, due_after=due_after)
    )
    return [posted for posted in withdrawn if posted is not None]


def conversation_offer_waiting(*, conversation_id: int, now: datetime) -> Posted | None:
    """Offer a chat that waits in the queue with no offer (nobody could take it when it was
    queued, or its offers ran out) to an agent who can take it now; None when it is no longer
    waiting or still nobody can take it (an online agent takes chats whatever the team's
    hours: livechat.handoff.handoff_mode). Under the chat's row lock."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        if conversation.status != Status.QUEUED or conversation.offered_to_id is not None:
            return None
        agent = offers.offer_next(conversation, now=now)
        if agent is None:
            return None
        conversation.save(update_fields=["offered_to"])
        conversation_event(conversation, "offered", data={"offered_to": agent.pk})
    return Posted(conversation, offered_anew=True)


def conversation_offer_waiting_chats(*, now: datetime) -> list[Posted]:
    """The sweep's second half: offer waiting chats, oldest first, team by team, until a team
    has nobody left who can take one."""
    offered = []
    for conversation_ids in offers.waiting_conversation_ids().values():
        for pk in conversation_ids:
            posted = conversation_offer_waiting(conversation_id=pk, now=now)
            if posted is None:
                break  # nobody else free in this team (or the chat moved on): next team
            offered.append(posted)
    return offered
