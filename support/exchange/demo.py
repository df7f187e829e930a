"""A demo back office kept in the database, so actions are visible across processes."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from support.exchange import parse
from support.exchange.base import (
    AccountNotFound,
    AccountSummary,
    ActionResult,
    ExchangeError,
    LoginEvent,
    Trade,
    Transfer,
    transfer_matches,
)
from support.models import DemoExchangeAccount

LOOKUP_LIMIT = 20


class DemoExchange:
    def _data(self, account_id: str) -> dict:
        account = DemoExchangeAccount.objects.filter(account_id=account_id).first()
        if account is None:
            raise AccountNotFound(account_id)
        return {"account_id": account_id, **account.data}

    def account_summary(self, account_id: str) -> AccountSummary:
        return parse.summary(self._data(account_id))

    def transfers(self, account_id: str, *, limit: int = 20) -> list[Transfer]:
        return [
            parse.transfer(item) for item in self._data(account_id).get("transfers", [])[:limit]
        ]

    def find_transfers(
        self, account_id: str, *, tx_hashes: Sequence[str] = (), addresses: Sequence[str] = ()
    ) -> list[Transfer]:
        rows = [parse.transfer(item) for item in self._data(account_id).get("transfers", [])]
        wanted = {"tx_hashes": tx_hashes, "addresses": addresses}
        return [row for row in rows if transfer_matches(row, **wanted)][:LOOKUP_LIMIT]

    def trades(self, account_id: str, *, limit: int = 20) -> list[Trade]:
        return [parse.trade(item) for item in self._data(account_id).get("trades", [])[:limit]]

    def logins(self, account_id: str, *, limit: int = 20) -> list[LoginEvent]:
        return [parse.login(item) for item in self._data(account_id).get("logins", [])[:limit]]

    def freeze_account(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult:
        return self._act(
            account_id,
            "freeze_account",
            Action(reason, actor, idempotency_key),
            lambda data: data.update(frozen=True),
        )

    def unfreeze_account(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult:
        def unfreeze(data: dict) -> None:
            if not data.get("frozen"):
                raise ExchangeError(f"account {account_id} is not frozen")
            data["frozen"] = False

        return self._act(
            account_id, "unfreeze_account", Action(reason, actor, idempotency_key), unfreeze
        )

    def reset_two_factor(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult:
        return self._act(
            account_id,
            "reset_two_factor",
            Action(reason, actor, idempotency_key),
            lambda data: data.update(two_factor_enabled=False),
        )

    def release_withdrawal(
        self,
        account_id: str,
        *,
        withdrawal_id: str,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult:
        def release(data: dict) -> None:
            for item in data.get("transfers", []):
                if str(item["id"]) == withdrawal_id and item["kind"] == "withdrawal":
                    if item["status"] != "held":
                        raise ExchangeError(
                            f"withdrawal {withdrawal_id} is {item['status']}, not held"
                        )
                    item["status"] = "pending"
                    return
            raise ExchangeError(f"no withdrawal {withdrawal_id}")

        action = Action(reason, actor, idempotency_key)
        return self._act(account_id, "release_withdrawal", action, release)

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
        def refund(data: dict) -> None:
            for item in data.setdefault("balances", []):
                if item["asset"] == asset:
                    item["available"] = str(Decimal(str(item["available"])) + amount)
                    return
            data["balances"].append({"asset": asset, "available": str(amount), "locked": "0"})

        return self._act(account_id, "refund_fee", Action(reason, actor, idempotency_key), refund)

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
        """A goodwill or redress credit: the same balance change as a fee refund, recorded
        as its own action."""

        def credit(data: dict) -> None:
            for item in data.setdefault("balances", []):
                if item["asset"] == asset:
                    item["available"] = str(Decimal(str(item["available"])) + amount)
                    return
            data["balances"].append({"asset": asset, "available": str(amount), "locked": "0"})

        return self._act(account_id, "compensate", Action(reason, actor, idempotency_key), credit)

    def _act(self, account_id: str, name: str, action: "Action", change) -> ActionResult:
        """Apply `change` to the account once per idempotency key: a repeated key answers
        with the first call's reference and changes nothing."""
        with transaction.atomic():
            account = (
                DemoExchangeAccount.objects.select_for_update()
                .filter(account_id=account_id)
                .first()
            )
            if account is None:
                raise AccountNotFound(account_id)
            actions = account.data.setdefault("actions", [])
            done = [item for item in actions if action.key and item.get("key") == action.key]
            if done:
                return ActionResult(
                    action=name, account_id=account_id, ok=True, reference=done[0]["reference"]
                )
            change(account.data)
            reference = f"DEMO-{uuid.uuid4().hex[:10].upper()}"
            actions.append(action.record(name, reference))
            account.save(update_fields=["data"])
        return ActionResult(action=name, account_id=account_id, ok=True, reference=reference)


@dataclass(frozen=True)
class Action:
    reason: str
    actor: str
    key: str | None = None

    def record(self, name: str, reference: str) -> dict:
        return {
            "action": name,
            "reason": self.reason,
            "actor": self.actor,
            "reference": reference,
            "key": self.key,
            "at": timezone.now().isoformat(),
        }
