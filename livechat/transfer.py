"""Moving a chat on from its agent: to another agent, to a team's queue, or back to the bot."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from livechat import offers
from livechat.models import Conversation, HandoffReason, OfferOutcome, SenderKind, Status
from livechat.services import (
    ChatError,
    Posted,
    check_may_act,
    conversation_event,
    conversation_lock,
    conversation_transition,
    store_message,
    system_message,
)
from support.models import Team
from support.teams import can_read_team
from support.text import redact_customer_text


def conversation_transfer(
    *,
    conversation_id: int,
    by: AbstractBaseUser,
    to_agent: AbstractBaseUser | None = None,
    to_team: Team | None = None,
    note: str = "",
) -> Posted:
    """Hand the chat to another agent (who gets it at once) or back to a team's queue."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        check_may_act(conversation, by)
        posted = Posted(conversation, state_changed=True)
        if to_agent is not None:
            _reassign(conversation, agent=to_agent, by=by)
        elif to_team is not None:
            _requeue(conversation, team=to_team, by=by)
            posted.queue_teams.add(to_team.pk)
        else:
            raise ChatError("invalid", _("Choose an agent or a team."))
        note = redact_customer_text(note, lang=conversation.language).text
        conversation.transfer_note = note
        conversation.save(update_fields=["transfer_note"])
        if note:
            posted.messages.append(
                store_message(conversation, SenderKind.AGENT, note, author=by, internal=True)
            )
    return posted


def _reassign(conversation: Conversation, *, agent: AbstractBaseUser, by: AbstractBaseUser):
    if conversation.status != Status.ASSIGNED:
        raise ChatError("invalid_transition", _("Only a chat with an agent can be transferred."))
    if not can_read_team(agent, conversation.team_id):
        raise ChatError("invalid", _("This agent may not see this team's chats."))
    previous = conversation.agent_id
    conversation.agent = agent
    conversation.save(update_fields=["agent"])
    conversation_event(
        conversation, "transferred", actor=by, data={"from": previous, "to": agent.pk}
    )


def _requeue(conversation: Conversation, *, team: Team, by: AbstractBaseUser) -> None:
    conversation.team = team
    conversation.agent = None
    conversation.handoff_reason = HandoffReason.TRANSFER
    conversation.queued_at = timezone.now()
    offers.offer_next(conversation, now=conversation.queued_at)
    conversation_transition(
        conversation,
        to=Status.QUEUED,
        by=by,
        kind="requeued",
        fields=["team", "agent", "handoff_reason", "queued_at", "offered_to"],
    )


def conversation_hand_back(*, conversation_id: int, by: AbstractBaseUser) -> Posted:
    """The agent hands the chat back to the bot."""
    with transaction.atomic():
        conversation = conversation_lock(conversation_id)
        check_may_act(conversation, by)
        conversation.agent = None
        conversation.offered_to = None
        offers.offer_close(conversation, outcome=OfferOutcome.WITHDRAWN, now=timezone.now())
        conversation_transition(
            conversation,
            to=Status.BOT,
            by=by,
            kind="handed_back",
            fields=["agent", "offered_to"],
        )
        with translation.override(conversation.language):
            text = _("You are back with the automated assistant. Ask for a person at any time.")
        message = system_message(conversation, text, automated=True)
    return Posted(conversation, [message], state_changed=True, queue_teams={conversation.team_id})
