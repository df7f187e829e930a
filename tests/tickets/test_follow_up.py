"""After intake: the acknowledgement and routing arrive once, even when their job is lost."""

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
import time_machine
from celery import current_app
from django.conf import settings
from django.utils import timezone

from support.models import OutboxEmail
from tickets.follow_up import (
    GATHER_SECONDS,
    SURGE_GATHER_SECONDS,
    follow_up_soon,
    follow_up_sweep,
    gather_seconds,
)
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_follow_up_acknowledges_routes_and_clears_its_mark(
    customer, agent, team, routing, policy, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive(text="출금이 여섯 시간째 대기 중입니다.")
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee, ticket.follow_up_after) == (team, agent, None)
    ack = OutboxEmail.objects.get(dedupe_key=f"ack:{ticket.reference}")
    assert ack.sent_at is not None


def test_a_lost_follow_up_is_run_by_the_sweep_once_its_grace_is_over(
    customer, agent, team, routing, policy, receive
):
    ticket = receive()  # committed callbacks never run here: the job is lost on its way
    assert ticket.follow_up_after is not None
    assert not OutboxEmail.objects.exists()
    assert follow_up_sweep() == 0  # still within its grace period
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert follow_up_sweep() == 1
        assert follow_up_sweep() == 0
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee, ticket.follow_up_after) == (team, agent, None)
    assert OutboxEmail.objects.filter(dedupe_key=f"ack:{ticket.reference}").count() == 1


def test_a_job_delivered_twice_acknowledges_once(
    customer, policy, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(follow_up_after=timezone.now())
    assert follow_up_sweep() == 1  # as if the broker had lost the worker's acknowledgement
    assert OutboxEmail.objects.filter(dedupe_key=f"ack:{ticket.reference}").count() == 1


def test_a_reply_on_an_owned_ticket_needs_no_follow_up(
    customer, agent, team, routing, policy, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive()
    again = receive(subject=f"Re: {ticket.reference}", text="Any news?")
    assert again.pk == ticket.pk and again.assignee == agent
    assert again.follow_up_after is None


@pytest.fixture
def tasks_to_the_broker():
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = eager


def test_jobs_gathered_by_the_publisher_all_reach_the_broker(tasks_to_the_broker):
    broker = redis.Redis.from_url(settings.REDIS_URL)  # the broker is this Redis
    broker.delete("celery")
    jobs = [{"ticket": n, "acknowledge": True, "route": True, "emails": []} for n in range(40)]
    for job in jobs:
        follow_up_soon(job)
    published = []
    for _ in range(100):
        raw = broker.brpop("celery", timeout=0.05)
        if raw is None and len(published) == len(jobs):
            break
        if raw is not None:
            message = json.loads(raw[1])
            assert message["headers"]["task"] == "tickets.tasks.ticket_follow_up_task"
            (batch,), _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            published += batch
    assert sorted(job["ticket"] for job in published) == list(range(40))


def test_jobs_that_keep_coming_are_gathered_longer():
    """The first job after a quiet spell waits GATHER_SECONDS for others; jobs that follow a
    publish within SURGE_GATHER_SECONDS (a stream of them) wait that long, so a publish
    carries more of them."""
    assert gather_seconds(since_last_publish=float("inf")) == GATHER_SECONDS
    assert gather_seconds(since_last_publish=SURGE_GATHER_SECONDS * 2) == GATHER_SECONDS
    assert gather_seconds(since_last_publish=0.01) == SURGE_GATHER_SECONDS


EXITING = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from tickets.follow_up import follow_up_soon
for n in range(3):
    follow_up_soon({"ticket": 1000 + n, "acknowledge": True, "route": True, "emails": []})
"""


def test_a_process_that_exits_right_after_intake_still_publishes_its_jobs():
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete("celery")
    env = {**os.environ, "REDIS_URL": settings.REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "0"}
    subprocess.run([sys.executable, "-c", EXITING], env=env, check=True, timeout=60)
    published = []
    while (raw := broker.rpop("celery")) is not None:
        (batch,), _kwargs, _embed = json.loads(base64.b64decode(json.loads(raw)["body"]))
        published += [job["ticket"] for job in batch]
    assert sorted(published) == [1000, 1001, 1002]


def test_the_sweep_hands_a_lost_job_to_the_workers_once(
    customer, policy, receive, tasks_to_the_broker
):
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete("celery")
    ticket = receive()  # its job never published
    later = timezone.now() + timedelta(minutes=5)
    assert follow_up_sweep(now=later) == 1
    assert follow_up_sweep(now=later) == 0  # queued for a worker: not handed out again
    (batch,), _kwargs, _embed = json.loads(
        base64.b64decode(json.loads(broker.rpop("celery"))["body"])
    )
    assert batch == [{"ticket": ticket.pk, "acknowledge": True, "route": True, "emails": []}]
    assert broker.llen("celery") == 0
    ticket.refresh_from_db()
    assert ticket.follow_up_after > later  # a worker that dies on it leaves it to a later sweep
