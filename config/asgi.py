"""ASGI entry point: websockets only (HTTP is served by gunicorn, see ARCHITECTURE.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

import config.celery  # noqa: E402,F401
from config.asgi_security import WebsocketSecurityHeaders  # noqa: E402
from config.websockets import websocket_urlpatterns  # noqa: E402
from support.factor_gate import SecondFactorScope  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_http,
        # Each consumer checks the Origin itself (support.websockets.origin_allowed), so that a
        # refused page gets an error frame in the customer's language, not a dropped socket.
        # Handshakes and refusals carry the pages' security headers (config/asgi_security.py).
        "websocket": WebsocketSecurityHeaders(
            # A session still owing its second factor is anonymous to every consumer.
            AuthMiddlewareStack(SecondFactorScope(URLRouter(websocket_urlpatterns)))
        ),
    }
)
