"""Remediation against the exchange's HTTP API (a fake back office served over real HTTP): the
remediation's idempotency key goes with every call, and stays the same when it is retried."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import PASSWORD, make_person
from tickets.errors import RemediationRefused
from tickets.models import Remediation
from tickets.remediation import remediation_approve, remediation_request, remediation_retry


class FlakyBackOffice(BaseHTTPRequestHandler):
    """Answers each action with the next of `answers` (then 200), like an exchange that
    performs an action once per Idempotency-Key and replays its first answer after that."""

    received: list = []
    answers: list = []
    performed: dict = {}

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key")
        self.received.append((self.path, key, body))
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            self.performed.setdefault(key, f"BO-{len(self.performed) + 1}")
            return self._answer(200, {"reference": self.performed[key], "detail": "done"})
        return self._answer(status, {"error": "maintenance"})

    def _answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


pytestmark = pytest.mark.usefixtures("remediation_rules")


@pytest.fixture
def back_office(settings):
    FlakyBackOffice.received, FlakyBackOffice.answers, FlakyBackOffice.performed = [], [], {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyBackOffice)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EXCHANGE_API_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.EXCHANGE_API_TOKEN = "s3cret"
    yield FlakyBackOffice
    server.shutdown()


@pytest.fixture
def ticket(customer, policy, receive):
    return receive()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


def test_the_remediations_key_is_the_idempotency_key(back_office, supervisor, ticket, commit):
    remediation = commit(
        lambda: remediation_request(
            ticket=ticket, action="freeze_account", reason="account takeover", by=supervisor
        )
    )

    remediation.refresh_from_db()
    assert remediation.state == "executed"
    assert back_office.received == [
        (
            "/v1/accounts/EX-1/freeze",
            str(remediation.idempotency_key),
            {"reason": "account takeover", "actor": supervisor.email},
        )
    ]


def test_a_retried_execution_sends_the_same_key_and_acts_once(
    back_office, supervisor, ticket, commit
):
    back_office.answers = [503]
    remediation = commit(
        lambda: remediation_request(
            ticket=ticket,
            action="refund_fee",
            reason="double fee",
            by=supervisor,
            asset="USDT",
            amount=Decimal("12.5"),
        )
    )
    remediation.refresh_from_db()
    assert remediation.state == "failed"

    commit(lambda: remediation_retry(remediation=remediation, by=supervisor))
    with pytest.raises(RemediationRefused):  # done: nothing left to retry
        remediation_retry(remediation=remediation, by=supervisor)

    remediation.refresh_from_db()
    assert (remediation.state, remediation.result) == ("executed", "BO-1")
    keys = [key for _path, key, _body in back_office.received]
    assert keys == [str(remediation.idempotency_key)] * 2
    assert list(back_office.performed) == [str(remediation.idempotency_key)]
    fields = list(ticket.events.values_list("field", flat=True))
    assert fields[-4:] == [
        "remediation_requested",
        "remediation_failed",
        "remediation_retried",
        "remediation_executed",
    ]


def test_unfreezing_over_http_after_approval(back_office, supervisor, ticket, commit):
    approver = make_person("boss2@example.com", "supervisor")
    remediation = commit(
        lambda: remediation_request(
            ticket=ticket, action="unfreeze_account", reason="recovered", by=supervisor
        )
    )
    assert back_office.received == []

    commit(lambda: remediation_approve(remediation=remediation, by=approver))

    remediation.refresh_from_db()
    assert remediation.state == "executed"
    assert [(path, key) for path, key, _body in back_office.received] == [
        ("/v1/accounts/EX-1/unfreeze", str(remediation.idempotency_key))
    ]


def test_retrying_from_the_console(back_office, client, supervisor, ticket, commit):
    back_office.answers = [502]
    remediation = commit(
        lambda: remediation_request(
            ticket=ticket, action="freeze_account", reason="theft", by=supervisor
        )
    )
    client.login(username=supervisor.username, password=PASSWORD)
    page = client.get(f"/console/tickets/{ticket.reference}/").content.decode()
    assert f"/console/tickets/remediations/{remediation.pk}/retry/" in page

    answer = commit(lambda: client.post(f"/console/tickets/remediations/{remediation.pk}/retry/"))

    assert answer.status_code == 302
    remediation = Remediation.objects.get(pk=remediation.pk)
    assert remediation.state == "executed"
    assert {key for _path, key, _body in back_office.received} == {str(remediation.idempotency_key)}
