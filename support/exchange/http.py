"""The exchange's back-office HTTP API (contract in docs/exchange-api.md)."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import quote

import requests

from support.exchange import parse
from support.exchange.base import (
    AccountNotFound,
    AccountSummary,
    ActionResult,
    ExchangeError,
    ExchangeUnavailable,
    LoginEvent,
    Trade,
    Transfer,
    transfer_matches,
)

LOOKUP_LIMIT = 20
LOOKUP_VALUES = 10  # hashes and addresses each: a ticket names a few, a URL stays short


class HttpExchange:
    def __init__(self, *, base_url: str, token: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )

    def _url(self, account_id: str, *parts: str) -> str:
        return "/".join([self.base_url, "accounts", quote(account_id, safe=""), *parts])

    def _call(self, method: str, url: str, **kwargs) -> dict | list:
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ExchangeUnavailable(str(error)) from error
        if response.status_code == 404:
            raise AccountNotFound(url)
        if response.status_code >= 500:
            raise ExchangeUnavailable(f"{response.status_code} from the exchange")
        try:
            body = response.json()
        except ValueError as error:
            raise ExchangeError("the exchange answered with something that is not JSON") from error
        if response.status_code >= 400:
            raise ExchangeError(
                str(body.get("error", body)) if isinstance(body, dict) else str(body)
            )
        return body

    def account_summary(self, account_id: str) -> AccountSummary:
        return parse.summary(self._call("GET", self._url(account_id)))

    def transfers(self, account_id: str, *, limit: int = 20) -> list[Transfer]:
        rows = self._call("GET", self._url(account_id, "transfers"), params={"limit": limit})
        return [parse.transfer(row) for row in rows]

    def find_transfers(
        self, account_id: str, *, tx_hashes: Sequence[str] = (), addresses: Sequence[str] = ()
    ) -> list[Transfer]:
        """One call for every value; the answer is checked again here, so a back office that
        ignores a filter (and answers the whole list) never shows a transfer that does not
        match."""
        tx_hashes, addresses = list(tx_hashes)[:LOOKUP_VALUES], list(addresses)[:LOOKUP_VALUES]
        if not tx_hashes and not addresses:
            return []
        params = {"tx_hash": tx_hashes, "address": addresses, "limit": LOOKUP_LIMIT}
        rows = self._call("GET", self._url(account_id, "transfers"), params=params)
        try:
            found = [parse.transfer(row) for row in rows]
        except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise ExchangeError("the exchange answered a lookup in an unknown shape") from error
        wanted = {"tx_hashes": tx_hashes, "addresses": addresses}
        return [row for row in found if transfer_matches(row, **wanted)][:LOOKUP_LIMIT]

    def trades(self, account_id: str, *, limit: int = 20) -> list[Trade]:
        rows = self._call("GET", self._url(account_id, "trades"), params={"limit": limit})
        return [parse.trade(row) for row in rows]

    def logins(self, account_id: str, *, limit: int = 20) -> list[LoginEvent]:
        rows = self._call("GET", self._url(account_id, "logins"), params={"limit": limit})
        return [parse.login(row) for row in rows]

    def _act(
        self, action: str, account_id: str, parts: list[str], payload: dict, key: str | None
    ) -> ActionResult:
        """POST an action with its Idempotency-Key: the caller's (stable across retries of one
        request), else a new one for this call."""
        body = self._call(
            "POST",
            self._url(account_id, *parts),
            json=payload,
            headers={"Idempotency-Key": key or uuid.uuid4().hex},
        )
        if not isinstance(body, dict):
            raise ExchangeError("the exchange answered an action with something not an object")
        return ActionResult(
            action=action,
            account_id=account_id,
            ok=True,
            reference=str(body.get("reference", "")),
            detail=str(body.get("detail", "")),
        )

    def freeze_account(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult:
        payload = {"reason": reason, "actor": actor}
        return self._act("freeze_account", account_id, ["freeze"], payload, idempotency_key)

    def unfreeze_account(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult:
        payload = {"reason": reason, "actor": actor}
        return self._act("unfreeze_account", account_id, ["unfreeze"], payload, idempotency_key)

    def reset_two_factor(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult:
        payload = {"reason": reason, "actor": actor}
        parts = ["two-factor", "reset"]
        return self._act("reset_two_factor", account_id, parts, payload, idempotency_key)

    def release_withdrawal(
        self,
        account_id: str,
        *,
        withdrawal_id: str,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult:
        parts = ["withdrawals", quote(withdrawal_id, safe=""), "release"]
        payload = {"reason": reason, "actor": actor}
        return self._act("release_withdrawal", account_id, parts, payload, idempotency_key)

    def refund_fee(
        self,
        account_id: str,
        *,
        asset: str,
        amount: Decimal,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult:
        payload = {"asset": asset, "amount": str(amount), "reason": reason, "actor": actor}
        return self._act("refund_fee", account_id, ["fee-refunds"], payload, idempotency_key)

    def compensate(
        self,
        account_id: str,
        *,
        asset: str,
        amount: Decimal,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult:
        payload = {"asset": asset, "amount": str(amount), "reason": reason, "actor": actor}
        return self._act("compensate", account_id, ["compensations"], payload, idempotency_key)
