"""The ticket history's sentences for calls (tickets/timeline.py uses them): the event keeps
"<direction> <outcome> <seconds>", these put it into words in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.phone.models import CallDirection, CallOutcome


def duration_words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return ngettext("%(count)d second", "%(count)d seconds", rest) % {"count": rest}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes} + (
        " " + ngettext("%(count)d second", "%(count)d seconds", rest) % {"count": rest}
        if rest
        else ""
    )


def call_sentence(event, values: dict[str, str]) -> str:
    direction, outcome, seconds = (event.after.split(" ") + ["", "", ""])[:3]
    inbound = direction == CallDirection.INBOUND
    values = {**values, "duration": duration_words(int(seconds)) if seconds.isdigit() else ""}
    if outcome in CallOutcome.values:
        values["outcome"] = str(CallOutcome(outcome).label)
        if values["duration"]:
            message = (
                _("Inbound call (%(duration)s) logged by %(actor)s: %(outcome)s.")
                if inbound
                else _("Outbound call (%(duration)s) logged by %(actor)s: %(outcome)s.")
            )
        else:
            message = (
                _("Inbound call logged by %(actor)s: %(outcome)s.")
                if inbound
                else _("Outbound call logged by %(actor)s: %(outcome)s.")
            )
        return message % values
    if values["duration"]:
        message = (
            _("An inbound call ended after %(duration)s.")
            if inbound
            else _("An outbound call ended after %(duration)s.")
        )
        return message % values
    return _("A call ended.")


def call_started_sentence(event, values: dict[str, str]) -> str:
    if event.after == CallDirection.OUTBOUND:
        return _("An outbound call to the customer started.")
    return _("The customer called.")
