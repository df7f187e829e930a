"""Websockets of the ticket console (docs/console.md): a queue page on `ws/console/tickets/`, a
ticket page on `ws/console/tickets/<reference>/`.

Authenticate on connect (staff with the console permission), authorise each group before
joining it, then only relay: the database is read once, on connect; notices (tickets.live) and
presence (tickets.presence, in the cache) need no database connection, so Channels' check of it
before every message is skipped.
"""

import asyncio
import logging
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from support.services import user_preferred_language
from support.teams import hidden_team_ids
from support.websockets import RateLimit, origin_allowed, parse_frame
from tickets import live, presence

logger = logging.getLogger(__name__)

CLOSE_REFUSED = 4403
MAX_FRAME_BYTES = 1024
FRAMES_PER_WINDOW = 30
RATE_WINDOW = 10.0  # seconds
PRESENCE = "ticket.presence"  # the group message type; TicketConsumer.ticket_presence
HIDDEN_TEAMS_MAX_AGE = 30.0  # seconds; a change of team membership reaches open sockets by then


def in_thread(function):
    """Cache (not database) work off the event loop, without queueing behind Channels' one
    shared database thread."""
    return sync_to_async(function, thread_sensitive=False)


class ConsoleSocket(AsyncJsonWebsocketConsumer):
    """What both console sockets share: refusals with an error frame, shape and rate checks,
    pings, and relaying ticket notices."""

    language = "en"
    groups_joined: tuple[str, ...] = ()
    hidden: frozenset[int] = frozenset()
    hidden_read_at = 0.0

    async def dispatch(self, message: dict) -> None:
        """Without Channels' database connection check per message (see the module docstring)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.rate = RateLimit(FRAMES_PER_WINDOW, RATE_WINDOW)
        if not origin_allowed(self.scope):
            return await self.refuse("bad_origin", _("This page may not open the console."))
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse("forbidden", _("Please log in."))
        groups, self.language = await database_sync_to_async(self.authorise_with_teams)()
        if groups is None:
            with translation.override(self.language):
                return await self.refuse("forbidden", _("Only support staff may use this."))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = tuple(groups)
        await self.accept()

    def authorise(self) -> tuple[list[str] | None, str]:
        """(the groups this socket may join, or None; the user's language). Sync, one call."""
        raise NotImplementedError

    def authorise_with_teams(self) -> tuple[list[str] | None, str]:
        self.hidden, self.hidden_read_at = hidden_team_ids(self.user), time.monotonic()
        return self.authorise()

    async def hidden_teams(self) -> frozenset[int]:
        """The restricted teams whose tickets this socket's person may not read (support.teams),
        read again when older than HIDDEN_TEAMS_MAX_AGE."""
        if time.monotonic() - self.hidden_read_at > HIDDEN_TEAMS_MAX_AGE:
            self.hidden = await database_sync_to_async(hidden_team_ids)(self.user)
            self.hidden_read_at = time.monotonic()
        return self.hidden

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        with translation.override(self.language):
            frame, problem = parse_frame(text_data, bytes_data, max_bytes=MAX_FRAME_BYTES)
            if problem is not None:
                return await self.error(*problem)
            if not self.rate.allow():
                return await self.error(
                    "rate_limited", _("You are sending messages too fast. Please wait a moment.")
                )
            if frame["type"] == "ping":
                return await self.send_json({"type": "pong"})
            await self.receive_json(frame)

    async def receive_json(self, content: dict, **kwargs) -> None:
        await self.error("invalid", _("This message could not be understood."))

    async def error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def refuse(self, code: str, message: str) -> None:
        await self.accept()
        await self.error(code, message)
        await self.close(code=CLOSE_REFUSED)

    async def ticket_notice(self, event: dict) -> None:
        frame = live.frame_shown(event, await self.hidden_teams())
        if frame is not None:
            await self.send_json(frame)


class QueueConsumer(ConsoleSocket):
    """A queue page (`?view=mine|team|breaching|open|search`): told when a ticket that may
    belong in it changed, so it re-fetches its table."""

    def authorise(self) -> tuple[list[str] | None, str]:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        view = query.get("view", ["mine"])[0]
        return live.queue_groups(user=self.user, view=view), _language(self.user)


class TicketConsumer(ConsoleSocket):
    """A ticket page: who else is viewing or replying (frames `viewing` and `replying`), and
    a notice when someone else changed the ticket. While the page is open its presence entry
    is refreshed here, every presence.REFRESH_SECONDS."""

    ticket_id: int | None = None
    ticket_team_id: int | None = None
    closed = False
    slot: int | None = None
    replying = False
    keeping: asyncio.Task | None = None
    shown: list[dict] | None = None

    def authorise(self) -> tuple[list[str] | None, str]:
        reference = self.scope["url_route"]["kwargs"]["reference"]
        ticket = live.ticket_for_socket(user=self.user, reference=reference)
        if ticket is None:
            return None, _language(self.user)
        self.ticket_id, self.ticket_team_id = ticket.pk, ticket.team_id
        return [live.ticket_group(ticket.pk)], _language(self.user)

    async def disconnect(self, code: int) -> None:
        if self.keeping is not None:
            self.keeping.cancel()
            await in_thread(presence.viewer_leave)(
                ticket_id=self.ticket_id, slot=self.slot, channel=self.channel_name
            )
            await self.share(await in_thread(presence.viewers)(self.ticket_id))
        await super().disconnect(code)

    async def receive_json(self, content: dict, **kwargs) -> None:
        if not await self.still_visible():
            return
        if content["type"] == "viewing":
            self.replying = content.get("replying") is True
        elif content["type"] == "replying":
            self.replying = content.get("active") is True
        else:
            return await self.error("invalid", _("This message could not be understood."))
        await self.refresh()
        await self.share(self.shown)
        if self.keeping is None:
            self.keeping = asyncio.create_task(self.keep_present())

    async def refresh(self) -> None:
        """Record this page (cache only, off the event loop); remember who is here now."""

        def record() -> list[dict]:
            self.slot = presence.viewer_refresh(
                ticket_id=self.ticket_id,
                slot=self.slot,
                channel=self.channel_name,
                user=self.user,
                replying=self.replying,
            )
            return presence.viewers(self.ticket_id)

        self.shown = await in_thread(record)()

    async def keep_present(self) -> None:
        """Refresh this page's entry; tell the page's group when someone left unannounced (a
        crashed server's pages expire)."""
        while True:
            await asyncio.sleep(presence.REFRESH_SECONDS)
            before = self.shown
            try:
                await self.refresh()
            except Exception:
                logger.warning("Ticket presence not refreshed", exc_info=True)
                continue
            if self.shown != before:
                await self.share(self.shown)

    async def share(self, viewers: list[dict]) -> None:
        group = live.ticket_group(self.ticket_id)
        await self.channel_layer.group_send(group, {"type": PRESENCE, "viewers": viewers})

    async def ticket_presence(self, event: dict) -> None:
        if self.closed:
            return
        self.shown = event["viewers"]
        others = [
            {"email": viewer["email"], "replying": viewer["replying"]}
            for viewer in event["viewers"]
            if viewer["user"] != self.user.pk
        ]
        await self.send_json({"type": "presence", "others": others})

    async def ticket_notice(self, event: dict) -> None:
        known, team = live.ticket_team(event)
        if known:
            self.ticket_team_id = team
        if not await self.still_visible():
            return
        if event["frame"].get("by") != self.user.pk:
            await self.send_json(event["frame"])

    async def still_visible(self) -> bool:
        """Whether this person may still read the ticket (its team may have changed, or their
        teams); if not, the page is told and the socket closed."""
        if self.closed:
            return False
        if self.ticket_team_id not in await self.hidden_teams():
            return True
        self.closed = True
        with translation.override(self.language):
            await self.error("forbidden", _("This ticket moved to a team you cannot see."))
        await self.close(code=CLOSE_REFUSED)
        return False


def _language(user) -> str:
    return user_preferred_language(user) or translation.get_language() or "en"
