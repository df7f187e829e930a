from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from support import registry
        from tickets.channels import kakao, line, meta, telegram, x  # noqa: F401 - adapters
        from tickets.dashboard import sla_figures
        from tickets.selectors import customer_past_tickets

        registry.register_site_nav(
            key="contact",
            label=_("Contact us"),
            description=_("Ask our support team; we answer in your language."),
            url_name="tickets:contact",
            order=30,
        )
        registry.register_site_nav(
            key="my_tickets",
            label=_("My tickets"),
            description=_("Follow your requests and reply to our team."),
            url_name="tickets:list",
            order=40,
        )
        registry.register_nav(
            key="tickets",
            label=_("Tickets"),
            url_name="tickets_console:queue",
            permission="support.use_console",
            order=10,
        )
        registry.register_nav(
            key="customers",
            label=_("Customers"),
            url_name="customers:list",
            permission="support.use_console",
            order=12,
        )
        registry.register_nav(
            key="macros",
            label=_("Macros"),
            url_name="macros:list",
            permission="support.supervise",
            order=60,
        )
        registry.register_nav(
            key="sla_dashboards",
            label=_("Live dashboard"),
            url_name="dashboards:supervisor",
            permission="support.supervise",
            order=55,
        )
        registry.register_nav(
            key="my_figures",
            label=_("My figures"),
            url_name="dashboards:me",
            permission="support.use_console",
            order=56,
        )
        registry.register_nav(
            key="quality_reviews",
            label=_("Quality reviews"),
            url_name="reviews:dashboard",
            permission="support.supervise",
            order=70,
        )
        registry.register_nav(
            key="my_reviews",
            label=_("My reviews"),
            url_name="reviews:mine",
            permission="support.use_console",
            order=72,
        )
        registry.register_customer_panel("tickets", customer_past_tickets, with_viewer=True)
        registry.register_dashboard_figure("tickets", sla_figures, with_teams=True)
        registry.register_demo_loader("tickets", _load_demo)
        from tickets import customer_data

        customer_data.register()
        from tickets.phone.apps import phone_ready

        phone_ready()
        from tickets.mailboxes import connect_receivers

        connect_receivers()  # the mailboxes each process keeps, renewed on a change


def _load_demo(stdout) -> None:
    from tickets.demo import load_demo  # imported when used: it pulls in intake and analysis

    load_demo(stdout)
