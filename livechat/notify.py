"""Broadcasts from synchronous code (HTTP views): the frames the consumers would have sent."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from livechat.dispatch import Outcome


def broadcast(outcome: Outcome) -> None:
    """Call after the change is committed."""
    layer = get_channel_layer()
    for group, frame in outcome.broadcasts:
        async_to_sync(layer.group_send)(group, {"type": "chat.frame", "frame": frame})
