"""Time zones and asset amounts in the page's language.

{% load support_locale %}
{{ calendar.timezone|timezone_name }}          대한민국 시간
{{ balance.available|asset_amount:balance.asset }}   1,200.50
"""

from decimal import Decimal

from django import template

from support import assets, localised

register = template.Library()


@register.filter
def timezone_name(zone: str) -> str:
    """A zone identifier ("Asia/Seoul") as the reader names it (support.localised)."""
    return localised.timezone_name(str(zone))


@register.filter
def asset_amount(amount: Decimal | str | None, asset: str) -> str:
    """An amount with its asset's decimals and the language's grouping (support.assets)."""
    return assets.asset_amount(amount, str(asset))
