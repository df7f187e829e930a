"""The security headers every HTTP answer carries, on websocket handshakes too.

Django's middleware adds them to pages; a websocket handshake is answered by the ASGI server
instead: the 101 that accepts it, or — when a consumer closes before accepting, or no route
matches — a refusal. This wrapper puts the same headers on the 101 and, where the server offers
the ASGI "websocket.http.response" extension (uvicorn does), turns a refusal into a plain 403/404
that carries them, rather than the server's bare answer.
"""

from collections.abc import Awaitable, Callable

from django.conf import settings

Scope = dict
Message = dict
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]
DENIAL = "websocket.http.response"


def security_headers() -> list[tuple[bytes, bytes]]:
    """As SecurityMiddleware and our CSP middleware set them on pages (read per handshake:
    settings may differ between tests)."""
    headers = [
        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", settings.SECURE_REFERRER_POLICY.encode()),
    ]
    if settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append((b"strict-transport-security", hsts.encode()))
    return headers


class WebsocketSecurityHeaders:
    """ASGI middleware for the websocket router (HTTP goes through Django's own)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        handshake = Handshake(scope, send)
        try:
            await self.app(scope, receive, handshake.send)
        except ValueError:
            if handshake.answered:  # a consumer's own error, after the handshake
                raise
            await handshake.refuse(404)  # no route for this path


class Handshake:
    """The send channel of one websocket, adding headers to whichever answer comes first."""

    def __init__(self, scope: Scope, send: Send) -> None:
        self.can_deny = DENIAL in scope.get("extensions", {})
        self.raw_send = send
        self.answered = False

    async def send(self, message: Message) -> None:
        if self.answered:
            return await self.raw_send(message)
        if message["type"] == "websocket.accept":
            self.answered = True
            headers = [*message.get("headers", []), *security_headers()]
            return await self.raw_send({**message, "headers": headers})
        if message["type"] == "websocket.close":
            return await self.refuse(403, message)
        return await self.raw_send(message)

    async def refuse(self, status: int, close: Message | None = None) -> None:
        self.answered = True
        if not self.can_deny:
            return await self.raw_send(close or {"type": "websocket.close", "code": 1008})
        headers = [(b"content-type", b"text/plain; charset=utf-8"), *security_headers()]
        await self.raw_send({"type": f"{DENIAL}.start", "status": status, "headers": headers})
        await self.raw_send({"type": f"{DENIAL}.body", "body": b"", "more_body": False})
