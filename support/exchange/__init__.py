"""The host exchange's back office: account data and remediation actions.

`get_exchange()` returns the HTTP client when EXCHANGE_API_URL is set, else the demo exchange
(with DEBUG off only when EXCHANGE_BACKEND=demo chooses it: support/checks.py refuses to start
otherwise).
"""

from django.conf import settings

from support.exchange.base import (
    AccountNotFound,
    AccountSummary,
    ActionResult,
    Balance,
    Exchange,
    ExchangeError,
    ExchangeUnavailable,
    LoginEvent,
    Trade,
    Transfer,
)

__all__ = [
    "AccountNotFound",
    "AccountSummary",
    "ActionResult",
    "Balance",
    "Exchange",
    "ExchangeError",
    "ExchangeUnavailable",
    "LoginEvent",
    "Trade",
    "Transfer",
    "get_exchange",
]


def get_exchange() -> Exchange:
    if settings.EXCHANGE_API_URL:
        from support.exchange.http import HttpExchange

        return HttpExchange(
            base_url=settings.EXCHANGE_API_URL,
            token=settings.EXCHANGE_API_TOKEN,
            timeout=settings.EXCHANGE_API_TIMEOUT,
        )
    from support.exchange.demo import DemoExchange

    return DemoExchange()
