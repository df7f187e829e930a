"""The phone channel's entries in the site's and the console's navigation (called from
tickets.apps.TicketsConfig.ready)."""

from django.utils.translation import gettext_lazy as _


def phone_ready() -> None:
    from support import registry
    from tickets.phone import admin, webhook  # noqa: F401  (the admin pages, the webhook's adapter)

    registry.register_site_nav(
        key="callback",
        label=_("Call me back"),
        description=_(
            "VIP and institutional customers, and anyone reporting a security incident, "
            "can ask us to call."
        ),
        url_name="phone:callback",
        order=35,
    )
    registry.register_nav(
        key="callbacks",
        label=_("Callbacks"),
        url_name="phone_console:callbacks",
        permission="support.use_console",
        order=14,
    )
    registry.register_demo_loader("tickets_phone", _load_demo)  # after tickets' teams


def _load_demo(stdout) -> None:
    from tickets.phone.demo import load_demo

    load_demo(stdout)
