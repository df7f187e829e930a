"""The live tiles of the supervisors' dashboard: the viewer's teams right now.

Three aggregate queries whatever the number of rows (open tickets, queued chats, agents' presence),
each reading only open work, so the websocket can recompute them every few seconds
(tickets.dashboard_socket). They count the teams the viewer may see, the rule of the period
form (tickets.dashboards.forms.viewer_team_ids: administrators every team, supervisors the
teams they supervise): those teams' tickets, the chats queued for those teams
(`Conversation.team`) and the agents who are members of them. A ticket or chat of no team
counts only for administrators. Counts only: no ticket, chat or person is named, so supervisors
of the same teams see the same tiles.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from livechat.models import Conversation
from livechat.models import Status as ChatStatus
from support.models import AgentProfile
from tickets.models import Status, Ticket

DUE_FIELDS = ("first_response_due", "next_response_due", "resolution_due")
# Waiting on us: not on the customer (pending) nor deliberately parked (on hold).
WAITING_STATUSES = (Status.NEW, Status.OPEN)


def _due_before(moment: datetime) -> Q:
    condition = Q()
    for name in DUE_FIELDS:
        condition |= Q(**{f"{name}__lte": moment})
    return condition


def _minutes_since(moment: datetime | None, now: datetime) -> int:
    return int((now - moment).total_seconds() // 60) if moment is not None else 0


def tile_values(*, teams: tuple[int, ...] | None, now: datetime | None = None) -> dict[str, int]:
    """The numbers behind the tiles for `teams` (None: every team, and work of no team), as
    `viewer_team_ids` gives them; language-free: what the socket compares between frames."""
    now = now or timezone.now()
    tickets = Ticket.objects.open().of_teams(teams)
    chats = Conversation.objects.filter(status=ChatStatus.QUEUED).of_teams(teams)
    agents = _agents(teams)
    counted = tickets.aggregate(
        breached=Count("pk", filter=_due_before(now)),
        breaching=Count("pk", filter=_due_before(now + timedelta(hours=1)) & ~_due_before(now)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        oldest=Min("created_at", filter=Q(status__in=WAITING_STATUSES)),
    )
    queued = chats.aggregate(queued=Count("pk"), longest=Min("queued_at"))
    present = agents.aggregate(
        # distinct: an agent of two of the teams is one person
        online=Count("pk", distinct=True, filter=Q(presence=AgentProfile.Presence.ONLINE)),
        away=Count("pk", distinct=True, filter=Q(presence=AgentProfile.Presence.AWAY)),
    )
    return {
        "breached": counted["breached"],
        "breaching": counted["breaching"],
        "unassigned": counted["unassigned"],
        "oldest_waiting": _minutes_since(counted["oldest"], now),
        "chats_queued": queued["queued"],
        "longest_chat_wait": _minutes_since(queued["longest"], now),
        "agents_online": present["online"],
        "agents_away": present["away"],
    }


def _agents(teams: tuple[int, ...] | None) -> QuerySet[AgentProfile]:
    agents = AgentProfile.objects.all()
    return agents if teams is None else agents.filter(teams__in=teams)


def tile_labels() -> dict[str, tuple[str, str | None]]:
    """(label in the active language, alert tone when not zero) of each tile."""
    return {
        "breached": (_("SLA breached now"), "breached"),
        "breaching": (_("Breaching within 1 hour"), "warning"),
        "unassigned": (_("Unassigned tickets"), "warning"),
        "oldest_waiting": (_("Oldest waiting ticket (minutes)"), None),
        "chats_queued": (_("Chats in the queue"), "warning"),
        "longest_chat_wait": (_("Longest chat wait (minutes)"), None),
        "agents_online": (_("Agents online"), None),
        "agents_away": (_("Agents away"), None),
    }


def tiles(values: dict[str, int]) -> list[dict]:
    """The tiles as shown: key, label, value and tone ("ok", "warning", "breached" or "")."""
    shown = []
    for key, (label, alert) in tile_labels().items():
        value = values[key]
        tone = (alert if value else "ok") if alert else ""
        shown.append({"key": key, "label": label, "value": value, "tone": tone})
    return shown


def tiles_frame(values: dict[str, int], now: datetime | None = None) -> dict:
    return {
        "type": "tiles",
        "tiles": tiles(values),
        "at": (now or timezone.now()).isoformat(timespec="seconds"),
    }
