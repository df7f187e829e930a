"""Live console notices: after a ticket's transaction commits, tell the sockets watching it.

A notice only names the ticket that changed; the pages re-fetch what they show from the server,
which alone decides what belongs in each view. Redis only notifies: a failed send is logged and
dropped, never the writer's problem (a page whose socket is down polls slowly instead).

Groups (docs/console.md): `tickets.all` (all open, breaching, search), `tickets.team.<id>`,
`tickets.agent.<id>` (the assignee), `tickets.ticket.<id>` (the ticket page and its presence).
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
from tickets.models import Ticket
from tickets.presence import tickets_with_viewers
from tickets.selectors import QUEUE_NAMES, ticket_get_for_user

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


@dataclass
class Change:
    """The changes of one ticket in one transaction, sent as one notice after commit."""

    ticket_id: int
    reference: str
    team_id: int | None = None
    assignee_id: int | None = None
    by_id: int | None = None
    teams: set[int] = field(default_factory=set)
    agents: set[int] = field(default_factory=set)
    sent: bool = False

    def add(self, ticket: Ticket, by: AbstractBaseUser | None, changes: Iterable) -> None:
        self.team_id, self.assignee_id = ticket.team_id, ticket.assignee_id
        self.by_id = by.pk if by is not None else None
        self.teams.add(ticket.team_id)
        self.agents.add(ticket.assignee_id)
        for name, before, _after in changes:
            if name in ("team", "assignee") and hasattr(before, "pk"):
                (self.teams if name == "team" else self.agents).add(before.pk)

    def groups(self) -> list[str]:
        teams = [team_group(pk) for pk in sorted(filter(None, self.teams))]
        agents = [agent_group(pk) for pk in sorted(filter(None, self.agents))]
        return [ALL_GROUP, *teams, *agents, ticket_group(self.ticket_id)]

    def frame(self) -> dict:
        return {
            "type": "ticket.changed",
            "reference": self.reference,
            "team": self.team_id,
            "assignee": self.assignee_id,
            "by": self.by_id,
        }

    def publish(self) -> None:
        self.sent = True
        _pending().pop(self.ticket_id, None)
        frame = self.frame()
        publish([(group, frame) for group in self.groups()])


_local = threading.local()


def _pending() -> dict[int, Change]:
    if not hasattr(_local, "changes"):
        _local.changes = {}
    return _local.changes


def ticket_changed(
    *, ticket: Ticket, by: AbstractBaseUser | None, changes: Iterable[tuple] = ()
) -> None:
    """Send a notice about `ticket` once the caller's transaction commits (at once outside
    one). Several changes of one ticket in one transaction make one notice, to the groups of
    its teams and assignees before and after."""
    connection = transaction.get_connection()
    if not connection.run_on_commit:
        _pending().clear()  # nothing waits for a commit: what is left was rolled back
    change = _pending().get(ticket.pk)
    if change is None or change.sent or not _scheduled(change, connection):
        change = Change(ticket_id=ticket.pk, reference=ticket.reference)
        _pending()[ticket.pk] = change
        change.add(ticket, by, changes)
        transaction.on_commit(change.publish, robust=True)
        return
    change.add(ticket, by, changes)


def _scheduled(change: Change, connection) -> bool:
    """Whether the change's notice still waits for this transaction's commit (a rolled-back
    savepoint drops it)."""
    callback = change.publish
    return connection.in_atomic_block and any(
        entry[1] == callback for entry in connection.run_on_commit
    )


# --- Many tickets changed (the SLA sweep) -------------------------------------------------------


def tickets_swept(tickets: list[Ticket]) -> None:
    """Notices about a sweep's batch after its commit: one per group, not one per ticket.

    Call with the locked tickets before the sweep changes them: the notice, built after commit
    from the same objects, covers their teams and assignees before and after. Ticket pages are
    told only where someone has the page open.
    """
    before = {ticket.pk: (ticket.team_id, ticket.assignee_id) for ticket in tickets}
    transaction.on_commit(lambda: _publish_swept(tickets, before), robust=True)


def _publish_swept(tickets: list[Ticket], before: dict[int, tuple]) -> None:
    references: dict[str, list[str]] = defaultdict(list)
    for ticket in tickets:
        owners = {before[ticket.pk], (ticket.team_id, ticket.assignee_id)}
        groups = {ALL_GROUP}
        groups |= {team_group(team) for team, _agent in owners if team}
        groups |= {agent_group(agent) for _team, agent in owners if agent}
        for group in groups:
            references[group].append(ticket.reference)
    messages = [(group, swept_frame(found)) for group, found in references.items()]
    try:
        viewed = tickets_with_viewers([ticket.pk for ticket in tickets])
    except Exception:
        logger.warning("Live console: presence lookup failed", exc_info=True)
        viewed = set()
    for ticket in tickets:
        if ticket.pk in viewed:
            frame = {"type": "ticket.changed", "reference": ticket.reference, "by": None}
            messages.append((ticket_group(ticket.pk), frame))
    publish(messages)


def swept_frame(references: list[str]) -> dict:
    return {
        "type": "tickets.changed",
        "references": references[:REFERENCES_PER_NOTICE],
        "count": len(references),
    }


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
                await layer.group_send(group, {"type": NOTICE, "frame": frame})
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
    """The groups whose notices can change `view` (QUEUE_NAMES) for `user`; None if the user
    may not use the console. Staff see every ticket (Ticket.objects.visible_to), so the views
    over all tickets (open, breaching, search) follow `tickets.all`."""
    if not may_use_console(user) or view not in QUEUE_NAMES:
        return None
    if view == "mine":
        return [agent_group(user.pk)]
    if view == "team":
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
