from django.utils.translation import gettext_lazy as _

from support import registry
from support.customer_data import register_customer_data
from support.data_rights.people import erase_people, export_people


def register() -> None:
    """support's own part of a customer's data, and the pages' navigation entries."""
    register_customer_data("support", exporter=export_people, eraser=erase_people)
    registry.register_site_nav(
        key="my_data",
        label=_("Your data"),
        description=_("Download a copy of everything you gave us."),
        url_name="data_page",
        order=90,
    )
    registry.register_nav(
        key="data_rights",
        label=_("Customer data"),
        url_name="console:data_rights",
        permission="support.manage_customer_data",
        order=90,
    )
