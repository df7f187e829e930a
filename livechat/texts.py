"""System messages of the chat, in the chat's language (translated when they are written)."""

from django.utils import translation
from django.utils.translation import gettext as _


def joined(language: str, *, name: str) -> str:
    with translation.override(language):
        name = name or _("An agent")
        return _("%(name)s from our support team has joined the chat.") % {"name": name}


def offline(language: str) -> str:
    with translation.override(language):
        return _(
            "All our agents are busy or offline right now. You can wait here, or leave a "
            "message and we will answer you by email."
        )


def ended(language: str) -> str:
    with translation.override(language):
        return _("This chat has ended. Please start a new chat.")
