"""The phone channel in templates: a ticket's calls panel, masked numbers, durations."""

from django import template

from tickets.phone.numbers import mask_number
from tickets.phone.selectors import calls_of_ticket
from tickets.phone.timeline import duration_words

register = template.Library()


@register.inclusion_tag("tickets/phone/_ticket_calls.html")
def ticket_calls(ticket) -> dict:
    return {"ticket": ticket, "calls": calls_of_ticket(ticket)}


@register.filter
def masked_number(number: str) -> str:
    return mask_number(number)


@register.filter
def call_duration(seconds: int | None) -> str:
    return "—" if seconds is None else duration_words(seconds)
