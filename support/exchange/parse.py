"""Turn the back office's JSON (the HTTP API and the demo data share one shape) into values.

An answer in another shape (a field missing, a number that is not one) raises ExchangeError,
which every page showing the exchange's data already handles: the agent sees that the account
could not be read, never an error page.
"""

import functools
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from support.exchange.base import (
    AccountSummary,
    Balance,
    ExchangeError,
    LoginEvent,
    Trade,
    Transfer,
)

T = TypeVar("T")
SHAPE_ERRORS = (AttributeError, KeyError, TypeError, ValueError, ArithmeticError)


def _shaped(parse: Callable[[dict], T]) -> Callable[[dict], T]:
    @functools.wraps(parse)
    def read(data: dict) -> T:
        try:
            return parse(data)
        except SHAPE_ERRORS as error:
            raise ExchangeError(f"the exchange answered in an unknown shape ({error!r})") from error

    return read


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@_shaped
def balance(data: dict) -> Balance:
    return Balance(
        asset=data["asset"],
        available=Decimal(str(data["available"])),
        locked=Decimal(str(data.get("locked", "0"))),
    )


@_shaped
def summary(data: dict) -> AccountSummary:
    return AccountSummary(
        account_id=data["account_id"],
        email=data.get("email", ""),
        kyc_status=data.get("kyc_status", "none"),
        tier=data.get("tier", "standard"),
        frozen=bool(data.get("frozen", False)),
        two_factor_enabled=bool(data.get("two_factor_enabled", False)),
        created_at=_time(data["created_at"]),
        balances=[balance(item) for item in data.get("balances", [])],
    )


@_shaped
def transfer(data: dict) -> Transfer:
    return Transfer(
        id=str(data["id"]),
        kind=data["kind"],
        asset=data["asset"],
        network=data.get("network", ""),
        amount=Decimal(str(data["amount"])),
        address=data.get("address", ""),
        tx_hash=data.get("tx_hash", ""),
        status=data["status"],
        created_at=_time(data["created_at"]),
        fee=Decimal(str(data.get("fee", "0"))),
    )


@_shaped
def trade(data: dict) -> Trade:
    return Trade(
        id=str(data["id"]),
        symbol=data["symbol"],
        side=data["side"],
        price=Decimal(str(data["price"])),
        quantity=Decimal(str(data["quantity"])),
        fee=Decimal(str(data.get("fee", "0"))),
        created_at=_time(data["created_at"]),
    )


@_shaped
def login(data: dict) -> LoginEvent:
    return LoginEvent(
        at=_time(data["at"]),
        ip=data.get("ip", ""),
        country=data.get("country", ""),
        device=data.get("device", ""),
        success=bool(data.get("success", True)),
    )
