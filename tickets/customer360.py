"""The customer 360 panel: the exchange account beside the ticket. Never a 500: the exchange
being down or the account missing becomes a notice. Each showing is an audit row (who looked at
whose account, and whether the exchange account itself was read)."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from support.audit import audit_record
from support.audit_models import AuditAction
from support.exchange import AccountNotFound, ExchangeError, ExchangeUnavailable, get_exchange
from support.registry import customer_panels
from tickets.bounce_models import address_bounce
from tickets.transfers import transfer_row

logger = logging.getLogger(__name__)

# Headings of the panels other apps add (support.registry keys), in the reader's language.
PANEL_TITLES = {
    "tickets": gettext_lazy("Tickets"),
    "chats": gettext_lazy("Chats"),
    "help center": gettext_lazy("Help articles rated"),
    "complaints": gettext_lazy("Complaints"),
}


def customer_360(customer: AbstractBaseUser, *, user: AbstractBaseUser) -> dict:
    profile = getattr(customer, "customer_profile", None)
    panel = {"customer": customer, "profile": profile, "notice": "", "panels": {}}
    panel["bounce"] = address_bounce(customer.email)  # our email to them bounces
    try:
        panel["panels"] = titled(customer_panels(customer, viewer=user))
    except Exception:  # another app's panel must not break the ticket page
        logger.exception("customer panel failed")
    account_id = profile.exchange_account_id if profile else None
    may_read_account = user.has_perm("support.view_customer_account")
    audit_record(
        AuditAction.CUSTOMER_VIEWED,
        actor=user,
        target=customer,
        customer=customer,
        detail={"exchange_account": account_id if may_read_account else None},
    )
    if not may_read_account:
        return panel
    if not account_id:
        panel["notice"] = _("No exchange account is linked to this customer.")
        return panel
    exchange = get_exchange()
    try:
        panel["account"] = exchange.account_summary(account_id)
        panel["transfers"] = [transfer_row(t) for t in exchange.transfers(account_id, limit=10)]
        panel["logins"] = exchange.logins(account_id, limit=10)
    except AccountNotFound:
        panel["notice"] = _("The exchange has no account %(id)s.") % {"id": account_id}
    except ExchangeUnavailable:
        logger.warning("exchange unavailable for the customer 360", exc_info=True)
        panel["notice"] = _("The exchange's back office is not answering; try again shortly.")
    except ExchangeError:
        logger.error("the exchange's answer for the customer 360 was unreadable", exc_info=True)
        panel["notice"] = _(
            "The exchange's answer about this account could not be read; its other records "
            "are shown as usual."
        )
    return panel


def titled(panels: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The panels keyed by their translated heading (the templates show the key)."""
    return {str(PANEL_TITLES.get(key, _("Other records"))): rows for key, rows in panels.items()}
