"""A real Celery worker (`celery -A config.celery worker`, as in production) on our own Redis
and the test database, sending email to our own SMTP server: retries, a worker dying mid-task,
a rolled-back request, a redelivered sweep and a Redis restart. Nothing here runs eagerly."""

import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.utils import timezone

from support.models import OutboxEmail
from tests.faults.conftest import (
    BIN,
    ChildProcess,
    broker_at,
    point_redis_at,
    project_env,
    tasks_run_here,
    wait_for,
)
from tickets.intake import InboundMessage, intake_message
from tickets.models import Event, Message, SlaEvent, SlaPolicy, Ticket
from tickets.services import notify_customer_of_reply, ticket_reply
from tickets.tasks import sla_sweep_task

# The worker reads what this process committed; the database's own rows (roles, retention
# periods) are put back after each test for the tests that run later.
pytestmark = pytest.mark.django_db(transaction=True)
VISIBILITY_TIMEOUT = 3  # seconds: a dead worker's task goes back to the queue this soon


def database_url() -> str:
    """The test database for a child process (a socket directory as host is quoted)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    auth = quote(db["USER"] or "", safe="") + password
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{quote(db['HOST'] or '', safe='')}{port}/{db['NAME']}"


@pytest.fixture
def start_worker(settings, redis_server, smtp_server) -> Iterator[Callable[..., ChildProcess]]:
    """Start workers on demand (stopped at the end, before the database is emptied); this
    process publishes its tasks to the same Redis."""
    point_redis_at(settings, redis_server.url)
    env = project_env(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_server.url,
        CHANNEL_LAYER_PREFIX=f"faults-{uuid.uuid4().hex[:8]}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}?timeout=5",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    workers: list[ChildProcess] = []

    def start(concurrency: int = 1) -> ChildProcess:
        name = f"faults-{len(workers)}-{uuid.uuid4().hex[:6]}@%h"
        command = [str(BIN / "celery"), "-A", "config.celery", "worker", "-c", str(concurrency)]
        command += ["-l", "info", "-n", name, "--without-gossip", "--without-mingle"]
        worker = ChildProcess("worker", command, env)
        workers.append(worker)
        wait_for(
            lambda: " ready." in worker.output() or not worker.running,
            timeout=60,
            what="the worker to start",
        )
        assert worker.running, worker.output()
        return worker

    with broker_at(redis_server.url):
        yield start
    for worker in workers:
        worker.stop(graceful=False)  # its tasks are done or abandoned with this test's Redis


@pytest.fixture
def ticket(customer, agent) -> Ticket:
    with tasks_run_here():  # its acknowledgement goes to the test's mail outbox, not SMTP
        ticket = intake_message(
            InboundMessage(channel="web", customer_email=customer.email, text="Deposit missing")
        )
    return ticket


def reply(ticket: Ticket, agent, body: str) -> OutboxEmail:
    """An agent's reply; its email to the customer is queued when the reply commits."""
    message = ticket_reply(ticket=ticket, author=agent, body=body)
    return wait_for(
        lambda: OutboxEmail.objects.filter(dedupe_key=f"reply:{message.pk}").first(),
        what="the reply's email row",
    )


def sent(email: OutboxEmail) -> bool:
    email.refresh_from_db()
    return email.sent_at is not None


def test_a_refused_email_is_retried_soon_and_sent_once(
    start_worker, smtp_server, ticket, agent, redis_server
):
    """I7, I5: the SMTP server turns the first connection away (421): the worker's task tries
    again a moment later and the email is accepted exactly once. A request that rolled back
    after queuing its email's task left no task in the queue, and nothing was sent for it."""
    start_worker()
    smtp_server.refuse = 1
    email = reply(ticket, agent, "We found your deposit.")
    wait_for(lambda: sent(email), what="the email to be sent")
    assert smtp_server.refused == 1
    assert email.attempts == 2
    assert "421" in email.last_error

    with pytest.raises(RuntimeError), transaction.atomic():
        message = ticket_reply(ticket=ticket, author=agent, body="Never sent")
        notify_customer_of_reply(message_id=message.pk)  # queues its task on commit
        raise RuntimeError("the request fails after queuing its task")
    assert redis_server.client().llen("celery") == 0
    assert not Message.objects.filter(body="Never sent").exists()
    second = reply(ticket, agent, "Your deposit is credited.")
    wait_for(lambda: sent(second), what="the second email to be sent")
    assert sorted(smtp_server.subjects()) == sorted([email.subject, second.subject])


def test_a_pool_process_killed_mid_send_sends_the_email_once(
    start_worker, smtp_server, ticket, agent
):
    """The process running the task dies (SIGKILL, as the OOM killer does) while the SMTP
    server holds the message: the task is late-acknowledged, so the worker gives it to a new
    process, which sends it; the customer gets one email."""
    worker = start_worker()
    smtp_server.hold = 1
    email = reply(ticket, agent, "We found your deposit.")
    wait_for(smtp_server.held.is_set, what="the SMTP server to hold the message")
    pool_process = _children(worker.process.pid)[0]
    _kill(pool_process)
    wait_for(lambda: smtp_server.abandoned == 1, what="the SMTP server to see the sender die")
    wait_for(lambda: sent(email), what="the email to be sent again")
    assert smtp_server.subjects() == [email.subject]
    assert worker.running


def test_a_worker_killed_mid_send_delivers_once_after_a_new_worker_starts(
    start_worker, smtp_server, redis_server, ticket, agent
):
    """The whole worker dies (SIGKILL to every process of it) while the SMTP server holds the
    message: the task stays unacknowledged in Redis, and a worker started later takes it up once
    the visibility timeout has passed; the customer gets one email."""
    first = start_worker()
    smtp_server.hold = 1
    email = reply(ticket, agent, "We found your deposit.")
    wait_for(smtp_server.held.is_set, what="the SMTP server to hold the message")
    first.kill()
    wait_for(lambda: smtp_server.abandoned == 1, what="the SMTP server to see the sender die")
    assert not sent(email)
    unacked = redis_server.client().zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1
    wait_for(
        lambda: time.time() - unacked[0][1] > VISIBILITY_TIMEOUT,
        what="the visibility timeout to pass",
    )
    start_worker()
    wait_for(lambda: sent(email), what="the new worker to send the email")
    assert smtp_server.subjects() == [email.subject]


def test_a_redelivered_sla_sweep_acts_once(start_worker, smtp_server, customer, team, agent):
    """I6: the same sweep delivered twice (as a task that outlived the visibility timeout is),
    run at the same time by two worker processes: the breach is recorded, escalated and
    announced once. SLA steps are rows the sweep finds by due time, never delayed tasks."""
    policy = SlaPolicy.objects.create(
        name="Fast", first_response_minutes=1, next_response_minutes=60, resolution_minutes=600
    )
    with tasks_run_here():
        ticket = intake_message(
            InboundMessage(channel="web", customer_email=customer.email, text="Deposit missing")
        )
    Ticket.objects.filter(pk=ticket.pk).update(
        assignee=agent,
        first_response_due=timezone.now() - timedelta(minutes=5),
        next_due=timezone.now() - timedelta(minutes=5),
    )
    assert ticket.sla_policy == policy
    worker = start_worker(concurrency=2)
    sla_sweep_task.delay()
    sla_sweep_task.delay()
    breach = wait_for(
        lambda: SlaEvent.objects.filter(ticket=ticket, kind=SlaEvent.Kind.BREACH).first(),
        what="the breach to be recorded",
    )
    wait_for(lambda: _succeeded(worker, "sla_sweep_task") == 2, what="both sweeps to finish")
    wait_for(lambda: smtp_server.accepted, what="the breach notice")
    assert SlaEvent.objects.filter(ticket=ticket, kind=SlaEvent.Kind.BREACH).count() == 1
    assert Event.objects.filter(ticket=ticket, field="sla_breach").count() == 1
    assert OutboxEmail.objects.filter(dedupe_key__startswith="sla:").count() == 1
    wait_for(lambda: _queue_drained(), what="the notice to be sent")
    assert len(smtp_server.accepted) == 1
    assert breach.target == "first_response"


def test_the_worker_reconnects_after_a_redis_restart(
    start_worker, smtp_server, redis_server, ticket, agent
):
    """I2: Redis restarts under a running worker: the worker connects again by itself and
    runs the next task, with no restart."""
    start_worker()
    redis_server.stop()
    redis_server.start()
    email = reply(ticket, agent, "We found your deposit.")
    wait_for(lambda: sent(email), timeout=60, what="the restarted Redis to reach the worker")
    assert smtp_server.subjects() == [email.subject]


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def _succeeded(worker: ChildProcess, task: str) -> int:
    return sum(
        f".{task}[" in line and " succeeded " in line for line in worker.output().splitlines()
    )


def _queue_drained() -> bool:
    return not OutboxEmail.objects.undelivered().exists()
