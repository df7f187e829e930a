"""What the chat console shows for the codes its frames carry, in the agent's language.

Frames keep codes (`"sender": "bot"`, `"handoff_reason": "asked_for_human"`) so clients can act
on them; the console page gets these maps once (with its other strings) and shows the label.
A code missing from a map is shown as the translated `unknown` label, never as the code.
"""

from django.db import models
from django.utils.translation import pgettext

from livechat.models import HandoffReason, OfferOutcome, SenderKind, Status
from support.exchange.labels import TRANSFER_KINDS, TRANSFER_STATUSES
from support.taxonomy import Category, Language


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def sender_labels() -> dict[str, str]:
    """Who wrote a chat message, as the agent reads it above the message."""
    return {
        SenderKind.CUSTOMER: pgettext("chat sender", "Customer"),
        SenderKind.BOT: pgettext("chat sender", "Assistant (bot)"),
        SenderKind.AGENT: pgettext("chat sender", "Agent"),
        SenderKind.SYSTEM: pgettext("chat sender", "System message"),
    }


def console_labels() -> dict[str, dict[str, str] | str]:
    """Every code-to-label map of the chat console, for its JSON strings element."""
    return {
        "senders": sender_labels(),
        "reasons": _choices(HandoffReason),
        "statuses": _choices(Status),
        "offers": _choices(OfferOutcome),
        "categories": _choices(Category),
        "languages": _choices(Language),
        "transfer_kinds": {code: str(label) for code, label in TRANSFER_KINDS.items()},
        "transfer_statuses": {code: str(label) for code, label in TRANSFER_STATUSES.items()},
        "unknown": pgettext("unknown value", "another value"),
    }
