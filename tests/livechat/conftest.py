"""Live-chat fixtures: a security team, conversations, and websocket clients on the configured
Redis pub/sub channel layer."""

import copy
import json
import uuid
from urllib.parse import urlparse

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import Client

from livechat import start
from livechat.selectors import guest_token
from support.models import Team
from support.roles import Role
from tests.conftest import make_person

ORIGIN = (b"origin", b"http://127.0.0.1")
TIMEOUT = 5


class WebsocketCommunicator(ApplicationCommunicator):
    """A websocket client for an ASGI app, like Channels' own (whose package needs daphne)."""

    def __init__(self, application, path: str, headers: list | None = None):
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": parsed.path,
            "query_string": parsed.query.encode(),
            "headers": headers or [],
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = TIMEOUT) -> tuple[bool, object]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def send_json_to(self, data: object) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def send_text(self, text: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text})

    async def receive_json_from(self, timeout: float = TIMEOUT) -> dict:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def receive_close(self, timeout: float = TIMEOUT) -> int:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.close", response
        return response.get("code", 1000)

    async def disconnect(self, code: int = 1000, timeout: float = TIMEOUT) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def websocket_app():
    """The production ASGI application, so the tests see exactly what browsers see."""
    from config.asgi import application

    return application


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def customer_socket(conversation, *, cookie=None, token=None, origin=ORIGIN):
    """Build inside the test's event loop; make `cookie` (session_cookie) before it."""
    path = f"/ws/chat/{conversation.pk}/"
    if token is None and conversation.customer_id is None:
        token = guest_token(conversation)
    if token:
        path += f"?token={token}"
    headers = [origin] if origin else []
    if cookie is not None:
        headers.append(cookie)
    return WebsocketCommunicator(websocket_app(), path, headers=headers)


def agent_socket(cookie):
    return WebsocketCommunicator(websocket_app(), "/ws/agent/", headers=[ORIGIN, cookie])


async def receive_until(communicator, predicate, *, limit: int = 30) -> list[dict]:
    """Frames up to and including the first one `predicate` accepts."""
    seen = []
    for _ in range(limit):
        frame = await communicator.receive_json_from(timeout=TIMEOUT)
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"no matching frame in {seen}")


def of_type(kind: str, **fields):
    return lambda frame: (
        frame.get("type") == kind
        and all(frame.get(name) == value for name, value in fields.items())
    )


def start_guest_chat(language: str = "en", email: str = "guest@example.com", **fields):
    return start.conversation_start(
        customer=None, guest_email=email, language=language, category="general", **fields
    )


@pytest.fixture(autouse=True)
def _own_channel_prefix(settings):
    """Pub/sub channels are shared by every Redis database: keep concurrent runs apart."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers


@pytest.fixture(autouse=True)
def _close_consumer_connections():
    """The consumers' database threads hold connections; the test database must be droppable."""
    yield
    from livechat.consumers import close_pool_connections

    close_pool_connections()


@pytest.fixture
def security_team(db) -> Team:
    return Team.objects.create(slug="security", name="Security", handles_security=True)


@pytest.fixture
def security_agent(db, security_team):
    user = make_person(
        "guard@example.com", Role.AGENT, languages=["en"], presence="online", max_open_chats=2
    )
    user.agent_profile.teams.add(security_team)
    return user
