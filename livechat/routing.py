"""Websocket routes of the live chat (collected in config/websockets.py)."""

from django.urls import path

from livechat import consumers

websocket_urlpatterns = [
    path("ws/chat/<int:conversation_id>/", consumers.CustomerChatConsumer.as_asgi()),
    path("ws/agent/", consumers.AgentConsumer.as_asgi()),
]
