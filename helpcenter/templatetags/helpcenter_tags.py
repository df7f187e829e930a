from django import template
from django.utils import timezone
from django.utils.translation import get_language

from helpcenter.selectors import current_announcements
from helpcenter.text import LANGUAGES

register = template.Library()


@register.inclusion_tag("helpcenter/_announcements.html")
def announcement_banners() -> dict:
    language = get_language() if get_language() in LANGUAGES else "en"
    return {"banners": current_announcements(language=language, now=timezone.now())}
