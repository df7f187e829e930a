"""System messages of the chat, in the chat's language (translated when they are written)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, translation
from django.utils.translation import gettext as _

from support.localised import timezone_name


def joined(language: str, *, name: str) -> str:
    """Two whole sentences, with a name and without: a fallback noun put in the place of the
    name reads as "an agent an agent" in languages that add their own noun to the name."""
    with translation.override(language):
        if not name:
            return _("An agent has joined the chat.")
        return _("%(name)s from our support team has joined the chat.") % {"name": name}


def offline(language: str) -> str:
    with translation.override(language):
        return _(
            "All our agents are busy or offline right now. You can wait here, or leave a "
            "message and we will answer you by email."
        )


def closed(language: str, *, opens_at: datetime | None, zone: str = "UTC") -> str:
    """The team is outside its opening hours; says when it is back, in the calendar's zone,
    named in the chat's language ("대한민국 시간", not "Asia/Seoul")."""
    with translation.override(language):
        if opens_at is None:
            return _(
                "Our support team is outside its opening hours right now. Leave a message "
                "and we will answer you by email."
            )
        when = formats.date_format(opens_at.astimezone(ZoneInfo(zone)), "DATETIME_FORMAT")
        return _(
            "Our support team is outside its opening hours right now and will be back on "
            "%(when)s (%(zone)s). Leave a message and we will answer you by email."
        ) % {"when": when, "zone": timezone_name(zone)}


def ended(language: str) -> str:
    with translation.override(language):
        return _("This chat has ended. Please start a new chat.")


def file_refused(language: str, *, name: str, why: str) -> str:
    """For the agents (an internal note): a file the customer sent on a messaging channel that
    was not taken. `why` is "size", "type" or "fetch" (the channel no longer had it)."""
    with translation.override(language):
        if why == "size":
            return _("The customer sent %(name)s; it was too large to accept.") % {"name": name}
        if why == "type":
            return _("The customer sent %(name)s; files of this type are not accepted.") % {
                "name": name
            }
        return _("The customer sent %(name)s; it could not be fetched from the channel.") % {
            "name": name
        }
