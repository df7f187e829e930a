"""The exchange adapter: the demo back office, and the HTTP client against a fake server."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from support.demo import exchange_account_data
from support.exchange import AccountNotFound, ExchangeError, ExchangeUnavailable, get_exchange
from support.exchange.demo import DemoExchange
from support.exchange.http import HttpExchange
from support.models import DemoExchangeAccount

ACCOUNT = exchange_account_data("owner@example.com", "vip", "verified", seed=1)
OTHER = exchange_account_data("outsider@example.com", "standard", "verified", seed=2)
DEPOSIT_HASH = ACCOUNT["transfers"][1]["tx_hash"]  # 0x…, an ETH deposit
HELD_ADDRESS = ACCOUNT["transfers"][0]["address"]  # the held USDT withdrawal's address


@pytest.fixture
def demo(db) -> DemoExchange:
    DemoExchangeAccount.objects.create(account_id="EX-1", data=json.loads(json.dumps(ACCOUNT)))
    return DemoExchange()


def test_demo_summary_balances_transfers_trades_logins(demo):
    summary = demo.account_summary("EX-1")
    assert summary.tier == "vip"
    assert summary.frozen is False
    assert [balance.asset for balance in summary.balances] == ["BTC", "USDT", "ETH"]
    transfers = demo.transfers("EX-1")
    assert transfers[0].status == "held"
    assert transfers[1].tx_hash.startswith("0x")
    assert demo.trades("EX-1", limit=1)[0].symbol == "BTC/USDT"
    assert demo.logins("EX-1")[1].success is False


def test_demo_finds_a_transfer_by_hash_or_address(demo):
    by_hash = demo.find_transfers("EX-1", tx_hashes=[DEPOSIT_HASH.upper().replace("0X", "0x")])
    assert [transfer.id for transfer in by_hash] == ["D102"]
    by_address = demo.find_transfers("EX-1", addresses=[HELD_ADDRESS])
    assert [(transfer.id, transfer.status) for transfer in by_address] == [("W101", "held")]
    assert demo.find_transfers("EX-1", tx_hashes=["0x" + "9" * 64]) == []
    assert demo.find_transfers("EX-1") == []


def test_demo_never_finds_another_accounts_transfer(demo):
    DemoExchangeAccount.objects.create(account_id="EX-2", data=json.loads(json.dumps(OTHER)))
    theirs = OTHER["transfers"][1]["tx_hash"]
    assert demo.find_transfers("EX-1", tx_hashes=[theirs]) == []
    assert [t.id for t in demo.find_transfers("EX-2", tx_hashes=[theirs])] == ["D202"]


def test_demo_unknown_account(demo):
    with pytest.raises(AccountNotFound):
        demo.account_summary("EX-404")


def test_demo_actions_change_the_account_and_leave_a_record(demo):
    demo.freeze_account("EX-1", reason="customer reports theft", actor="agent@example.com")
    demo.reset_two_factor("EX-1", reason="lost phone", actor="agent@example.com")
    demo.release_withdrawal(
        "EX-1", withdrawal_id="W101", reason="verified", actor="sup@example.com"
    )
    demo.refund_fee("EX-1", asset="USDT", amount=Decimal("1"), reason="double fee", actor="a@b.c")
    summary = demo.account_summary("EX-1")
    assert summary.frozen is True
    assert summary.two_factor_enabled is False
    assert demo.transfers("EX-1")[0].status == "pending"
    assert summary.balances[1].available == Decimal("2401.50")
    actions = DemoExchangeAccount.objects.get(account_id="EX-1").data["actions"]
    assert [action["action"] for action in actions] == [
        "freeze_account",
        "reset_two_factor",
        "release_withdrawal",
        "refund_fee",
    ]


def test_demo_refuses_to_release_a_withdrawal_that_is_not_held(demo):
    with pytest.raises(ExchangeError, match="completed, not held"):
        demo.release_withdrawal("EX-1", withdrawal_id="W104", reason="x", actor="y")


class FakeBackOffice(BaseHTTPRequestHandler):
    """Stands in for the exchange's HTTP API: what it received is kept for the test to read."""

    received: list = []

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, body: object) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self.received.append(("GET", self.path, self.headers.get("Authorization"), None))
        if self.headers.get("Authorization") != "Bearer s3cret":
            return self._answer(401, {"error": "bad token"})
        if self.path.startswith("/v1/accounts/EX-404"):
            return self._answer(404, {"error": "no such account"})
        if self.path.startswith("/v1/accounts/EX-500"):
            return self._answer(503, {"error": "maintenance"})
        if self.path == "/v1/accounts/EX-1":
            return self._answer(200, {"account_id": "EX-1", **ACCOUNT})
        if self.path.startswith("/v1/accounts/EX-1/transfers"):
            return self._answer(200, self._transfers(ACCOUNT["transfers"]))
        if self.path.startswith("/v1/accounts/EX-SLOPPY/transfers"):  # ignores every filter
            return self._answer(200, ACCOUNT["transfers"])
        if self.path.startswith("/v1/accounts/EX-ODD/transfers"):
            return self._answer(200, {"not": "a list"})
        if self.path.startswith("/v1/accounts/EX-1/trades"):
            return self._answer(200, ACCOUNT["trades"])
        if self.path.startswith("/v1/accounts/EX-1/logins"):
            return self._answer(200, ACCOUNT["logins"])
        return self._answer(404, {"error": "unknown path"})

    def _transfers(self, rows: list[dict]) -> list[dict]:
        """The list, filtered by `tx_hash` and `address` when given (either may match)."""
        query = parse_qs(urlsplit(self.path).query)
        hashes, addresses = query.get("tx_hash", []), query.get("address", [])
        if not hashes and not addresses:
            return rows
        return [row for row in rows if row["tx_hash"] in hashes or row["address"] in addresses]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(("POST", self.path, self.headers.get("Idempotency-Key"), body))
        if self.path.endswith("/withdrawals/W104/release"):
            return self._answer(409, {"error": "withdrawal W104 is completed"})
        return self._answer(200, {"reference": "BO-77", "detail": "done"})


@pytest.fixture
def back_office():
    FakeBackOffice.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBackOffice)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_http_reads_the_account(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    summary = exchange.account_summary("EX-1")
    assert summary.account_id == "EX-1"
    assert summary.balances[0].available == Decimal("0.225")
    assert exchange.transfers("EX-1", limit=5)[1].network == "ERC20"
    assert exchange.trades("EX-1")[1].side == "sell"
    assert exchange.logins("EX-1")[0].country == "KR"
    assert FakeBackOffice.received[1][1] == "/v1/accounts/EX-1/transfers?limit=5"


def test_http_finds_transfers_by_hash_and_address_in_one_call(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    found = exchange.find_transfers("EX-1", tx_hashes=[DEPOSIT_HASH], addresses=[HELD_ADDRESS])
    assert [(transfer.id, transfer.kind) for transfer in found] == [
        ("W101", "withdrawal"),
        ("D102", "deposit"),
    ]
    method, path, _token, _body = FakeBackOffice.received[-1]
    query = parse_qs(urlsplit(path).query)
    assert urlsplit(path).path == "/v1/accounts/EX-1/transfers"
    assert query == {"tx_hash": [DEPOSIT_HASH], "address": [HELD_ADDRESS], "limit": ["20"]}


def test_http_lookup_not_found_is_empty_and_asks_nothing_without_values(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    assert exchange.find_transfers("EX-1", tx_hashes=["0x" + "9" * 64]) == []
    asked = len(FakeBackOffice.received)
    assert exchange.find_transfers("EX-1") == []
    assert len(FakeBackOffice.received) == asked


def test_http_lookup_keeps_only_matches_when_the_back_office_ignores_the_filter(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    found = exchange.find_transfers("EX-SLOPPY", tx_hashes=[DEPOSIT_HASH])
    assert [transfer.id for transfer in found] == ["D102"]


def test_http_lookup_errors(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    with pytest.raises(AccountNotFound):
        exchange.find_transfers("EX-404", addresses=[HELD_ADDRESS])
    with pytest.raises(ExchangeUnavailable):
        exchange.find_transfers("EX-500", addresses=[HELD_ADDRESS])
    with pytest.raises(ExchangeError, match="unknown shape"):
        exchange.find_transfers("EX-ODD", addresses=[HELD_ADDRESS])


def test_http_actions_send_reason_actor_and_an_idempotency_key(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    result = exchange.refund_fee(
        "EX-1", asset="USDT", amount=Decimal("2.5"), reason="double fee", actor="agent@example.com"
    )
    assert result.reference == "BO-77"
    method, path, idempotency_key, body = FakeBackOffice.received[-1]
    assert (method, path) == ("POST", "/v1/accounts/EX-1/fee-refunds")
    assert idempotency_key
    assert body == {
        "asset": "USDT",
        "amount": "2.5",
        "reason": "double fee",
        "actor": "agent@example.com",
    }
    exchange.freeze_account("EX-1", reason="theft", actor="a")
    assert FakeBackOffice.received[-1][1] == "/v1/accounts/EX-1/freeze"


def test_http_maps_failures_to_clear_errors(back_office):
    exchange = HttpExchange(base_url=back_office, token="s3cret")
    with pytest.raises(AccountNotFound):
        exchange.account_summary("EX-404")
    with pytest.raises(ExchangeUnavailable):
        exchange.account_summary("EX-500")
    with pytest.raises(ExchangeError, match="W104 is completed"):
        exchange.release_withdrawal("EX-1", withdrawal_id="W104", reason="r", actor="a")
    with pytest.raises(ExchangeError, match="bad token"):
        HttpExchange(base_url=back_office, token="wrong").account_summary("EX-1")


def test_http_unreachable_server_is_unavailable():
    exchange = HttpExchange(base_url="http://127.0.0.1:1/v1", token="x", timeout=0.5)
    with pytest.raises(ExchangeUnavailable):
        exchange.account_summary("EX-1")


def test_get_exchange_picks_http_when_configured(settings, back_office):
    settings.EXCHANGE_API_URL = back_office
    assert isinstance(get_exchange(), HttpExchange)
    settings.EXCHANGE_API_URL = ""
    assert isinstance(get_exchange(), DemoExchange)
