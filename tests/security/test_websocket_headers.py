"""Websocket handshakes — accepted or refused — carry the security headers pages carry
(ATTACKS K2, for websocket upgrades)."""

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from config.asgi import application
from config.asgi_security import WebsocketSecurityHeaders

REQUIRED = {
    b"content-security-policy",
    b"x-content-type-options",
    b"x-frame-options",
    b"referrer-policy",
    b"strict-transport-security",
}


def handshake_scope(path: str, *, origin: bytes = b"https://evil.example", deny: bool = True):
    return {
        "type": "websocket",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost"), (b"origin", origin)],
        "subprotocols": [],
        "extensions": {"websocket.http.response": {}} if deny else {},
    }


async def first_answer(app, scope) -> dict:
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "websocket.connect"})
    answer = await communicator.receive_output(5)
    await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    await communicator.wait(5)
    return answer


def header_names(message: dict) -> set[bytes]:
    return {name.lower() for name, _value in message.get("headers", [])}


@pytest.fixture(autouse=True)
def _hsts(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000


@pytest.mark.django_db(transaction=True)
def test_a_handshake_to_no_route_is_a_404_with_the_security_headers():
    """K2: an upgrade to a path with no consumer is refused as a 404 carrying CSP, HSTS,
    nosniff, frame DENY and Referrer-Policy (not the server's bare answer)."""
    answer = async_to_sync(first_answer)(application, handshake_scope("/ws/nowhere/"))

    assert answer["type"] == "websocket.http.response.start"
    assert answer["status"] == 404
    assert header_names(answer) >= REQUIRED


@pytest.mark.django_db(transaction=True)
def test_a_refused_console_socket_is_answered_with_the_security_headers():
    """K2: the console's socket opened from a foreign page gets its refusal on a handshake
    that carries the security headers."""
    answer = async_to_sync(first_answer)(application, handshake_scope("/ws/console/tickets/"))

    assert answer["type"] == "websocket.accept"  # then an error frame and a close (B1)
    assert header_names(answer) >= REQUIRED


def test_a_consumer_closing_before_accept_becomes_a_403_with_the_headers(settings):
    """K2: a consumer that closes before accepting (no session, bad ticket) is answered 403
    with the security headers where the server supports denial responses, else closed."""

    async def closes_at_once(scope, receive, send):
        await receive()
        await send({"type": "websocket.close", "code": 4403})

    app = WebsocketSecurityHeaders(closes_at_once)
    denied = async_to_sync(first_answer)(app, handshake_scope("/ws/agent/"))
    closed = async_to_sync(first_answer)(app, handshake_scope("/ws/agent/", deny=False))

    assert (denied["type"], denied["status"]) == ("websocket.http.response.start", 403)
    assert header_names(denied) >= REQUIRED
    assert closed == {"type": "websocket.close", "code": 4403}
