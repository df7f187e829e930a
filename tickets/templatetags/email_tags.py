"""What the console tells an agent about an inbound email (tickets/channels/email_mime.py's
findings kept on the message) and about a customer whose address bounces."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.bounce_models import BouncedAddress
from tickets.models import Message

register = template.Library()

PROBLEMS = {
    "structure": gettext_lazy(
        "Parts of this email are broken (a missing boundary, headers run into the text): what "
        "is shown may not be all the sender wrote."
    ),
    "charset": gettext_lazy("Some characters of this email could not be decoded."),
    "no_sender": gettext_lazy("This email names no address to answer."),
    "failed": gettext_lazy(
        "This email's structure could not be read: its headers and raw text are shown."
    ),
}
DROPPED = {
    "too_large": gettext_lazy("too large"),
    "type": gettext_lazy("a file type we do not accept"),
    "malware": gettext_lazy("it looks like malware"),
    "too_many": gettext_lazy("too many files in one email"),
}


@register.inclusion_tag("tickets/console/_email_notes.html", takes_context=True)
def email_notes(context: template.Context, message: Message) -> dict:
    """Warnings under an inbound email: could not read it fully (with the original to
    download, for staff allowed to), files not kept, links that lie, written by a program."""
    metadata = (message.metadata or {}) if message.channel == "email" else {}
    codes = metadata.get("read_problems", [])
    problems = [str(PROBLEMS[code]) for code in codes if code in PROBLEMS]
    perms = context.get("perms")
    may_download = bool(perms) and perms["tickets"]["view_rawinbound"]
    return {
        "message": message,
        "problems": problems,
        "dropped": [_dropped(item) for item in metadata.get("dropped_attachments", [])],
        "links": metadata.get("suspicious_links", []),
        "auto_reply": bool(metadata.get("auto_reply")),
        "capped": bool(metadata.get("acknowledgements_capped")),
        "raw": may_download and isinstance(metadata.get("raw_id"), int),
        "reference": context["ticket"].reference,  # the page's ticket: no query per message
    }


def _dropped(item: dict) -> str:
    reason = DROPPED.get(item.get("reason", ""), DROPPED["type"])
    return _("%(name)s (%(size)s) was not kept: %(reason)s.") % {
        "name": item.get("name", "?"),
        "size": filesizeformat(item.get("size") or 0),
        "reason": reason,
    }


@register.inclusion_tag("tickets/console/_bounce_notice.html")
def bounce_notice(bounce: BouncedAddress | None) -> dict:
    """The customer's address bounces: replies by email do not reach them."""
    return {"bounce": bounce}
