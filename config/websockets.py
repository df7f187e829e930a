"""Websocket routes of every app, collected in one list."""

from livechat.routing import websocket_urlpatterns as livechat_routes
from tickets.websockets import websocket_urlpatterns as ticket_routes

websocket_urlpatterns: list = [*livechat_routes, *ticket_routes]
