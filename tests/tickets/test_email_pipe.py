"""`manage.py email_pipe`, run as Postfix or Exim would: a real process, a raw message on its
standard input, an exit code the MTA understands. The pipe only stores the message and queues
it; a worker reads it (here: the queued task, taken off the real broker and run)."""

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from support.models import Team
from tests.conftest import ensure_roles
from tests.tickets.imap_server import free_port, sample
from tickets.channels.email_raw import MAX_ATTEMPTS, emails_waiting_sweep
from tickets.models import Mailbox, RawInbound, Ticket
from tickets.tasks import email_process_task

ROOT = Path(__file__).resolve().parents[2]
EX_DATAERR, EX_TEMPFAIL = 65, 75


def pipe(raw: bytes, *arguments: str, database_url: str | None = None, redis_url: str = ""):
    url, _, query = os.environ["DATABASE_URL"].partition("?")
    test_database = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url
        or f"{url.rpartition('/')[0]}/{test_database}" + (f"?{query}" if query else ""),
        "SECRET_KEY": settings.SECRET_KEY,
        "REDIS_URL": redis_url or settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",  # to the broker, as in production
    }
    command = [sys.executable, "manage.py", "email_pipe", *arguments]
    return subprocess.run(command, input=raw, cwd=ROOT, env=env, capture_output=True, timeout=120)


@pytest.fixture
def broker():
    """The real broker the pipe publishes to (the tests' Redis), emptied first."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery")
    yield client
    client.delete("celery")


def queued_tasks(broker) -> list[tuple[str, list]]:
    tasks = []
    while (raw := broker.rpop("celery")) is not None:
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], args))
    return tasks


def run_as_a_worker(tasks: list[tuple[str, list]]) -> None:
    for name, args in tasks:
        assert name == "tickets.tasks.email_process_task"
        email_process_task.apply(args=args)


@pytest.mark.django_db(transaction=True)
def test_the_pipe_stores_a_real_message_and_a_worker_makes_its_ticket(policy, broker):
    ensure_roles()
    team = Team.objects.create(slug="japan", name="Japan")
    Mailbox.objects.create(address="support-jp@exchange.example", team=team, language="ja")

    done = pipe(sample("mail091.box"), "--mailbox", "Support-JP@exchange.example")

    assert done.returncode == 0, done.stderr.decode()
    stored = RawInbound.objects.get()
    assert stored.processed_at is None and not Ticket.objects.exists()  # the MTA did not wait
    tasks = queued_tasks(broker)
    assert tasks == [("tickets.tasks.email_process_task", [stored.pk])]
    run_as_a_worker(tasks)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.team, ticket.customer.email) == ("email", team, "mail@domain.jp")
    assert ticket.subject == "メルマガ解除"
    assert ticket.messages.get().metadata["mailbox"] == "support-jp@exchange.example"
    assert RawInbound.objects.get().processed_at is not None

    again = pipe(sample("mail091.box"), "--mailbox", "support-jp@exchange.example")
    assert again.returncode == 0  # an MTA's second delivery changes nothing
    assert queued_tasks(broker) == []
    assert (RawInbound.objects.count(), Ticket.objects.count()) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_given_the_same_email_twice_makes_one_ticket(policy, broker):
    ensure_roles()
    assert pipe(sample("mail002.box")).returncode == 0
    tasks = queued_tasks(broker)

    run_as_a_worker(tasks + tasks)  # a task retried, or queued again by the sweep

    assert Ticket.objects.count() == 1
    assert RawInbound.objects.get().process_attempts == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_pipe_still_accepts_and_the_sweep_queues_it_later(policy):
    """Redis stopped: the message is stored (exit 0, the MTA drops its copy); once the broker
    is back, the sweep hands it to a worker."""
    ensure_roles()
    stopped = f"redis://127.0.0.1:{free_port()}/0"

    done = pipe(sample("mail002.box"), redis_url=stopped)

    assert done.returncode == 0, done.stderr.decode()
    assert RawInbound.objects.get().processed_at is None
    assert emails_waiting_sweep() == 0  # not before its worker had its chance
    later = timezone.now() + timedelta(minutes=3)
    assert emails_waiting_sweep(now=later) == 1  # tasks run here, as a worker would
    assert Ticket.objects.get().customer.email
    assert emails_waiting_sweep(now=later + timedelta(minutes=3)) == 0


@pytest.mark.django_db(transaction=True)
def test_an_email_that_keeps_stopping_its_worker_is_given_up_and_kept_for_replay(policy, broker):
    ensure_roles()
    assert pipe(sample("mail002.box")).returncode == 0
    tasks = queued_tasks(broker)
    # Given: each earlier take ended with its worker killed (out of memory, say).
    RawInbound.objects.update(process_attempts=MAX_ATTEMPTS)

    run_as_a_worker(tasks)

    stored = RawInbound.objects.get()
    assert stored.processed_at is None and "replay" in stored.error
    assert not Ticket.objects.exists()
    later = timezone.now() + timedelta(minutes=10)
    assert emails_waiting_sweep(now=later) == 0  # no endless retries


def test_the_sweep_is_on_the_beat_schedule():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "tickets.tasks.emails_waiting_sweep_task" in tasks


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
