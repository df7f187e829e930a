"""I7: the SMTP server is down for half an hour: the email waits in the outbox, is tried again
with growing gaps (its task a moment later, then the minutely sweep at 8, 16 and 32 minutes),
and is accepted exactly once when the server is back. A real SMTP server on a local port."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from support.models import OutboxEmail
from support.tasks import outbox_retry_task
from tests.faults.conftest import tasks_run_here
from tickets.intake import InboundMessage, intake_message
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db


def test_an_email_waits_out_a_smtp_outage_and_is_sent_once(
    smtp_settings, customer, agent, django_capture_on_commit_callbacks
):
    """I7: queued with backoff while SMTP refuses every connection; no loss, no duplicate."""
    smtp = smtp_settings
    smtp.refuse = 10**6
    start = timezone.now()
    with time_machine.travel(start, tick=False), tasks_run_here():
        ticket = intake_message(
            InboundMessage(channel="web", customer_email=customer.email, text="Deposit missing")
        )
        with django_capture_on_commit_callbacks(execute=True):
            message = ticket_reply(ticket=ticket, author=agent, body="We found your deposit.")
    email = OutboxEmail.objects.get(dedupe_key=f"reply:{message.pk}")
    email.refresh_from_db()
    assert (email.attempts, email.sent_at, email.failed_at) == (3, None, None)  # task + 2 retries

    attempts_by_minute = {}
    for minute in range(1, 31):  # beat runs the sweep every minute
        with time_machine.travel(start + timedelta(minutes=minute, seconds=1), tick=False):
            outbox_retry_task()
        email.refresh_from_db()
        attempts_by_minute[minute] = email.attempts
    assert [m for m in range(2, 31) if attempts_by_minute[m] > attempts_by_minute[m - 1]] == [
        8,
        16,
    ]
    assert email.sent_at is None and email.failed_at is None
    assert "421" in email.last_error

    smtp.refuse = 0  # the server is back
    for minute in range(31, 40):
        with time_machine.travel(start + timedelta(minutes=minute, seconds=1), tick=False):
            outbox_retry_task()
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 6
    assert smtp.subjects() == [email.subject]
