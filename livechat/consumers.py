"""Websocket consumers: customers on `ws/chat/<id>/`, agents on `ws/agent/`.

Authenticate on connect, authorise every group before joining it, check every frame at the
edge (livechat.frames) and again against what this person may do with that chat now
(livechat.dispatch), do the database work of a frame in one call on the database thread pool
(`in_pool`), and only `send_json` in group handlers. Bad frames get an error frame in the
customer's language, never a dropped socket or a traceback; only an oversized frame (1009) or
a flood (1008) closes it.

Redis only notifies: with the channel layer unreachable a socket still opens and every frame is
still stored and acknowledged; the sender gets its own chat's frames directly, and everyone
else catches up through `resume` when they reconnect.
"""

import asyncio
import contextlib
import functools
import logging
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext as _

from livechat import dispatch, frames
from livechat.publish import AGENTS_GROUP, Outcome, agent_group, conversation_group, staff_group
from support.websockets import RateLimit, origin_allowed

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
MESSAGES_PER_WINDOW = 10
LIGHT_PER_WINDOW = 30  # typing and ping frames
REFUSALS_PER_WINDOW = 20  # frames refused for the rate beyond which the socket is closed
RATE_WINDOW = 10.0  # seconds
CLOSE_REFUSED = 4403
CLOSE_POLICY = 1008  # a flood
CLOSE_TOO_BIG = 1009
LAYER_TIMEOUT = 2.0  # seconds a channel-layer call may take before the socket goes without it
ACCESS_REFRESH_SECONDS = 10.0  # how stale an agent console's team groups and chats may get

DATABASE_THREADS = 8
_database_pool = ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="livechat-db")


def in_pool(function):
    """A frame's database work on a pool of threads rather than the one shared sync thread:
    each call is its own transaction, so the PostgreSQL round trips of concurrent frames
    overlap. One connection per pool thread, kept open; livechat.dispatch checks it every few
    seconds instead of Channels' check before and after every call."""
    return sync_to_async(function, thread_sensitive=False, executor=_database_pool)


def close_pool_connections() -> None:
    """Close the pool threads' database connections (tests, before dropping the database)."""
    barrier = threading.Barrier(DATABASE_THREADS)

    def close() -> None:
        barrier.wait(timeout=10)  # one task per thread: every thread closes its own
        connections.close_all()

    for future in [_database_pool.submit(close) for _thread in range(DATABASE_THREADS)]:
        future.result()


def frame_size(text_data: str | None, bytes_data: bytes | None) -> int:
    if bytes_data is not None:
        return len(bytes_data)
    text = text_data or ""
    if len(text) * 4 <= MAX_FRAME_BYTES:  # no character takes more than 4 bytes
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def log_failure(kind: str, error: Exception) -> None:
    """Where a frame failed, never what it held: exception messages can quote the frame (a
    seed phrase where an id belonged), so only the exception's type and place are logged."""
    place = traceback.extract_tb(error.__traceback__)[-1:] or [None]
    where = f"{place[0].filename}:{place[0].lineno}" if place[0] else "?"
    logger.error("chat frame %r failed: %s at %s", kind, type(error).__name__, where)


class ChatFrames(AsyncJsonWebsocketConsumer):
    """What both consumers share: size, rate and shape checks, the channel layer used only
    when it answers, and the group handler."""

    language = "en"
    kinds: dict = {}  # the frame types this socket accepts (livechat.frames)

    async def __call__(self, scope, receive, send):
        """Channels' own, but a channel layer that does not answer (Redis down) leaves the
        socket without live updates instead of failing its handshake."""
        self.scope = scope
        self.base_send = send
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.groups_joined: set[str] = set()
        sources = [receive]
        try:
            name = await asyncio.wait_for(self.channel_layer.new_channel(), LAYER_TIMEOUT)
            self.channel_name = name
            sources.append(functools.partial(self.channel_layer.receive, name))
        except Exception as error:  # noqa: BLE001 - any failure of the layer degrades the same
            logger.warning("channel layer unavailable (%s): no live updates", type(error).__name__)
            self.channel_layer = None
            self.channel_name = f"unlayered.{uuid.uuid4().hex}"
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch(sources, self.dispatch)

    async def dispatch(self, message: dict) -> None:
        """Channels checks the database connections before every message and broadcast, a hop
        to its one shared sync thread each time; these consumers touch the database only
        through `in_pool`, whose threads check their own connections."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        with translation.override(self.language):
            if frame_size(text_data, bytes_data) > MAX_FRAME_BYTES:
                return await self.close(code=CLOSE_TOO_BIG)
            frame = frames.parse(text_data) if bytes_data is None else None
            kind = frame.get("type") if isinstance(frame, dict) else None
            light = kind in ("typing", "ping")
            if not (self.light_limit if light else self.frame_limit).allow():
                return await self.refused(silently=kind == "typing")
            if bytes_data is not None:
                return await self.error("invalid", _("This message could not be understood."))
            problem = frames.frame_problem(frame, self.kinds)
            if problem is not None:
                return await self.error(*problem)
            await self.handle(frame)

    async def handle(self, frame: dict) -> None:
        if frame["type"] == "ping":
            return await self.send_json({"type": "pong"})
        try:
            if frame["type"] == "typing":
                return await self.typing(frame)
            await self.receive_json(frame)
        except Exception as error:  # noqa: BLE001 - the socket stays open; the client resends
            log_failure(frame["type"], error)
            await self.error("server_error", _("Something went wrong. Please try again."))

    async def refused(self, *, silently: bool) -> None:
        """Over the rate: an error frame (dropped silently for typing); a socket that keeps
        going is closed with 1008."""
        if not self.refusals.allow():
            return await self.close(code=CLOSE_POLICY)
        if not silently:
            message = _("You are sending messages too fast. Please wait a moment.")
            await self.error("rate_limited", message)

    async def error(self, code: str, message: str) -> None:
        await self.send_json(frames.error_frame(code, message))

    async def refuse(self, code: str, message: str) -> None:
        await self.accept()
        await self.error(code, message)
        await self.close(code=CLOSE_REFUSED)

    async def deliver(self, outcome: Outcome) -> None:
        for reply in outcome.replies:
            await self.send_json(reply)
        for group, frame in outcome.broadcasts:
            sent = await self.layer_call("group_send", group, self.event(group, frame))
            if not sent and group in self.groups_joined:
                await self.send_json(frame)  # the layer is down: at least the sender sees it
            if not sent:
                await self.announce_live(available=False)

    async def announce_live(self, *, available: bool) -> None:
        """Tell the client, once, that live updates are off (the channel layer is down), so
        that it catches up by `resume` (or `join`) every few seconds instead."""
        if not available and not getattr(self, "told_not_live", False):
            self.told_not_live = True
            await self.send_json({"type": "live", "available": False})

    @staticmethod
    def event(group: str, frame: dict, **extra) -> dict:
        return {"type": "chat.frame", "group": group, "frame": frame, **extra}

    async def chat_frame(self, event: dict) -> None:
        if event.get("exclude") == self.channel_name:
            return
        await self.before_group_frame()
        if event.get("group", "") in self.groups_joined:  # still a member when it arrived
            await self.send_json(event["frame"])

    async def before_group_frame(self) -> None:
        """A hook: the agent console re-reads its access here every few seconds."""

    async def join_group(self, group: str) -> None:
        self.groups_joined.add(group)
        await self.layer_call("group_add", group, self.channel_name)

    async def leave_group(self, group: str) -> None:
        self.groups_joined.discard(group)
        await self.layer_call("group_discard", group, self.channel_name)

    async def layer_call(self, method: str, *args) -> bool:
        """A channel-layer call that gives up quietly: Redis only notifies (I9: a full channel
        or a layer that is down loses a notification, never a stored message)."""
        if self.channel_layer is None:
            return False
        try:
            await asyncio.wait_for(getattr(self.channel_layer, method)(*args), LAYER_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - ChannelFull, ConnectionError, a timeout
            logger.warning("channel layer %s failed (%s)", method, type(error).__name__)
            return False
        return True

    async def disconnect(self, code: int) -> None:
        for group in list(self.groups_joined):
            await self.leave_group(group)

    def limits(self, *, frames_per_window: int = MESSAGES_PER_WINDOW) -> None:
        self.frame_limit = RateLimit(frames_per_window, RATE_WINDOW)
        self.light_limit = RateLimit(LIGHT_PER_WINDOW, RATE_WINDOW)
        self.refusals = RateLimit(REFUSALS_PER_WINDOW, RATE_WINDOW)


class CustomerChatConsumer(ChatFrames):
    """A customer's (or guest's) side of one conversation."""

    kinds = frames.CUSTOMER_FRAMES

    async def connect(self) -> None:
        self.limits()
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        self.user = self.scope.get("user")
        if not origin_allowed(self.scope):
            return await self.refuse("bad_origin", _("This page may not open the chat."))
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.token = query.get("token", [""])[0]
        conversation = await in_pool(dispatch.customer_connect)(
            pk=self.conversation_id, user=self.user, token=self.token
        )
        if conversation is None:
            return await self.refuse("forbidden", _("This chat is not yours."))
        self.language = conversation.language
        await self.join_group(conversation_group(self.conversation_id))
        await self.accept()
        if self.channel_layer is None:
            await self.announce_live(available=False)

    async def receive_json(self, content: dict, **kwargs) -> None:
        outcome = await in_pool(dispatch.customer_frame)(
            conversation_id=self.conversation_id, user=self.user, token=self.token, frame=content
        )
        await self.deliver(outcome)

    async def typing(self, frame: dict) -> None:
        group = conversation_group(self.conversation_id)
        typing = {
            "type": "typing",
            "conversation": self.conversation_id,
            "by": "customer",
            "active": frame.get("active", True),
        }
        event = self.event(group, typing, exclude=self.channel_name)
        await self.layer_call("group_send", group, event)


class AgentConsumer(ChatFrames):
    """An agent's console: the queue, and any number of chats at once."""

    kinds = frames.AGENT_FRAMES

    async def connect(self) -> None:
        self.limits(frames_per_window=MESSAGES_PER_WINDOW * 3)
        self.user = self.scope.get("user")
        self.following: set[int] = set()
        if not origin_allowed(self.scope):
            return await self.refuse("bad_origin", _("This page may not open the chat."))
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse("forbidden", _("Please log in."))
        access, snapshot, language = await in_pool(self._start)()
        self.language = language
        if access.user is None:
            return await self.refuse("forbidden", _("Only support staff may use this."))
        self.user = access.user
        self.access_read_at = time.monotonic()
        for group in (AGENTS_GROUP, agent_group(self.user.pk), *access.team_groups):
            await self.join_group(group)
        await self.accept()
        if self.channel_layer is None:
            await self.announce_live(available=False)
        await self.deliver(snapshot)

    def _start(self) -> tuple[dispatch.AgentAccess, Outcome | None, str]:
        language = dispatch.user_language(self.user)
        access = dispatch.agent_access(user_id=self.user.pk)
        if access.user is None:
            return access, None, language
        return access, dispatch.agent_snapshot(user=access.user), language

    async def receive_json(self, content: dict, **kwargs) -> None:
        await self.before_group_frame()
        if content["type"] == "leave":
            return await self.unfollow(content["conversation"])
        outcome = await in_pool(dispatch.agent_frame)(user=self.user, frame=content)
        for conversation_id in outcome.join:
            await self.follow(conversation_id)
        await self.deliver(outcome)

    async def before_group_frame(self) -> None:
        """B4: every few seconds, re-read what this console may receive — a team it left, a
        chat it may no longer see, a role it lost — and leave those groups before the next
        frame is delivered."""
        if time.monotonic() - self.access_read_at < ACCESS_REFRESH_SECONDS:
            return
        self.access_read_at = time.monotonic()
        access = await in_pool(dispatch.agent_access)(
            user_id=self.user.pk, following=frozenset(self.following)
        )
        if access.user is None:
            await self.error("forbidden", _("Only support staff may use this."))
            return await self.close(code=CLOSE_REFUSED)
        self.user = access.user
        joined_teams = {group for group in self.groups_joined if group.startswith("livechat.team.")}
        for group in joined_teams - access.team_groups:
            await self.leave_group(group)
        for group in access.team_groups - joined_teams:
            await self.join_group(group)
        for conversation_id in self.following - access.following:
            await self.unfollow(conversation_id)

    async def follow(self, conversation_id: int) -> None:
        """Join a chat's groups; dispatch has checked that this agent may."""
        if conversation_id not in self.following:
            self.following.add(conversation_id)
            await self.join_group(conversation_group(conversation_id))
            await self.join_group(staff_group(conversation_id))

    async def unfollow(self, conversation_id: int) -> None:
        self.following.discard(conversation_id)
        await self.leave_group(conversation_group(conversation_id))
        await self.leave_group(staff_group(conversation_id))

    async def typing(self, frame: dict) -> None:
        conversation_id = frame["conversation"]
        if conversation_id not in self.following:
            return
        group = conversation_group(conversation_id)
        typing = {
            "type": "typing",
            "conversation": conversation_id,
            "by": "agent",
            "active": frame.get("active", True),
        }
        event = self.event(group, typing, exclude=self.channel_name)
        await self.layer_call("group_send", group, event)
