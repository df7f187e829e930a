"""What follows intake once its transaction has committed: acknowledge a new ticket, deliver
the customer's emails, route an unowned ticket.

Intake marks the ticket in its transaction (`follow_up_after`, a few minutes ahead) and, after
the commit, hands a job to this process's publisher thread. The thread sends the jobs that
gather within 50 ms of the first as one Celery task: one broker message for many tickets in a
surge (a publish cost about a millisecond of CPU, a tenth of a ticket's intake), and no more
than 50 ms later than a task of its own when traffic is quiet. While jobs keep coming (the
last publish less than 200 ms ago) it gathers for 200 ms: at 50 tickets a second a publish
carries ten jobs instead of two or three, and a job waits at most 200 ms. The worker runs
each job and clears the mark. A job lost on the way (broker down, process killed before its
publish) keeps its mark, and the beat sweep runs it when the grace period is over. Every step
is idempotent: the acknowledgement has a dedupe key, delivery locks the outbox row, routing
leaves an owned ticket alone.
"""

import atexit
import os
import queue
import threading
import time
from datetime import timedelta

from celery import current_app
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from support.emails import AUTO_REPLIED
from support.models import OutboxEmail
from support.queueing import task_queue
from support.services import outbox_deliver, outbox_enqueue_email
from tickets.channels.email_acks import email_ack_due
from tickets.models import Channel, Ticket
from tickets.services import customer_url

GRACE = timedelta(minutes=3)  # how long a job may take to arrive before the sweep runs it
JOBS_PER_TASK = 200
GATHER_SECONDS = 0.05  # what a job may wait for others to share its publish
SURGE_GATHER_SECONDS = 0.2  # the same while jobs keep coming (the last publish this recent)
SWEEP_BATCH = 5000  # a minute's share of a backlog (after a broker outage in a surge)


def follow_up_job(
    ticket_id: int, *, acknowledge: bool = True, route: bool = True, emails=()
) -> dict:
    """One job; the defaults are the sweep's (acknowledge and route: both are idempotent)."""
    return {
        "ticket": ticket_id,
        "acknowledge": acknowledge,
        "route": route,
        "emails": [email.pk for email in emails],
    }


def follow_up_soon(job: dict) -> None:
    """Publish `job` (call after intake's commit). Tasks that run eagerly run it right here."""
    if current_app.conf.task_always_eager:
        from tickets.tasks import ticket_follow_up_task

        ticket_follow_up_task.delay([job])
        return
    _publisher().put(job)


def follow_up_run(job: dict) -> None:
    """Run one job: acknowledgement, then the customer's emails, then routing; clear the mark."""
    from tickets.routing import ticket_route

    ticket = (
        Ticket.objects.select_related("customer", "sla_policy").filter(pk=job["ticket"]).first()
    )
    if ticket is None:
        return
    emails = list(job["emails"])
    if job["acknowledge"] and (ack := acknowledgement_enqueue(ticket)) is not None:
        emails.insert(0, ack.pk)
    for email_id in emails:
        outbox_deliver(email_id=email_id)
    if job["route"]:
        ticket_route(ticket_id=ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(follow_up_after=None)


def follow_up_sweep(*, now=None) -> int:
    """Hand the jobs whose grace period is over (lost on the way, or failed) to the workers
    again, in tasks of JOBS_PER_TASK so that several workers share a backlog; returns how many.

    Each handed-out mark moves a grace period ahead in the same transaction, so an overlapping
    or the next sweep does not hand the same job out twice while it waits in the queue."""
    from tickets.tasks import ticket_follow_up_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Ticket.objects.filter(follow_up_after__lte=now)
            .order_by("follow_up_after")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        Ticket.objects.filter(pk__in=due).update(follow_up_after=now + GRACE)
    jobs = [follow_up_job(pk) for pk in due]
    for start in range(0, len(jobs), JOBS_PER_TASK):  # the acknowledgement's dedupe key
        ticket_follow_up_task.delay(jobs[start : start + JOBS_PER_TASK])  # makes it once
    return len(due)


def acknowledgement_enqueue(ticket: Ticket) -> OutboxEmail | None:
    """The automatic acknowledgement: an outbox email, never a message (it is no response).
    None when the customer has no email address, the ticket was acknowledged already, or it
    is an email ticket whose email a program wrote or whose address had this hour's share
    (tickets/channels/email_acks.py: decided here too, as the sweep runs lost jobs)."""
    customer: AbstractBaseUser = ticket.customer
    if not customer.email:
        return None
    with transaction.atomic():  # the address's lock, until the acknowledgement is written
        if ticket.channel == Channel.EMAIL and not email_ack_due(ticket):
            return None
        return _acknowledgement_write(ticket, customer)


def _acknowledgement_write(ticket: Ticket, customer: AbstractBaseUser) -> OutboxEmail | None:
    minutes = ticket.sla_policy.first_response_minutes if ticket.sla_policy else None
    return outbox_enqueue_email(
        dedupe_key=f"ack:{ticket.reference}",
        to=customer.email,
        template="tickets/emails/acknowledgement",
        language=ticket.language,
        context={
            "ticket": ticket,
            "expected_hours": _hours(minutes) if minutes else None,
            "due": ticket.first_response_due,
            "url": customer_url(ticket),
        },
        deliver_after_commit=False,
        auto_submitted=AUTO_REPLIED,  # it answers the customer's message
    )


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return str(int(hours)) if hours == int(hours) else f"{hours:.1f}"


# --- The publisher thread (one per process) ---------------------------------------------------

EXIT_WAIT_SECONDS = 2.0  # at exit, how long to wait for jobs not yet published
_lock = threading.Lock()
_state: dict = {}
_unpublished = threading.Condition()


def _publisher() -> queue.SimpleQueue:
    """The process's job queue and its thread, started on first use (after a fork, anew);
    at a normal exit the process waits briefly for the jobs it has not published yet."""
    with _lock:
        if _state.get("pid") != os.getpid():
            jobs: queue.SimpleQueue = queue.SimpleQueue()
            thread = threading.Thread(
                target=_publish_forever, args=(jobs,), name="tickets-follow-up", daemon=True
            )
            thread.start()
            _state.update(pid=os.getpid(), jobs=jobs, waiting=0)
            atexit.register(_wait_for_publishing)
        with _unpublished:
            _state["waiting"] += 1
        return _state["jobs"]


def _publish_forever(jobs: queue.SimpleQueue) -> None:
    from tickets.tasks import ticket_follow_up_task

    published = float("-inf")
    while True:
        batch = [jobs.get()]
        deadline = time.monotonic() + gather_seconds(time.monotonic() - published)
        while len(batch) < JOBS_PER_TASK and (left := deadline - time.monotonic()) > 0:
            try:
                batch.append(jobs.get(timeout=left))
            except queue.Empty:
                break
        task_queue(ticket_follow_up_task, batch)  # if not, the marks stay and the sweep runs them
        published = time.monotonic()
        with _unpublished:
            _state["waiting"] -= len(batch)
            _unpublished.notify_all()


def gather_seconds(since_last_publish: float) -> float:
    """How long a first job waits for others: longer while jobs keep coming."""
    if since_last_publish < SURGE_GATHER_SECONDS:
        return SURGE_GATHER_SECONDS
    return GATHER_SECONDS


def _wait_for_publishing() -> None:
    """A command or worker that exits right after intake (the demo loader, a restart) still
    publishes its last jobs; if it cannot within the wait, the sweep runs them later."""
    if _state.get("pid") != os.getpid():
        return
    with _unpublished:
        _unpublished.wait_for(lambda: _state["waiting"] <= 0, timeout=EXIT_WAIT_SECONDS)
