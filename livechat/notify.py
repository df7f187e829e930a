"""Broadcasts from synchronous code (HTTP views, tasks): the frames the consumers would have
sent. Call after the change is committed. Redis only notifies: when the channel layer is
down the broadcast is dropped (and logged), the rows are already stored, and clients catch
up through `resume` when they reconnect."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from livechat.publish import Outcome

logger = logging.getLogger(__name__)


def broadcast(outcome: Outcome) -> None:
    layer = get_channel_layer()
    for group, frame in outcome.broadcasts:
        try:
            event = {"type": "chat.frame", "group": group, "frame": frame}
            async_to_sync(layer.group_send)(group, event)
        except Exception as error:  # noqa: BLE001 - any failure of the layer: stored, not told
            logger.warning("chat broadcast dropped (%s)", type(error).__name__)
