from django.conf import settings
from django.http import HttpRequest

from support.registry import nav_for, site_nav
from support.roles import is_staff_member


def site(request: HttpRequest) -> dict:
    user = request.user
    staff = is_staff_member(user)
    return {
        "is_staff_member": staff,
        "site_nav": site_nav(request.path),
        "console_nav": nav_for(user) if staff else [],
        "websocket_url": settings.WEBSOCKET_URL,
    }
