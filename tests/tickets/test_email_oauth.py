"""OAuth2 (XOAUTH2) mailboxes: the poll signs in with an access token renewed from the stored
refresh token at the provider's token endpoint, keeps the token while it is valid and the
refresh token the provider rotates, and says "sign in again" when the provider refuses. The
IMAP server is real (pymap, offering XOAUTH2); only the provider's token endpoint is a stand-in,
a local HTTP server answering as Microsoft's and Google's do."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.tickets.imap_server import PASSWORD, USER, ImapServer, free_port
from tickets.channels.imap import mailbox_poll
from tickets.mailbox_oauth import mailbox_set_oauth_secrets, microsoft_scope
from tickets.mailboxes import mailbox_unseal
from tickets.models import Mailbox, Ticket

pytestmark = pytest.mark.django_db
LAUNCHER = Path(__file__).with_name("pymap_xoauth2.py")


class XOAuth2Server(ImapServer):
    """pymap offering XOAUTH2; it accepts the demo password as the bearer token."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        command = [sys.executable, str(LAUNCHER), "--host", self.host, "--port", str(self.port)]
        command += ["dict", "--demo-user", USER, "--demo-password", PASSWORD]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_listening()


class TokenEndpoint:
    """The provider's token endpoint: records each form posted and answers with the next of
    `answers` (status, JSON body); the last answer repeats."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []
        self.answers: list[tuple[int, dict]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                endpoint.forms.append({name: values[0] for name, values in form.items()})
                status, body = endpoint.answers[0]
                if len(endpoint.answers) > 1:
                    endpoint.answers.pop(0)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/oauth2/v2.0/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def grant(self, access_token: str = PASSWORD, refresh_token: str | None = None) -> None:
        body = {"token_type": "Bearer", "access_token": access_token, "expires_in": 3599}
        if refresh_token:
            body["refresh_token"] = refresh_token
        self.answers.append((200, body))

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def imap_server() -> Iterator[XOAuth2Server]:
    server = XOAuth2Server()
    yield server
    server.stop()


@pytest.fixture
def provider() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    yield endpoint
    endpoint.stop()


def oauth_mailbox(imap_server, provider, *, kind=Mailbox.Provider.MICROSOFT) -> Mailbox:
    folder = imap_server.new_folder()
    mailbox = Mailbox.objects.create(
        address="m365@exchange.example",
        host=imap_server.host,
        port=imap_server.port,
        security=Mailbox.Security.NONE,
        username=USER,
        folder=folder,
        auth=Mailbox.Auth.OAUTH2,
        oauth_provider=kind,
        oauth_client_id="app-1",
        oauth_token_url=provider.url,
    )
    mailbox.folder = folder
    return mailbox_set_oauth_secrets(
        mailbox=mailbox, client_secret="client-secret-9", refresh_token="refresh-1"
    )


def customer_email(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = "trader@example.net"
    message["To"] = "m365@exchange.example"
    message["Subject"] = f"Transfer {number} missing"
    message["Message-ID"] = f"<oauth-{number}@example.net>"
    message.set_content(f"My transfer number {number} has not arrived.")
    return message.as_bytes()


def test_a_microsoft_mailbox_signs_in_with_a_renewed_token_and_keeps_the_rotated_one(
    imap_server, provider, policy
):
    mailbox = oauth_mailbox(imap_server, provider)
    imap_server.deliver(mailbox.folder, customer_email(1))
    provider.grant(refresh_token="refresh-2")

    assert mailbox_poll(mailbox_id=mailbox.pk) == 1

    assert Ticket.objects.get().subject == "Transfer 1 missing"
    [form] = provider.forms
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": "refresh-1",
        "client_id": "app-1",
        "client_secret": "client-secret-9",
        "scope": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
    }
    mailbox.refresh_from_db()
    assert mailbox_unseal(mailbox, mailbox.oauth_refresh_token_sealed) == "refresh-2"
    assert b"refresh-2" not in bytes(mailbox.oauth_refresh_token_sealed)  # sealed
    assert (mailbox.last_problem, mailbox.last_error) == ("", "")

    imap_server.deliver(mailbox.folder, customer_email(2))
    assert mailbox_poll(mailbox_id=mailbox.pk) == 1
    assert len(provider.forms) == 1  # the access token kept for its hour


def test_an_expired_access_token_is_renewed_with_the_rotated_refresh_token(
    imap_server, provider, policy
):
    mailbox = oauth_mailbox(imap_server, provider)
    provider.grant(refresh_token="refresh-2")
    provider.grant(refresh_token="refresh-3")
    mailbox_poll(mailbox_id=mailbox.pk)

    with time_machine.travel(timezone.now() + timedelta(minutes=56)):  # 4 minutes left
        imap_server.deliver(mailbox.folder, customer_email(3))
        assert mailbox_poll(mailbox_id=mailbox.pk) == 1

    assert [form["refresh_token"] for form in provider.forms] == ["refresh-1", "refresh-2"]


@pytest.mark.parametrize(
    ("token_endpoint", "scope"),
    [
        (
            "https://login.microsoftonline.com/exchange.example/oauth2/v2.0/token",
            "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
        ),
        (
            "https://login.chinacloudapi.cn/exchange.example/oauth2/v2.0/token",
            "https://partner.outlook.cn/IMAP.AccessAsUser.All offline_access",
        ),
    ],
)
def test_a_national_cloud_asks_for_its_own_exchange(token_endpoint, scope):
    assert microsoft_scope(token_endpoint) == scope


def test_a_google_mailbox_names_no_scope(imap_server, provider, policy):
    mailbox = oauth_mailbox(imap_server, provider, kind=Mailbox.Provider.GOOGLE)
    provider.grant()

    mailbox_poll(mailbox_id=mailbox.pk)

    assert "scope" not in provider.forms[0]
    mailbox.refresh_from_db()
    assert mailbox.last_problem == ""


def test_a_refused_refresh_token_asks_for_a_new_sign_in(imap_server, provider, policy):
    mailbox = oauth_mailbox(imap_server, provider)
    provider.answers.append(
        (400, {"error": "invalid_grant", "error_description": "AADSTS70008: token expired"})
    )

    assert mailbox_poll(mailbox_id=mailbox.pk) == 0

    mailbox.refresh_from_db()
    assert mailbox.last_problem == Mailbox.Problem.OAUTH
    assert mailbox.get_last_problem_display() == (
        "The provider refused the sign-in token: sign in again"
    )
    assert "invalid_grant: AADSTS70008: token expired" in mailbox.last_error
    assert "refresh-1" not in mailbox.last_error and "client-secret-9" not in mailbox.last_error


def test_a_token_the_imap_server_refuses_is_renewed_at_the_next_poll(imap_server, provider, policy):
    mailbox = oauth_mailbox(imap_server, provider)
    imap_server.deliver(mailbox.folder, customer_email(4))
    provider.grant(access_token="revoked-already")
    provider.grant()

    assert mailbox_poll(mailbox_id=mailbox.pk) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_problem == Mailbox.Problem.LOGIN

    assert mailbox_poll(mailbox_id=mailbox.pk) == 1
    assert len(provider.forms) == 2


# --- The admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def mailbox_form(**changes) -> dict:
    form = {
        "address": "m365@exchange.example",
        "language": "en",
        "enabled": "on",
        "host": "outlook.office365.com",
        "port": "993",
        "security": "tls",
        "username": "support@exchange.example",
        "folder": "INBOX",
        "auth": "oauth2",
        "oauth_provider": "microsoft",
        "oauth_client_id": "app-1",
        "oauth_tenant": "exchange.example",
    }
    return {**form, **changes}


def test_the_admin_keeps_the_client_secret_and_refresh_token_write_only(admin_client):
    response = admin_client.post(
        reverse("admin:tickets_mailbox_add"),
        mailbox_form(client_secret="client-secret-9", refresh_token="refresh-1"),
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    mailbox = Mailbox.objects.get()
    assert mailbox_unseal(mailbox, mailbox.oauth_refresh_token_sealed) == "refresh-1"
    assert mailbox_unseal(mailbox, mailbox.oauth_client_secret_sealed) == "client-secret-9"
    page = admin_client.get(reverse("admin:tickets_mailbox_change", args=[mailbox.pk]))
    text = page.content.decode()
    assert "refresh-1" not in text and "client-secret-9" not in text
    assert "refresh token set; no access token yet" in text

    admin_client.post(
        reverse("admin:tickets_mailbox_change", args=[mailbox.pk]), mailbox_form(folder="Support")
    )
    mailbox.refresh_from_db()
    assert mailbox_unseal(mailbox, mailbox.oauth_refresh_token_sealed) == "refresh-1"  # kept


def test_an_oauth_mailbox_needs_a_provider_a_client_and_a_refresh_token(admin_client):
    response = admin_client.post(
        reverse("admin:tickets_mailbox_add"),
        mailbox_form(oauth_provider="", oauth_client_id=""),
    )

    text = response.content.decode()
    assert "Choose the provider the app is registered with." in text
    assert "An OAuth2 mailbox needs the app&#x27;s client ID." in text
    assert "An OAuth2 mailbox needs a refresh token." in text
    assert not Mailbox.objects.exists()
