"""Live console notices: after a ticket's transaction commits, tell the sockets watching it.

A notice only names the ticket that changed; the pages re-fetch what they show from the server,
which alone decides what belongs in each view. Redis only notifies: a failed send is logged and
dropped, never the writer's problem (a page whose socket is down polls slowly instead).

Groups (docs/console.md): `tickets.all` (all open, breaching, search), `tickets.team.<id>`,
`tickets.agent.<id>` (the assignee), `tickets.ticket.<id>` (the ticket page and its presence).
Each notice carries, beside its frame, the teams of the tickets it names; a socket drops what
names a ticket of a restricted team its person may not read (`frame_shown`).
"""

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from channels.layers import get_channel_layer
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404

from support.roles import is_staff_member
from tickets.inbox.filters import Scope
from tickets.models import Ticket
from tickets.presence import tickets_with_viewers
from tickets.selectors import ticket_get_for_user

logger = logging.getLogger(__name__)

ALL_GROUP = "tickets.all"
SEND_TIMEOUT = 2.0  # seconds; a notice later than this is worthless
REFERENCES_PER_NOTICE = 100
NOTICE = "ticket.notice"  # the group message type; consumers' `ticket_notice` handler


def team_group(team_id: int) -> str:
    return f"tickets.team.{team_id}"


def agent_group(user_id: int) -> str:
    return f"tickets.agent.{user_id}"


def ticket_group(ticket_id: int) -> str:
    return f"tickets.ticket.{ticket_id}"


# --- One ticket changed (services, intake) ------------------------------------------------------


@dataclass(eq=False)
class TicketNotice:
    """The notice of one ticket's changes in one transaction: an on-commit callback, sent once.

    `teams` and `agents` are the ticket's owners before and after (None: no team or nobody);
    the consumers use `teams` to keep a restricted team's tickets from outsiders.
    """

    ticket_id: int
    reference: str
    team_id: int | None = None
    assignee_id: int | None = None
    by_id: int | None = None
    teams: set[int | None] = field(default_factory=set)
    agents: set[int | None] = field(default_factory=set)
    sent: bool = False
    created: bool = False  # made in this transaction: no page of it can be open yet

    def add(self, ticket: Ticket, by: AbstractBaseUser | None, changes: Iterable) -> None:
        self.team_id, self.assignee_id = ticket.team_id, ticket.assignee_id
        self.by_id = by.pk if by is not None else None
        self.teams.add(ticket.team_id)
        self.agents.add(ticket.assignee_id)
        for name, before, _after in changes:
            if name in ("team", "assignee"):
                owner = before.pk if hasattr(before, "pk") else None
                (self.teams if name == "team" else self.agents).add(owner)

    def groups(self) -> list[str]:
        teams = [team_group(pk) for pk in sorted(filter(None, self.teams))]
        agents = [agent_group(pk) for pk in sorted(filter(None, self.agents))]
        pages = [] if self.created else [ticket_group(self.ticket_id)]
        return [ALL_GROUP, *teams, *agents, *pages]

    def frame(self) -> dict:
        return {
            "type": "ticket.changed",
            "reference": self.reference,
            "team": self.team_id,
            "assignee": self.assignee_id,
            "by": self.by_id,
        }

    def __call__(self) -> None:
        self.sent = True
        before = sorted(self.teams - {self.team_id}, key=lambda team: team or 0)
        frame = Frame(self.frame(), teams={self.reference: [self.team_id, *before]})
        publish([(group, frame) for group in self.groups()])


def ticket_changed(
    *,
    ticket: Ticket,
    by: AbstractBaseUser | None,
    changes: Iterable[tuple] = (),
    created: bool = False,
) -> None:
    """Send a notice about `ticket` once the caller's transaction commits (at once outside
    one). Each service calls this after its changes; events_record only writes rows.
    `created`: the ticket was made in this transaction, so no ticket page can be open on it
    and the notice goes to the queues only (one group send fewer for every new ticket).

    One notice per ticket per transaction: a later change of a ticket whose notice still waits
    for this commit merges into it (to the groups of its teams and assignees before and after).
    The waiting notice is found among the connection's own on-commit callbacks, so a
    rolled-back savepoint takes its notice with it and nothing of ours outlives a transaction.
    """
    changes = list(changes)
    waiting = _waiting_notice(ticket.pk)
    if waiting is not None:
        waiting.add(ticket, by, changes)
        return
    notice = TicketNotice(ticket_id=ticket.pk, reference=ticket.reference, created=created)
    notice.add(ticket, by, changes)
    transaction.on_commit(notice, robust=True)


def _waiting_notice(ticket_id: int) -> TicketNotice | None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    for _savepoints, callback, *_robust in connection.run_on_commit:
        waiting = isinstance(callback, TicketNotice) and not callback.sent
        if waiting and callback.ticket_id == ticket_id:
            return callback
    return None


# --- Many tickets changed (the SLA sweep) -------------------------------------------------------


def tickets_swept(tickets: list[Ticket]) -> None:
    """Notices about a sweep's batch after its commit: one per group, not one per ticket.

    Call with the locked tickets (their teams loaded) before the sweep changes them: the
    notice, built after commit from the same objects, covers their teams and assignees before
    and after. Ticket pages are told only where someone has the page open.
    """
    before = {ticket.pk: _owners(ticket) for ticket in tickets}
    transaction.on_commit(lambda: _publish_swept(tickets, before), robust=True)


def _owners(ticket: Ticket) -> tuple[int | None, int | None, bool]:
    """(team, assignee, whether the team is restricted)."""
    team = ticket.team if ticket.team_id else None
    return ticket.team_id, ticket.assignee_id, bool(team and team.restricted)


def _publish_swept(tickets: list[Ticket], before: dict[int, tuple]) -> None:
    references: dict[str, list[str]] = defaultdict(list)
    restricted: dict[str, dict[str, list]] = defaultdict(dict)
    for ticket in tickets:
        now = _owners(ticket)
        owners = {before[ticket.pk][:2], now[:2]}
        groups = {ALL_GROUP}
        groups |= {team_group(team) for team, _agent in owners if team}
        groups |= {agent_group(agent) for _team, agent in owners if agent}
        for group in groups:
            references[group].append(ticket.reference)
            if now[2] or before[ticket.pk][2]:
                restricted[group][ticket.reference] = [now[0], before[ticket.pk][0]]
    messages = [
        (group, Frame(swept_frame(found), teams=restricted[group]))
        for group, found in references.items()
    ]
    try:
        viewed = tickets_with_viewers([ticket.pk for ticket in tickets])
    except Exception:
        logger.warning("Live console: presence lookup failed", exc_info=True)
        viewed = set()
    for ticket in tickets:
        if ticket.pk in viewed:
            frame = {"type": "ticket.changed", "reference": ticket.reference, "by": None}
            teams = {ticket.reference: [ticket.team_id, before[ticket.pk][0]]}
            messages.append((ticket_group(ticket.pk), Frame(frame, teams=teams)))
    publish(messages)


def swept_frame(references: list[str]) -> dict:
    return {
        "type": "tickets.changed",
        "references": references[:REFERENCES_PER_NOTICE],
        "count": len(references),
    }


# --- What a socket is shown (restricted teams) --------------------------------------------------


class Frame(dict):
    """A frame for the browser, with the teams of the tickets it names kept beside it for the
    consumers (never sent): `teams` maps a reference to [its team now, its teams before…],
    for every ticket of the frame that may belong to a restricted team."""

    def __init__(self, data: dict, *, teams: dict[str, list]) -> None:
        super().__init__(data)
        self.teams = teams


def frame_shown(message: dict, hidden: frozenset[int]) -> dict | None:
    """What a socket whose person may not read the `hidden` teams (support.teams) is shown of
    a notice: the frame itself; without the tickets now in a hidden team (a view they left
    still re-fetches, with no reference); or nothing."""
    frame, teams = message["frame"], message.get("teams") or {}
    gone = {reference for reference, (now, *_rest) in teams.items() if now in hidden}
    if not gone:
        return frame
    left = any(any(team not in hidden for team in teams[reference][1:]) for reference in gone)
    if frame["type"] == "ticket.changed":
        return swept_frame([]) if left else None
    shown = [reference for reference in frame["references"] if reference not in gone]
    count = max(frame["count"] - len(gone), 0)
    if not count and not left:
        return None
    return {"type": "tickets.changed", "references": shown, "count": count}


def ticket_team(message: dict) -> tuple[bool, int | None]:
    """(whether a ticket page's notice names the ticket's team, that team)."""
    for now, *_rest in (message.get("teams") or {}).values():
        return True, now
    return False, None


# --- Sending from synchronous code --------------------------------------------------------------


def publish(messages: list[tuple[str, dict]]) -> None:
    """Hand (group, frame) pairs to this process's sender loop and return at once.

    `async_to_sync(group_send)` costs ~3-4 ms per notice here (a new event loop and Redis
    connection each time); one long-lived loop per process reuses its connection.
    """
    try:
        layer = get_channel_layer()
        sending = asyncio.run_coroutine_threadsafe(_send(layer, messages), _sender_loop())
    except Exception:
        logger.warning("Live console: notice not sent", exc_info=True)
        return
    _in_flight.add(sending)
    sending.add_done_callback(_in_flight.discard)


def flush(timeout: float = SEND_TIMEOUT) -> None:
    """Wait until the notices handed over so far are sent (tests; a command about to exit)."""
    concurrent.futures.wait(list(_in_flight), timeout=timeout)


async def _send(layer, messages: list[tuple[str, dict]]) -> None:
    try:
        async with asyncio.timeout(SEND_TIMEOUT):
            for group, frame in messages:
                teams = getattr(frame, "teams", {})
                await layer.group_send(group, {"type": NOTICE, "frame": frame, "teams": teams})
    except Exception:
        logger.warning("Live console: notice not sent", exc_info=True)


_in_flight: set[concurrent.futures.Future] = set()
_sender_lock = threading.Lock()
_sender: dict[str, object] = {}


def _sender_loop() -> asyncio.AbstractEventLoop:
    """The process's sender loop, started on first use (after a fork, a new one)."""
    with _sender_lock:
        if _sender.get("pid") != os.getpid():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="tickets-live", daemon=True)
            thread.start()
            _sender.update(pid=os.getpid(), loop=loop)
        return _sender["loop"]


# --- Who may join which group (called by the consumers on connect) ------------------------------


def may_use_console(user: AbstractBaseUser) -> bool:
    return is_staff_member(user) and user.has_perm("support.use_console")


def queue_groups(*, user: AbstractBaseUser, view: str) -> list[str] | None:
    """The groups whose notices can change the inbox scope `view` (tickets.inbox.filters.Scope)
    for `user`; None if the user may not use the console. The scopes over all tickets
    (unassigned, breaching, breached, open, search) follow `tickets.all`; the socket drops
    the notices of restricted teams' tickets its person may not read (`frame_shown`), as
    Ticket.objects.visible_to leaves them out of the views. Filters only narrow a scope, so
    they never change its groups."""
    if not may_use_console(user) or view not in Scope.values:
        return None
    if view in (Scope.MINE, Scope.CHATS):  # chats: the page's own tickets of the agent
        return [agent_group(user.pk)]
    if view == Scope.TEAM:
        profile = getattr(user, "agent_profile", None)
        teams = profile.teams.values_list("pk", flat=True) if profile else []
        return [team_group(pk) for pk in sorted(teams)]
    return [ALL_GROUP]


def ticket_for_socket(*, user: AbstractBaseUser, reference: str) -> Ticket | None:
    """The ticket whose page `user` may follow, or None (not staff, or not visible)."""
    if not may_use_console(user):
        return None
    try:
        return ticket_get_for_user(user=user, reference=reference)
    except Http404:
        return None
