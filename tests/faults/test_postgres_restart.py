"""I3: PostgreSQL restarts under a running web server (gunicorn, as in production; the database
is our own, started by pgserver in a temporary directory): meanwhile every request answers a
fast 503 (the API in its JSON error shape, no traceback), and once PostgreSQL is back the same
gunicorn process answers again, with no restart."""

from collections.abc import Iterator
from urllib.parse import quote

import pgserver
import pytest
import requests
from django.core.management import call_command
from django.db import connection
from django.test import Client
from pgserver._commands import pg_ctl
from rest_framework.authtoken.models import Token

from support.models import OutboxEmail
from support.roles import Role
from support.tasks import outbox_deliver_task
from tests.conftest import make_person
from tests.faults.conftest import (
    BIN,
    ChildProcess,
    broker_at,
    free_port,
    project_env,
    short_temp_dir,
    wait_for,
)


class PostgresProcess:
    def __init__(self, server: pgserver.PostgresServer):
        self.server = server

    def stop(self) -> None:
        pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        self.server.ensure_postgres_running()

    @property
    def socket_dir(self) -> str:
        return str(self.server.get_postmaster_info().socket_dir)

    def url(self, name: str) -> str:
        return f"postgres://postgres@{quote(self.socket_dir, safe='')}/{name}"


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresProcess]:
    directory = short_temp_dir("pg")
    directory.chmod(0o755)  # noqa: S103 - as root, pgserver runs the server as its own user
    server = pgserver.get_server(directory, cleanup_mode="delete")
    server.psql("CREATE DATABASE faults;")
    yield PostgresProcess(server)
    server.cleanup()


@pytest.fixture(scope="module")
def customer_access(own_postgres, django_db_blocker) -> dict:
    """Our database migrated, with a customer's API token and signed-in session and two emails
    in the outbox; Django's own connection goes back to the test database afterwards."""
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(
            HOST=own_postgres.socket_dir, PORT="", NAME="faults", USER="postgres", PASSWORD=""
        )
        try:
            call_command("migrate", verbosity=0)
            customer = make_person("owner@example.com", Role.CUSTOMER)
            browser = Client()
            browser.force_login(customer)
            emails = [
                OutboxEmail.objects.create(
                    dedupe_key=f"faults:{n}", to=customer.email, subject=f"Email {n}", body_text="."
                ).pk
                for n in (1, 2)
            ]
            return {
                "token": Token.objects.create(user=customer).key,
                "session": browser.cookies["sessionid"].value,
                "emails": emails,
            }
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.fixture(scope="module")
def web(own_postgres, customer_access) -> Iterator[str]:
    """gunicorn serving the project on our database; its base URL."""
    port = free_port()
    env = project_env(DATABASE_URL=own_postgres.url("faults"))
    command = [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"]
    server = ChildProcess("gunicorn", command, env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(base) or not server.running, timeout=60, what="gunicorn")
        assert server.running, server.output()
        yield base
    finally:
        server.stop()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=10).status_code in (200, 503)
    except requests.RequestException:  # not listening yet
        return False


@pytest.fixture
def postgres_restarts(own_postgres) -> Iterator[PostgresProcess]:
    yield own_postgres
    own_postgres.start()  # also when the test failed while it was stopped


def test_requests_answer_503_while_postgres_is_down_then_work_again(
    web, customer_access, postgres_restarts
):
    """I3: the API and a page answer 503 while PostgreSQL is stopped (JSON on the API with
    Retry-After, a page in the visitor's language, no traceback) and work again once it is
    back, served by the same gunicorn process."""
    api = requests.Session()
    api.headers["Authorization"] = f"Token {customer_access['token']}"
    page = requests.Session()
    page.headers["Cookie"] = f"sessionid={customer_access['session']}"
    assert api.get(f"{web}/api/v1/tickets/", timeout=10).status_code == 200
    assert page.get(f"{web}/en/tickets/", timeout=10).status_code == 200

    postgres_restarts.stop()
    ticket = {"subject": "Withdrawal pending", "text": "My USDT withdrawal is pending."}
    response = api.post(f"{web}/api/v1/tickets/", json=ticket, timeout=10)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0
    response = page.get(f"{web}/ko/tickets/", timeout=10)
    assert response.status_code == 503
    assert "Traceback" not in response.text and "OperationalError" not in response.text
    assert '<html lang="ko">' in response.text

    postgres_restarts.start()
    response = api.post(f"{web}/api/v1/tickets/", json=ticket, timeout=10)
    assert response.status_code == 201
    listed = api.get(f"{web}/api/v1/tickets/", timeout=10).json()
    assert [row["reference"] for row in listed["results"]] == [response.json()["reference"]]
    assert page.get(f"{web}/en/tickets/", timeout=10).status_code == 200


def test_health_names_the_database_while_postgres_is_down(web, postgres_restarts):
    postgres_restarts.stop()
    response = requests.get(f"{web}/healthz", timeout=10)
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
    postgres_restarts.start()
    assert requests.get(f"{web}/healthz", timeout=10).json()["checks"]["database"] == {"ok": True}


def test_a_worker_reconnects_after_postgres_restarts(
    own_postgres, customer_access, postgres_restarts, redis_server, smtp_server
):
    """I3: a Celery worker whose database connection died with the restart opens a new one
    for its next task (Celery's Django fixup checks it before each task): no worker restart."""
    env = project_env(
        DATABASE_URL=own_postgres.url("faults"),
        REDIS_URL=redis_server.url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}?timeout=5",
    )
    command = [str(BIN / "celery"), "-A", "config.celery", "worker", "-c", "1", "-l", "info"]
    worker = ChildProcess("worker", command + ["--without-gossip", "--without-mingle"], env)
    try:
        wait_for(lambda: " ready." in worker.output() or not worker.running, timeout=60)
        first, second = customer_access["emails"]
        with broker_at(redis_server.url):
            outbox_deliver_task.delay(first)
            wait_for(lambda: smtp_server.subjects() == ["Email 1"], what="the first email")
            postgres_restarts.stop()
            postgres_restarts.start()
            outbox_deliver_task.delay(second)
            wait_for(lambda: len(smtp_server.accepted) == 2, what="the second email")
        assert smtp_server.subjects() == ["Email 1", "Email 2"]
    finally:
        worker.stop(graceful=False)
