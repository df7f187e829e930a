"""Redis is down (stopped for real: nothing listens on the socket the cache and the broker
use): an email storm from one address still gets at most EMAIL_ACKS_PER_HOUR acknowledgements,
counted from the outbox, and an autoresponder's mail still gets none."""

import logging
import uuid

import pytest
from django.urls import reverse

from support.models import OutboxEmail
from tests.conftest import PASSWORD
from tests.faults.conftest import tasks_run_here, wait_for
from tests.tickets.test_channel_email import raw_email
from tickets.channels.email import email_receive
from tickets.follow_up import follow_up_sweep
from tickets.models import SlaPolicy, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )


def acknowledgements(address: str) -> int:
    return OutboxEmail.objects.filter(to=address, dedupe_key__startswith="ack:").count()


def storm(address: str, count: int, capture, **fields) -> list[Ticket]:
    with capture(execute=True):
        return [
            email_receive(
                raw=raw_email(
                    sender=address,
                    subject=f"Problem {number}",
                    message_id=f"<storm-{uuid.uuid4().hex}@mail.example>",
                    **fields,
                )
            )
            for number in range(count)
        ]


def redis_is_back_and_the_sweep_runs(tickets: list[Ticket], caplog) -> None:
    """The follow-up jobs could not be published (the broker is Redis): beat's sweep runs
    them once their grace period is over, in a worker."""
    wait_for(lambda: "task not queued" in caplog.text, what="the failed publish")
    due = max(Ticket.objects.get(pk=ticket.pk).follow_up_after for ticket in tickets)
    with tasks_run_here():
        follow_up_sweep(now=due)


def test_the_hourly_cap_holds_while_redis_is_down(
    policy, settings, redis_down, django_capture_on_commit_callbacks, client, agent, caplog
):
    caplog.set_level(logging.WARNING)
    settings.EMAIL_ACKS_PER_HOUR = 2
    address = f"storm-{uuid.uuid4().hex[:8]}@example.com"

    tickets = storm(address, 4, django_capture_on_commit_callbacks)
    redis_is_back_and_the_sweep_runs(tickets, caplog)

    assert len({ticket.pk for ticket in tickets}) == 4  # every email is a ticket
    assert acknowledgements(address) == 2
    client.login(username=agent.username, password=PASSWORD)
    last = reverse("tickets_console:ticket", args=[tickets[-1].reference])
    assert 'data-testid="ack-capped"' in client.get(last).content.decode()


def test_an_autoresponder_gets_no_acknowledgement_while_redis_is_down(
    policy, redis_down, django_capture_on_commit_callbacks, caplog
):
    """The sweep acknowledges what intake meant to acknowledge, not every ticket it runs."""
    caplog.set_level(logging.WARNING)
    address = f"away-{uuid.uuid4().hex[:8]}@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = email_receive(
            raw=raw_email(
                sender=address,
                subject="Automatic reply: Deposit missing",
                message_id=f"<away-{uuid.uuid4().hex}@mail.example>",
                body="I am away until Monday.",
            )
        )

    redis_is_back_and_the_sweep_runs([ticket], caplog)

    assert ticket.messages.get().metadata["auto_reply"] == "out-of-office"
    assert acknowledgements(address) == 0
