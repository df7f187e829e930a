"""What support needs from an exchange back office, as plain values."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol


class ExchangeError(Exception):
    """The back office refused or failed an operation."""


class AccountNotFound(ExchangeError):
    pass


class ExchangeUnavailable(ExchangeError):
    """The back office did not answer (timeout, connection refused, 5xx)."""


@dataclass(frozen=True)
class Balance:
    asset: str
    available: Decimal
    locked: Decimal


@dataclass(frozen=True)
class Transfer:
    id: str
    kind: str  # deposit | withdrawal
    asset: str
    network: str
    amount: Decimal
    address: str
    tx_hash: str
    status: str  # pending | confirming | completed | held | failed
    created_at: datetime
    fee: Decimal = Decimal("0")


@dataclass(frozen=True)
class Trade:
    id: str
    symbol: str
    side: str
    price: Decimal
    quantity: Decimal
    fee: Decimal
    created_at: datetime


@dataclass(frozen=True)
class LoginEvent:
    at: datetime
    ip: str
    country: str
    device: str
    success: bool


@dataclass(frozen=True)
class AccountSummary:
    account_id: str
    email: str
    kyc_status: str
    tier: str
    frozen: bool
    two_factor_enabled: bool
    created_at: datetime
    balances: list[Balance] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ActionResult:
    action: str
    account_id: str
    ok: bool
    reference: str
    detail: str = ""


def transfer_matches(
    transfer: Transfer, *, tx_hashes: Sequence[str] = (), addresses: Sequence[str] = ()
) -> bool:
    """Whether `transfer` has one of the hashes or addresses. Hexadecimal values (EVM hashes
    and addresses, bitcoin hashes) compare without case, as explorers treat them; base58 and
    bech32 values exactly."""
    hashes = {lookup_key(value) for value in tx_hashes if value}
    wanted = {lookup_key(value) for value in addresses if value}
    return bool(
        (transfer.tx_hash and lookup_key(transfer.tx_hash) in hashes)
        or (transfer.address and lookup_key(transfer.address) in wanted)
    )


def lookup_key(value: str) -> str:
    value = value.strip()
    digits = value[2:] if value[:2] in ("0x", "0X") else value
    is_hex = bool(digits) and all(char in "0123456789abcdefABCDEF" for char in digits)
    return value.lower() if is_hex else value


class Exchange(Protocol):
    """Reads, and remediation actions. Each action takes the caller's `idempotency_key`: a
    second call with the same key must not act again (the back office answers as the first
    time); without one, each call is a new action."""

    def account_summary(self, account_id: str) -> AccountSummary: ...
    def transfers(self, account_id: str, *, limit: int = 20) -> list[Transfer]: ...
    def find_transfers(
        self, account_id: str, *, tx_hashes: Sequence[str] = (), addresses: Sequence[str] = ()
    ) -> list[Transfer]:
        """The account's deposits and withdrawals whose transaction hash is one of `tx_hashes`
        or whose address is one of `addresses` (see `transfer_matches`): never another
        account's."""
        ...

    def trades(self, account_id: str, *, limit: int = 20) -> list[Trade]: ...
    def logins(self, account_id: str, *, limit: int = 20) -> list[LoginEvent]: ...
    def freeze_account(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult: ...
    def unfreeze_account(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult: ...
    def reset_two_factor(
        self, account_id: str, *, reason: str, actor: str, idempotency_key: str | None = None
    ) -> ActionResult: ...
    def release_withdrawal(
        self,
        account_id: str,
        *,
        withdrawal_id: str,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult: ...
    def refund_fee(
        self,
        account_id: str,
        *,
        asset: str,
        amount: Decimal,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult: ...

    def compensate(
        self,
        account_id: str,
        *,
        asset: str,
        amount: Decimal,
        reason: str,
        actor: str,
        idempotency_key: str | None = None,
    ) -> ActionResult: ...
