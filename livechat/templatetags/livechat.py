"""`{% load livechat %}{% livechat_widget %}`: the chat widget on any page of the site."""

from django import template

from livechat.views import widget_context

register = template.Library()


@register.inclusion_tag("livechat/_widget.html", takes_context=True)
def livechat_widget(context: template.Context, mount: str = "") -> dict:
    """The widget's script tag and translated strings; a floating button unless `mount` names
    an element to render into."""
    request = context["request"]
    return {
        **widget_context(request),
        "livechat_mount": mount,
        "user": request.user,
        "csrf_token": context.get("csrf_token", ""),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
