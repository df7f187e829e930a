"""Websocket consumers: customers on `ws/chat/<id>/`, agents on `ws/agent/`.

Authenticate on connect, authorise every group before joining it, do the database work of a
frame in one call on the database thread pool (`in_pool`, livechat.dispatch), and only
`send_json` in group handlers. Bad frames get an error frame in the customer's language,
never a dropped socket.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext as _

from livechat import dispatch, frames
from livechat.dispatch import Outcome
from livechat.services import MAX_MESSAGE_CHARS
from support.models import AgentProfile
from support.roles import is_staff_member
from support.websockets import RateLimit, origin_allowed, parse_frame

MAX_FRAME_BYTES = 16 * 1024
MAX_CLIENT_ID = 64
MESSAGES_PER_WINDOW = 10
TYPING_PER_WINDOW = 30
RATE_WINDOW = 10.0  # seconds
CLOSE_REFUSED = 4403
REQUIRED = {"resume": ("after",), "read": ("up_to",), "rate": ("rating",)}


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


def invalid_frame(frame: object) -> tuple[str, str] | None:
    """(code, message) when a frame is malformed; messages in the active language."""
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return "invalid", _("This message could not be understood.")
    kind = frame["type"]
    if kind in ("message", "note", "leave_message"):
        client_id, text = frame.get("client_id"), frame.get("text")
        if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID:
            return "invalid", _("Each message needs its own client id.")
        if not isinstance(text, str) or not text.strip():
            return "invalid", _("Please type a message.")
        if len(text) > MAX_MESSAGE_CHARS:
            return "too_large", _("This message is too long. Please split it up.")
    if any(name not in frame for name in REQUIRED.get(kind, ())):
        return "invalid", _("This message could not be understood.")
    if kind == "presence" and frame.get("presence") not in AgentProfile.Presence.values:
        return "invalid", _("This message could not be understood.")
    for number in ("after", "up_to", "rating", "conversation"):
        if number in frame and (not isinstance(frame[number], int) or frame[number] < 0):
            return "invalid", _("This message could not be understood.")
    return None


class ChatFrames(AsyncJsonWebsocketConsumer):
    """What both consumers share: size, rate and shape checks, and the group handler."""

    language = "en"

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
            frame, problem = parse_frame(text_data, bytes_data, max_bytes=MAX_FRAME_BYTES)
            problem = problem or invalid_frame(frame)
            if problem is not None:
                return await self.error(*problem)
            if frame["type"] == "ping":
                return await self.send_json({"type": "pong"})
            if frame["type"] == "typing":
                if self.typing_limit.allow():
                    await self.typing(frame)
                return None
            if not self.frame_limit.allow():
                return await self.error(
                    "rate_limited", _("You are sending messages too fast. Please wait a moment.")
                )
            await self.receive_json(frame)

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
            await self.channel_layer.group_send(group, {"type": "chat.frame", "frame": frame})

    async def chat_frame(self, event: dict) -> None:
        if event.get("exclude") != self.channel_name:
            await self.send_json(event["frame"])

    def limits(self) -> None:
        self.frame_limit = RateLimit(MESSAGES_PER_WINDOW, RATE_WINDOW)
        self.typing_limit = RateLimit(TYPING_PER_WINDOW, RATE_WINDOW)


class CustomerChatConsumer(ChatFrames):
    """A customer's (or guest's) side of one conversation."""

    async def connect(self) -> None:
        self.limits()
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        self.user = self.scope.get("user")
        if not origin_allowed(self.scope):
            return await self.refuse("bad_origin", _("This page may not open the chat."))
        query = parse_qs(self.scope.get("query_string", b"").decode())
        token = query.get("token", [""])[0]
        conversation = await in_pool(dispatch.customer_connect)(
            pk=self.conversation_id, user=self.user, token=token
        )
        if conversation is None:
            return await self.refuse("forbidden", _("This chat is not yours."))
        self.language = conversation.language
        self.group = dispatch.conversation_group(self.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: dict, **kwargs) -> None:
        outcome = await in_pool(dispatch.customer_frame)(
            conversation_id=self.conversation_id, user=self.user, frame=content
        )
        await self.deliver(outcome)

    async def typing(self, frame: dict) -> None:
        event = {
            "type": "chat.frame",
            "exclude": self.channel_name,
            "frame": {
                "type": "typing",
                "conversation": self.conversation_id,
                "by": "customer",
                "active": bool(frame.get("active", True)),
            },
        }
        await self.channel_layer.group_send(self.group, event)


class AgentConsumer(ChatFrames):
    """An agent's console: the queue, and any number of chats at once."""

    async def connect(self) -> None:
        self.limits()
        self.frame_limit = RateLimit(MESSAGES_PER_WINDOW * 3, RATE_WINDOW)
        self.user = self.scope.get("user")
        self.following: set[int] = set()
        if not origin_allowed(self.scope):
            return await self.refuse("bad_origin", _("This page may not open the chat."))
        if self.user is None or not self.user.is_authenticated:
            return await self.refuse("forbidden", _("Please log in."))
        allowed, snapshot, language = await in_pool(self._start)()
        self.language = language
        if not allowed:
            return await self.refuse("forbidden", _("Only support staff may use this."))
        for group in (dispatch.AGENTS_GROUP, dispatch.agent_group(self.user.pk)):
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined = True
        await self.accept()
        await self.deliver(snapshot)

    def _start(self) -> tuple[bool, Outcome | None, str]:
        language = dispatch.user_language(self.user)
        if not (is_staff_member(self.user) and self.user.has_perm("support.use_console")):
            return False, None, language
        return True, dispatch.agent_snapshot(user=self.user), language

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "joined", False):
            return
        groups = [dispatch.AGENTS_GROUP, dispatch.agent_group(self.user.pk)]
        for conversation_id in self.following:
            groups += [
                dispatch.conversation_group(conversation_id),
                dispatch.staff_group(conversation_id),
            ]
        for group in groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: dict, **kwargs) -> None:
        if content["type"] != "presence" and "conversation" not in content:
            return await self.error("invalid", _("Which chat is this for?"))
        if content["type"] == "leave":
            return await self.unfollow(content["conversation"])
        outcome = await in_pool(dispatch.agent_frame)(user=self.user, frame=content)
        for conversation_id in outcome.join:
            await self.follow(conversation_id)
        await self.deliver(outcome)

    async def follow(self, conversation_id: int) -> None:
        """Join a chat's groups; dispatch has checked that this agent may."""
        if conversation_id not in self.following:
            self.following.add(conversation_id)
            await self.channel_layer.group_add(
                dispatch.conversation_group(conversation_id), self.channel_name
            )
            await self.channel_layer.group_add(
                dispatch.staff_group(conversation_id), self.channel_name
            )

    async def unfollow(self, conversation_id: int) -> None:
        self.following.discard(conversation_id)
        await self.channel_layer.group_discard(
            dispatch.conversation_group(conversation_id), self.channel_name
        )
        await self.channel_layer.group_discard(
            dispatch.staff_group(conversation_id), self.channel_name
        )

    async def typing(self, frame: dict) -> None:
        conversation_id = frame.get("conversation")
        if conversation_id not in self.following:
            return
        event = {
            "type": "chat.frame",
            "exclude": self.channel_name,
            "frame": {
                "type": "typing",
                "conversation": conversation_id,
                "by": "agent",
                "active": bool(frame.get("active", True)),
            },
        }
        await self.channel_layer.group_send(dispatch.conversation_group(conversation_id), event)
