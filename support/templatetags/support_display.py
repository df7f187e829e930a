"""`{{ name|display_name }}`: a customer-controlled name or address as it may be shown."""

from django import template

from support.display import display_name as normalised

register = template.Library()


@register.filter
def display_name(value: object) -> str:
    return normalised(value)
