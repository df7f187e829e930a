from django.utils.translation import gettext_lazy as _

from support import registry
from support.customer_data import register_customer_data
from support.data_rights.people import erase_people, export_people


def register() -> None:
    """support's own part of a customer's data, and the console's entry (customers find
    their page in the site header's account links)."""
    register_customer_data("support", exporter=export_people, eraser=erase_people)
    registry.register_nav(
        key="data_rights",
        label=_("Customer data"),
        url_name="console:data_rights",
        permission="support.manage_customer_data",
        order=90,
    )
