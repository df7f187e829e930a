"""The live tiles of the supervisors' dashboard: the whole support floor right now.

Three aggregate queries whatever the number of rows (open tickets, queued chats, agents' presence),
each reading only open work, so the websocket can recompute them every few seconds
(tickets.dashboard_socket). Counts only: no ticket, chat or person is named, so the tiles are
the same for every supervisor.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
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


def tile_values(now: datetime | None = None) -> dict[str, int]:
    """The numbers behind the tiles (language-free: what the socket compares between frames)."""
    now = now or timezone.now()
    tickets = Ticket.objects.open().aggregate(
        breached=Count("pk", filter=_due_before(now)),
        breaching=Count("pk", filter=_due_before(now + timedelta(hours=1)) & ~_due_before(now)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        oldest=Min("created_at", filter=Q(status__in=WAITING_STATUSES)),
    )
    chats = Conversation.objects.filter(status=ChatStatus.QUEUED).aggregate(
        queued=Count("pk"), longest=Min("queued_at")
    )
    agents = AgentProfile.objects.aggregate(
        online=Count("pk", filter=Q(presence=AgentProfile.Presence.ONLINE)),
        away=Count("pk", filter=Q(presence=AgentProfile.Presence.AWAY)),
    )
    return {
        "breached": tickets["breached"],
        "breaching": tickets["breaching"],
        "unassigned": tickets["unassigned"],
        "oldest_waiting": _minutes_since(tickets["oldest"], now),
        "chats_queued": chats["queued"],
        "longest_chat_wait": _minutes_since(chats["longest"], now),
        "agents_online": agents["online"],
        "agents_away": agents["away"],
    }


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
