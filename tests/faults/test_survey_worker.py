"""The survey sweep on a real Celery worker (our Redis, the test database, our SMTP server):
run twice at once, and killed while a survey email is being sent. Each survey email is one
outbox row (its dedupe key per invitation and step is unique) and reaches the SMTP server once.
Nothing here runs eagerly, except the setup."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from support.models import OutboxEmail
from support.roles import Role
from tests.conftest import make_person
from tests.faults.conftest import ChildProcess, tasks_run_here, wait_for
from tests.faults.test_worker import VISIBILITY_TIMEOUT, start_worker  # noqa: F401 - fixture
from tickets.intake import InboundMessage, intake_message
from tickets.models import Status
from tickets.services import ticket_transition
from tickets.survey_models import SurveyInvitation, SurveyState
from tickets.tasks import survey_sweep_task

pytestmark = pytest.mark.django_db(transaction=True)
CUSTOMERS = 3


@pytest.fixture
def due_surveys(db):
    """Three customers' tickets solved and their surveys due a minute ago: three emails."""
    with tasks_run_here():  # acknowledgements go to the test's mail outbox, not SMTP
        for n in range(CUSTOMERS):
            email = f"customer{n}@example.com"
            make_person(email, Role.CUSTOMER, preferred_language="en")
            message = InboundMessage(
                channel="web", customer_email=email, subject="Fees", text=f"Fee question {n}."
            )
            ticket_transition(ticket=intake_message(message), to=Status.SOLVED, by=None)
    past = timezone.now() - timedelta(minutes=1)
    SurveyInvitation.objects.update(send_at=past, next_at=past)
    assert SurveyInvitation.objects.count() == CUSTOMERS


def survey_emails() -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(dedupe_key__startswith="survey:").order_by("pk"))


def all_sent() -> bool:
    rows = survey_emails()
    return len(rows) == CUSTOMERS and all(row.sent_at is not None for row in rows)


def succeeded(worker: ChildProcess) -> int:
    return sum(
        ".survey_sweep_task[" in line and " succeeded " in line
        for line in worker.output().splitlines()
    )


def assert_each_survey_sent_once(smtp_server) -> None:
    rows = survey_emails()
    assert sorted(row.dedupe_key.rsplit(":", 1)[1] for row in rows) == ["invite"] * CUSTOMERS
    assert Counter(row.to for row in rows) == {
        f"customer{n}@example.com": 1 for n in range(CUSTOMERS)
    }
    delivered = Counter(str(message["To"]) for message in smtp_server.accepted)
    assert delivered == Counter(row.to for row in rows)
    states = set(SurveyInvitation.objects.values_list("state", flat=True))
    assert states == {SurveyState.SENT}


def test_the_survey_sweep_delivered_twice_at_once_sends_each_survey_once(
    start_worker,  # noqa: F811 - the fixture imported above
    smtp_server,
    due_surveys,
):
    worker = start_worker(concurrency=2)

    survey_sweep_task.delay()
    survey_sweep_task.delay()

    wait_for(lambda: succeeded(worker) == 2, what="both sweeps to finish")
    wait_for(all_sent, what="the three surveys to be sent")
    assert_each_survey_sent_once(smtp_server)


def test_a_worker_killed_while_sending_a_survey_sends_it_once(
    start_worker,  # noqa: F811
    smtp_server,
    redis_server,
    due_surveys,
):
    """The sweep committed; the worker dies while the SMTP server holds a survey email: the
    delivery is taken up by a worker started later, and nobody gets a survey twice."""
    first = start_worker()
    smtp_server.hold = 1
    survey_sweep_task.delay()
    wait_for(smtp_server.held.is_set, what="the SMTP server to hold a survey email")
    first.kill()
    wait_for(lambda: smtp_server.abandoned == 1, what="the SMTP server to see the sender die")
    wait_for(lambda: len(survey_emails()) == CUSTOMERS, what="the sweep's three emails")
    assert not all_sent()
    unacked = redis_server.client().zrange("unacked_index", 0, -1, withscores=True)
    assert unacked
    wait_for(
        lambda: time.time() - max(score for _, score in unacked) > VISIBILITY_TIMEOUT,
        what="the visibility timeout to pass",
    )

    second = start_worker()
    wait_for(all_sent, what="every survey to be sent")
    survey_sweep_task.delay()
    wait_for(lambda: succeeded(second) >= 1, what="one more sweep")

    assert_each_survey_sent_once(smtp_server)
