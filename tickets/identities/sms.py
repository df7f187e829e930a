"""Text messages to phones: one small interface, since the SMS provider is an outside service.

`sms_sender()` is the backend named by the `IDENTITY_SMS_BACKEND` setting (a dotted path to a
class with `send(to, text)`); by default `LogSmsSender`, which writes the message to the log
(for the demo and development: a deployment names its provider's backend)."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "tickets.identities.sms.LogSmsSender"


class SmsSender(Protocol):
    def send(self, to: str, text: str) -> None:
        """Send `text` to the E.164 number `to`; raise on failure."""


class LogSmsSender:
    """Writes the message to the log instead of sending it (demo and development)."""

    sent: list[tuple[str, str]] = []  # the latest messages, for the demo

    def send(self, to: str, text: str) -> None:
        LogSmsSender.sent = [*LogSmsSender.sent[-49:], (to, text)]
        logger.info("sms to %s: %s", to, text)


def sms_sender() -> SmsSender:
    return import_string(getattr(settings, "IDENTITY_SMS_BACKEND", DEFAULT_BACKEND))()
