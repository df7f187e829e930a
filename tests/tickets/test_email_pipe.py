"""`manage.py email_pipe`, run as Postfix or Exim would: a real process, a raw message on its
standard input, an exit code the MTA understands."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from support.models import Team
from tests.conftest import ensure_roles
from tests.tickets.imap_server import free_port, sample
from tickets.models import Mailbox, RawInbound, Ticket

ROOT = Path(__file__).resolve().parents[2]
EX_DATAERR, EX_TEMPFAIL = 65, 75


def pipe(raw: bytes, *arguments: str, database_url: str | None = None):
    url, _, query = os.environ["DATABASE_URL"].partition("?")
    test_database = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url
        or f"{url.rpartition('/')[0]}/{test_database}" + (f"?{query}" if query else ""),
        "SECRET_KEY": settings.SECRET_KEY,
    }
    command = [sys.executable, "manage.py", "email_pipe", *arguments]
    return subprocess.run(command, input=raw, cwd=ROOT, env=env, capture_output=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_the_pipe_stores_a_real_message_and_exits_zero(policy):
    ensure_roles()
    team = Team.objects.create(slug="japan", name="Japan")
    Mailbox.objects.create(address="support-jp@exchange.example", team=team, language="ja")

    done = pipe(sample("mail091.box"), "--mailbox", "Support-JP@exchange.example")

    assert done.returncode == 0, done.stderr.decode()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.team, ticket.customer.email) == ("email", team, "mail@domain.jp")
    assert ticket.subject == "メルマガ解除"
    assert ticket.messages.get().metadata["mailbox"] == "support-jp@exchange.example"
    assert RawInbound.objects.get().processed_at is not None

    again = pipe(sample("mail091.box"), "--mailbox", "support-jp@exchange.example")
    assert again.returncode == 0  # an MTA's second delivery changes nothing
    assert Ticket.objects.count() == 1


def test_the_pipe_asks_the_mta_to_retry_when_the_database_is_down():
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"

    done = pipe(sample("mail002.box"), database_url=unreachable)

    assert done.returncode == EX_TEMPFAIL
    assert b"database unavailable" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_the_pipe_keeps_mail_for_an_unknown_mailbox_queued():
    """A typo in the MTA's configuration bounces nothing: the MTA keeps the mail for later."""
    done = pipe(sample("mail002.box"), "--mailbox", "nobody@exchange.example")

    assert done.returncode == EX_TEMPFAIL
    assert b"nobody@exchange.example" in done.stderr
    assert not RawInbound.objects.exists()


def test_the_pipe_refuses_an_empty_message():
    done = pipe(b"\n")

    assert done.returncode == EX_DATAERR
    assert b"no message on standard input" in done.stderr
