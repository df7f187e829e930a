"""Which team and which agent a chat handed off by the bot goes to.

The same rules as tickets: the team from the admins' routing rules (security incidents to the
team that handles them), then an online agent of that team who speaks the customer's language,
has the category's skill and a free chat slot; the least loaded first.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet

from livechat.models import Conversation, Status
from support.models import AgentProfile, Team
from tickets.routing import routed_team

if TYPE_CHECKING:
    from tickets.sla import Calendar

DEFAULT_WAIT = timedelta(minutes=2)
WAIT_SAMPLE = 50


def pick_team(*, category: str, language: str, urgent: bool) -> Team | None:
    return routed_team(category=category, language=language, security=urgent)


def available_agents(*, team: Team | None):
    """Online agents (of `team` when given) with a free chat slot, least loaded first."""
    profiles = AgentProfile.objects.filter(presence=AgentProfile.Presence.ONLINE)
    if team is not None:
        profiles = profiles.filter(teams=team)
    return (
        profiles.annotate(
            open_chats=Count(
                "user__assigned_chats", filter=Q(user__assigned_chats__status=Status.ASSIGNED)
            )
        )
        .filter(open_chats__lt=F("max_open_chats"))
        .select_related("user")
        .order_by("open_chats", "presence_changed_at", "id")
    )


def pick_agent(
    conversation: Conversation, *, exclude: Collection[int] = ()
) -> AbstractBaseUser | None:
    """The best agent to offer the chat to (but not the `exclude`d user ids), or None when
    nobody can take it now."""
    candidates = available_agents(team=conversation.team)
    if exclude:
        candidates = candidates.exclude(user_id__in=exclude)
    candidates = list(candidates[:50])
    speaking = [p for p in candidates if conversation.language in p.languages] or candidates
    skilled = [p for p in speaking if conversation.category in p.skills] or speaking
    return skilled[0].user if skilled else None


def team_calendar(team: Team | None) -> "Calendar":
    """The team's business calendar as tickets' SLA value (24/7 when it has none)."""
    from tickets import sla
    from tickets.models import BusinessCalendar
    from tickets.selectors import calendar_value

    if team is None:
        return sla.ALWAYS_OPEN
    return calendar_value(BusinessCalendar.objects.filter(teams=team).order_by("id").first())


def team_is_open(team: Team | None, *, now: datetime) -> bool:
    """Inside the team's opening hours (weekly hours, timezone, public holidays) at `now`."""
    from tickets import sla

    try:
        return sla.calendar_is_open(team_calendar(team), now)
    except ValueError:  # a calendar without any opening hours is never open
        return False


def team_opens_at(team: Team | None, *, now: datetime) -> tuple[datetime, str] | None:
    """(when the team opens next, the calendar's timezone); None if it never opens."""
    from tickets import sla

    calendar = team_calendar(team)
    try:
        opens, _closes = next(sla.opening_intervals(calendar, now))
    except ValueError:
        return None
    return opens, calendar.timezone


def has_capacity(agent: AbstractBaseUser) -> bool:
    profile = AgentProfile.objects.filter(user=agent).first()
    if profile is None:
        return False
    open_chats = Conversation.objects.filter(agent=agent, status=Status.ASSIGNED).count()
    return open_chats < profile.max_open_chats


def agents_online(*, team: Team | None) -> bool:
    profiles = AgentProfile.objects.filter(presence=AgentProfile.Presence.ONLINE)
    if team is not None:
        profiles = profiles.filter(teams=team)
    return profiles.exists()


def measured_wait(chats: QuerySet[Conversation] | None = None) -> timedelta | None:
    """How long the latest chats (of `chats`, else all) waited in the queue before an agent
    took them, over the last WAIT_SAMPLE; None when none was taken yet."""
    chats = Conversation.objects.all() if chats is None else chats
    recent = (
        chats.filter(queued_at__isnull=False, assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values_list("queued_at", "assigned_at")[:WAIT_SAMPLE]
    )
    waits = [assigned - queued for queued, assigned in recent if assigned >= queued]
    return sum(waits, timedelta()) / len(waits) if waits else None


def average_wait() -> timedelta:
    """How long recent chats waited in the queue before an agent took them (a default before
    any was taken)."""
    return measured_wait() or DEFAULT_WAIT


def queue_positions(*, team_id: int | None, limit: int = 200) -> list[tuple[int, int, int]]:
    """(conversation id, position from 1, estimated wait in seconds) of a team's queue."""
    queued = Conversation.objects.queued().filter(team_id=team_id).values_list("id", flat=True)
    ids = list(queued[:limit])
    if not ids:
        return []
    per_chat = average_wait().total_seconds()
    online = max(1, _online_count(team_id))
    return [
        (pk, position, int(per_chat * position / online))
        for position, pk in enumerate(ids, start=1)
    ]


def _online_count(team_id: int | None) -> int:
    profiles = AgentProfile.objects.filter(presence=AgentProfile.Presence.ONLINE)
    if team_id is not None:
        profiles = profiles.filter(teams__id=team_id)
    return profiles.count()
