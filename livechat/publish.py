"""Who is told what after a chat changed: the frames for the sender (`Outcome.replies`) and for
each group (`Outcome.broadcasts`), built from rows already committed. Consumers send them
(`consumers.ChatFrames.deliver`); HTTP views and tasks call `notify.broadcast` after commit.

Groups are narrow: one chat (`conversation_group`, and `staff_group` for internal notes), one
agent (`agent_group`), the agents' consoles (`AGENTS_GROUP`) — and, for a restricted team
(Security, VIP), that team's own group (`team_group`) instead, so a summary of its chats
reaches only the people who may read them (support.teams).
"""

from dataclasses import dataclass, field

from livechat import assignment, frames
from livechat.models import ChatMessage, Conversation
from livechat.services import Posted

AGENTS_GROUP = "livechat.agents"


def conversation_group(conversation_id: int) -> str:
    return f"livechat.conversation.{conversation_id}"


def staff_group(conversation_id: int) -> str:
    return f"livechat.staff.{conversation_id}"


def agent_group(user_id: int) -> str:
    return f"livechat.agent.{user_id}"


def team_group(team_id: int) -> str:
    """The consoles of the people who may read a restricted team's chats."""
    return f"livechat.team.{team_id}"


def consoles_group(conversation: Conversation) -> str:
    """Where a chat's summary goes: its restricted team's group, or every console."""
    team = conversation.team if conversation.team_id else None
    return team_group(team.pk) if team is not None and team.restricted else AGENTS_GROUP


@dataclass
class Outcome:
    replies: list[dict] = field(default_factory=list)
    broadcasts: list[tuple[str, dict]] = field(default_factory=list)
    join: list[int] = field(default_factory=list)  # conversations the agent socket now follows


def publish(posted: Posted, *, client_id: str = "") -> Outcome:
    outcome = Outcome()
    if posted.duplicate_of is not None:
        outcome.replies.append(frames.ack_frame(posted.duplicate_of))
        return outcome
    conversation = posted.conversation
    for message in posted.redacted:
        outcome.broadcasts.append((_group_for(message), frames.redacted_frame(message)))
    for message in posted.messages:
        if client_id and message.client_message_id == client_id:
            outcome.replies.append(frames.ack_frame(message))
        outcome.broadcasts.append((_group_for(message), frames.message_frame(message)))
    if posted.state_changed:
        frame = frames.state_frame(conversation, offline=posted.offline)
        outcome.broadcasts.append((conversation_group(conversation.pk), frame))
    if (
        posted.state_changed
        or posted.summary_changed
        or posted.offer_withdrawn_from is not None
        or posted.offered_anew
    ):
        summary = frames.chat_summary_frame(conversation)
        outcome.broadcasts.append((consoles_group(conversation), summary))
    if posted.offer_withdrawn_from is not None:
        frame = frames.offer_withdrawn_frame(
            conversation.pk, away=posted.marked_away, expired=posted.offer_expired
        )
        outcome.broadcasts.append((agent_group(posted.offer_withdrawn_from), frame))
    for team_id in posted.queue_teams:
        for pk, position, wait in assignment.queue_positions(team_id=team_id):
            outcome.broadcasts.append(
                (conversation_group(pk), frames.queue_frame(pk, position, wait))
            )
    return outcome


def _group_for(message: ChatMessage) -> str:
    if message.internal:
        return staff_group(message.conversation_id)
    return conversation_group(message.conversation_id)
