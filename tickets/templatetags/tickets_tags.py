"""Presentation of SLA countdowns and people (kept out of the models)."""

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from support.people import staff_public_name

register = template.Library()


@register.simple_tag
def sla_countdown(due: datetime | None, now: datetime, label: str = "") -> str:
    """A badge: breached (red), under an hour (amber) or the time left."""
    if due is None:
        return ""
    minutes = int((due - now).total_seconds() // 60)
    if minutes < 0:
        state, text = "breached", _("%(minutes)s min overdue") % {"minutes": -minutes}
    else:
        hours, rest = divmod(minutes, 60)
        state = "warning" if minutes < 60 else "ok"
        text = _("%(hours)sh %(minutes)sm left") % {"hours": hours, "minutes": rest}
    return format_html(
        '<span class="badge {}" title="{}">{}{}</span>',
        state,
        formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT"),
        f"{label}: " if label else "",
        text,
    )


@register.filter
def public_name(user) -> str:
    """A staff member as customers see them (support.people): never their email."""
    return staff_public_name(user)
