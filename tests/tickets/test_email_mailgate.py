"""`python -m tickets.mailgate`, run as Postfix or Exim would (a real process, the raw message on
its standard input), posting to the HTTP endpoint of a running server: the exit code tells the
MTA to drop its copy, to keep it for later, or to bounce it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from support.roles import Role
from tests.conftest import ensure_roles, make_person
from tests.tickets.imap_server import free_port, sample
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
EX_DATAERR, EX_TEMPFAIL = 65, 75
ENDPOINT = "/api/v1/tickets/inbound/email/"
pytestmark = pytest.mark.django_db(transaction=True)  # the server runs in a thread of its own


def mailgate(raw: bytes, url: str, token: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "EMAIL_MAILGATE_TOKEN": token}  # an MTA's few
    # As in the MTA's configuration (docs/email.md): the file alone, run from elsewhere.
    command = [sys.executable, "-P", str(ROOT / "tickets" / "mailgate.py"), "--url", url]
    return subprocess.run(command, input=raw, cwd="/", env=env, capture_output=True, timeout=90)


@pytest.fixture
def gateway_token(policy) -> str:
    ensure_roles()
    gateway = make_person("gateway@exchange.example", Role.AGENT)
    return Token.objects.create(user=gateway).key


def test_the_mailgate_hands_a_real_message_to_the_endpoint(live_server, gateway_token):
    done = mailgate(sample("mail091.box"), live_server.url + ENDPOINT, gateway_token)

    assert done.returncode == 0, done.stderr.decode()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.customer.email) == ("email", "mail@domain.jp")

    again = mailgate(sample("mail091.box"), live_server.url + ENDPOINT, gateway_token)
    assert again.returncode == 0  # an MTA's second delivery changes nothing
    assert Ticket.objects.count() == 1


def test_a_refused_token_keeps_the_mail_at_the_mta(live_server, gateway_token):
    done = mailgate(sample("mail002.box"), live_server.url + ENDPOINT, "not-a-token")

    assert done.returncode == EX_TEMPFAIL
    assert b"answered 401" in done.stderr
    assert not Ticket.objects.exists()


def test_an_unreachable_endpoint_keeps_the_mail_at_the_mta(db):
    done = mailgate(sample("mail002.box"), f"http://127.0.0.1:{free_port()}{ENDPOINT}", "t")

    assert done.returncode == EX_TEMPFAIL
    assert b"the MTA will retry" in done.stderr


def test_an_empty_message_bounces(db):
    done = mailgate(b"\n", f"http://127.0.0.1:{free_port()}{ENDPOINT}", "t")

    assert done.returncode == EX_DATAERR
    assert b"no message on standard input" in done.stderr
