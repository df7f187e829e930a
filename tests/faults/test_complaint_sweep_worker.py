"""The complaint deadline sweep on a real Celery worker (our Redis, the test database, our SMTP
server): run twice at once, killed in the middle of its transaction, killed while a notice is
being sent. Each person's digest is one outbox row (its dedupe key is unique) and reaches the
SMTP server once. Nothing here runs eagerly."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from complaints.digest import dedupe_key
from complaints.models import Complaint, ComplaintDeadline, Target
from complaints.services import complaint_submit
from complaints.tasks import complaint_deadline_sweep_task
from support.models import OutboxEmail
from support.roles import Role
from tests.conftest import make_person
from tests.faults.conftest import ChildProcess, tasks_run_here, wait_for
from tests.faults.test_worker import VISIBILITY_TIMEOUT, start_worker  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def overdue(customer):
    """Three complaints whose acknowledgement was due five minutes ago, with one complaint
    officer and one supervisor to be told: two digests to send, each listing the three."""
    make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])
    make_person("supervisor@example.com", Role.SUPERVISOR, languages=["en"])
    with tasks_run_here():  # the "received" emails go to the test's mail outbox, not SMTP
        complaints = [
            complaint_submit(
                customer=customer, category="fees", description=f"Fee charged twice ({n})."
            )
            for n in range(3)
        ]
    past = timezone.now() - timedelta(minutes=5)
    ComplaintDeadline.objects.filter(target=Target.ACKNOWLEDGE).update(
        due_at=past, warn_at=None, next_at=past
    )
    return complaints


def notices() -> list[OutboxEmail]:
    digests = OutboxEmail.objects.filter(dedupe_key__startswith="complaint-deadlines:")
    return list(digests.order_by("pk"))


def all_sent() -> bool:
    rows = notices()
    return len(rows) == 2 and all(row.sent_at is not None for row in rows)


def succeeded(worker: ChildProcess) -> int:
    return sum(
        ".complaint_deadline_sweep_task[" in line and " succeeded " in line
        for line in worker.output().splitlines()
    )


def assert_each_notice_sent_once(smtp_server) -> None:
    rows = notices()
    assert len(rows) == 2
    assert Counter(row.dedupe_key for row in rows).most_common(1)[0][1] == 1
    told = Counter(row.to for row in rows)
    assert told == {"officer@example.com": 1, "supervisor@example.com": 1}
    references = [c.reference for c in Complaint.objects.all()]
    assert all(reference in row.body_text for row in rows for reference in references)
    delivered = Counter((str(m["To"]), str(m["Subject"])) for m in smtp_server.accepted)
    assert delivered == Counter((row.to, row.subject) for row in rows)
    breached = ComplaintDeadline.objects.filter(
        target=Target.ACKNOWLEDGE, breached_at__isnull=False
    )
    assert breached.count() == 3


def test_the_sweep_delivered_twice_at_once_sends_each_notice_once(
    start_worker,  # noqa: F811 - the fixture imported above
    smtp_server,
    overdue,
):
    """I6: the same sweep task twice (as a redelivered task is), run by two worker processes
    at the same time: every breach is marked once and each notice sent once."""
    worker = start_worker(concurrency=2)

    complaint_deadline_sweep_task.delay()
    complaint_deadline_sweep_task.delay()

    wait_for(lambda: succeeded(worker) == 2, what="both sweeps to finish")
    wait_for(all_sent, what="the two digests to be sent")
    assert_each_notice_sent_once(smtp_server)


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")  # live, no snapshot
        return cursor.fetchone()[0] > 0


def _complaints_unlocked() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE c.relname = 'complaints_complaint' AND l.pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] == 0


def test_a_worker_killed_in_the_middle_of_the_sweep_leaves_nothing_half_done(
    start_worker,  # noqa: F811
    smtp_server,
    redis_server,
    overdue,
):
    """The worker dies (SIGKILL) while its sweep has marked some deadlines and queued some
    notices in its transaction: all of it rolls back, the unacknowledged task goes to a worker
    started later, and each notice is queued and sent once; another sweep adds nothing."""
    first = start_worker()
    supervisor = get_user_model().objects.get(email="supervisor@example.com")
    rows = ComplaintDeadline.objects.filter(target=Target.ACKNOWLEDGE)
    last_notice = dedupe_key(supervisor.pk, [(row.pk, True) for row in rows])
    with transaction.atomic():
        # The sweep's last notice waits on this uncommitted row of the same key: the sweep is
        # stopped inside its transaction, with the other notices queued and rows marked.
        OutboxEmail.objects.create(
            dedupe_key=last_notice, to=supervisor.email, subject="-", body_text="-"
        )
        complaint_deadline_sweep_task.delay()
        wait_for(_waiting_on_a_lock, what="the sweep to reach the blocked notice")
        first.kill()
        transaction.set_rollback(True)
    wait_for(_complaints_unlocked, what="the dead sweep's transaction to roll back")
    assert notices() == []
    assert not ComplaintDeadline.objects.filter(breached_at__isnull=False).exists()
    unacked = redis_server.client().zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1
    wait_for(
        lambda: time.time() - unacked[0][1] > VISIBILITY_TIMEOUT,
        what="the visibility timeout to pass",
    )

    second = start_worker()
    wait_for(all_sent, what="the redelivered sweep's notices to be sent")
    complaint_deadline_sweep_task.delay()
    wait_for(lambda: succeeded(second) == 2, what="the redelivered and the new sweep")

    assert_each_notice_sent_once(smtp_server)


def test_a_worker_killed_while_sending_a_notice_sends_it_once(
    start_worker,  # noqa: F811
    smtp_server,
    redis_server,
    overdue,
):
    """The sweep committed; the worker dies while the SMTP server holds a notice: the delivery
    task is taken up by a worker started later, and nobody gets that notice twice."""
    first = start_worker()
    smtp_server.hold = 1
    complaint_deadline_sweep_task.delay()
    wait_for(smtp_server.held.is_set, what="the SMTP server to hold a notice")
    first.kill()
    wait_for(lambda: smtp_server.abandoned == 1, what="the SMTP server to see the sender die")
    wait_for(lambda: len(notices()) == 2, what="the sweep's two digests")
    assert not all_sent()
    unacked = redis_server.client().zrange("unacked_index", 0, -1, withscores=True)
    assert unacked
    wait_for(
        lambda: time.time() - max(score for _, score in unacked) > VISIBILITY_TIMEOUT,
        what="the visibility timeout to pass",
    )

    second = start_worker()
    wait_for(all_sent, what="every notice to be sent")
    complaint_deadline_sweep_task.delay()
    wait_for(lambda: succeeded(second) >= 1, what="one more sweep")

    assert_each_notice_sent_once(smtp_server)
