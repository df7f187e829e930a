"""The deadline sweep: a warning before a target is due and an escalation after, each once;
nothing for a paused clock; the appeal window closing a decided complaint; reads that do not
grow with the rows due; and a complaint someone is changing left for the next run."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints import services, workflow
from complaints.models import ComplaintDeadline, ComplaintEvent, Stage, Target
from complaints.sweep import deadline_sweep
from complaints.tasks import complaint_closed_notices_task, complaint_deadline_sweep_task
from support.models import OutboxEmail

MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)
ACK_WARN, ACK_DUE = datetime(2026, 12, 1, 6, tzinfo=UTC), datetime(2026, 12, 1, 10, tzinfo=UTC)


@pytest.fixture
def filed(file_complaint):
    """File complaints on Monday 30 November 2026, 10:00 UTC."""

    def file(**fields):
        with time_machine.travel(MONDAY, tick=False):
            return file_complaint(**fields)

    return file


def keys(complaint, step: str) -> dict[str, int]:
    """{recipient: times told} of `step` ("acknowledge:warn", "decide:breach") of `complaint`
    in the deadline digests (English readers): its line under "Targets missed:" or "Targets due
    soon:"."""
    target, kind = step.split(":")
    line = f"{complaint.reference} · {Target(target).label} · "
    counts: dict[str, int] = {}
    for email in OutboxEmail.objects.filter(dedupe_key__startswith="complaint-deadlines:"):
        missed, _heading, near = email.body_text.partition("Targets due soon:")
        section = missed if kind == "breach" else near
        if times := section.count(line):
            counts[email.to] = counts.get(email.to, 0) + times
    return counts


def test_a_warning_goes_once_to_every_officer_before_an_unassigned_complaint_is_due(
    filed, officer, second_officer, supervisor
):
    complaint = filed()

    assert deadline_sweep(now=ACK_WARN + timedelta(minutes=1)) == 1
    assert deadline_sweep(now=ACK_WARN + timedelta(minutes=2)) == 0

    warned = {"officer@example.com": 1, "officer2@example.com": 1}
    assert keys(complaint, "acknowledge:warn") == warned
    row = ComplaintDeadline.objects.get(complaint=complaint, target=Target.ACKNOWLEDGE)
    assert (row.warned_at, row.next_at) == (ACK_WARN + timedelta(minutes=1), ACK_DUE)
    assert keys(complaint, "acknowledge:breach") == {}


def test_a_missed_target_escalates_once_to_the_officer_supervisors_and_admins(
    filed, officer, second_officer, supervisor, admin_user
):
    complaint = filed()
    services.complaint_assign(complaint=complaint, officer=officer, by=officer)
    deadline_sweep(now=ACK_WARN)

    assert deadline_sweep(now=ACK_DUE + timedelta(minutes=5)) == 1
    assert deadline_sweep(now=ACK_DUE + timedelta(hours=5)) == 0

    assert keys(complaint, "acknowledge:warn") == {"officer@example.com": 1}
    assert keys(complaint, "acknowledge:breach") == {
        "officer@example.com": 1,
        "supervisor@example.com": 1,
        "admin@example.com": 1,
    }
    [event] = ComplaintEvent.objects.filter(complaint=complaint, kind="deadline")
    assert (event.reason, event.actor, event.public) == (Target.ACKNOWLEDGE, None, False)
    row = ComplaintDeadline.objects.get(complaint=complaint, target=Target.ACKNOWLEDGE)
    assert (row.breached_at, row.next_at) == (ACK_DUE + timedelta(minutes=5), None)


def test_a_sweep_that_comes_late_escalates_without_warning_first(filed, officer, supervisor):
    complaint = filed()

    deadline_sweep(now=ACK_DUE + timedelta(hours=1))

    assert keys(complaint, "acknowledge:warn") == {}
    assert keys(complaint, "acknowledge:breach") == {
        "officer@example.com": 1,
        "supervisor@example.com": 1,
    }


def test_the_notices_name_the_target_and_its_due_time_in_the_reader_language(filed, officer):
    officer.agent_profile.preferred_language = "ja"
    officer.agent_profile.save()
    complaint = filed()

    deadline_sweep(now=ACK_DUE + timedelta(hours=1))

    email = OutboxEmail.objects.get(to=officer.email)
    assert email.language == "ja"
    assert complaint.reference in email.subject
    assert "2026年12月1日 10:00" in email.body_text


def test_a_paused_decision_clock_is_not_swept(filed, officer, supervisor):
    complaint = filed()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_request_information(complaint=complaint, by=officer, text="Statement?")

    assert deadline_sweep(now=MONDAY + timedelta(days=60)) == 0

    assert keys(complaint, "decide:warn") == keys(complaint, "decide:breach") == {}
    row = ComplaintDeadline.objects.get(complaint=complaint, target=Target.DECIDE)
    assert (row.warned_at, row.breached_at) == (None, None)


def test_the_appeal_window_closing_closes_the_complaint_and_tells_the_customer_once(
    filed, officer, customer
):
    complaint = filed()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Lawful.")
    complaint.refresh_from_db()
    end = complaint.appeal_deadline

    assert deadline_sweep(now=end - timedelta(seconds=1)) == 0
    assert deadline_sweep(now=end + timedelta(minutes=1)) == 1
    assert deadline_sweep(now=end + timedelta(minutes=2)) == 0

    complaint.refresh_from_db()
    assert (complaint.stage, complaint.closed_at) == (Stage.CLOSED, end + timedelta(minutes=1))
    told = OutboxEmail.objects.filter(dedupe_key=f"complaint:{complaint.pk}:closed")
    assert not told.exists()  # the notices' task, queued after the sweep's commit, tells them
    with time_machine.travel(end + timedelta(minutes=3), tick=False):
        assert complaint_closed_notices_task.apply().get() == 1
        assert complaint_deadline_sweep_task.apply().get() == 0  # the beat's run: nothing more
    assert told.count() == 1
    assert told.get().to == complaint.email
    [closing] = ComplaintEvent.objects.filter(complaint=complaint, to_stage=Stage.CLOSED)
    assert (closing.from_stage, closing.actor) == (Stage.DECIDED, None)


def test_a_late_appeal_review_goes_to_its_reviewer_and_up(
    filed, officer, reviewer, customer, supervisor
):
    complaint = filed()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Lawful.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    services.appeal_take(complaint=complaint, by=reviewer)
    due = ComplaintDeadline.objects.get(complaint=complaint, target=Target.APPEAL_DECIDE).due_at

    deadline_sweep(now=due + timedelta(minutes=1))

    assert keys(complaint, "appeal_decide:breach") == {
        "reviewer@example.com": 1,
        "supervisor@example.com": 1,
    }


def _reads(queries: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith("SELECT") for q in queries.captured_queries)


def test_the_sweep_reads_the_same_for_one_or_twenty_rows_due(
    filed, file_complaint, officer, second_officer, supervisor, admin_user
):
    """What the sweep reads (the due rows, their complaints, who the notices go to) does not
    grow with the rows due; only rows whose time has come are read at all."""
    one = filed()
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        twenty = [file_complaint() for _ in range(20)]
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        later = [file_complaint() for _ in range(5)]
    for complaint in [one, *twenty[::2]]:
        services.complaint_assign(complaint=complaint, officer=officer, by=officer)
    sweeps = []
    for now in (ACK_DUE + timedelta(minutes=1), ACK_DUE + timedelta(days=1, minutes=1)):
        with CaptureQueriesContext(connection) as queries:
            sweeps.append((deadline_sweep(now=now), _reads(queries)))

    # the sweep's lock, due ids, complaints, rows, officers, supervisors+admins
    assert sweeps == [(1, 5), (20, 6)]
    for complaint in later:
        assert keys(complaint, "acknowledge:warn") == keys(complaint, "acknowledge:breach") == {}


@pytest.mark.parametrize("due", [1, 20])
def test_the_writes_do_not_grow_with_the_rows_due(
    due,
    file_complaint,
    officer,
    second_officer,
    supervisor,
    admin_user,
    django_assert_max_num_queries,
):
    """One bulk update of the marks, one insert of the breach events, and three statements
    (savepoint, insert, release) per digest, one to each person told (the officers, the
    supervisor, the admin), however many complaints are due."""
    with time_machine.travel(MONDAY, tick=False):
        complaints = [file_complaint() for _ in range(due)]
    for complaint in complaints[::2]:
        services.complaint_assign(complaint=complaint, officer=officer, by=officer)

    with django_assert_max_num_queries(2 + 6 + 2 + 3 * 4):  # savepoint and release, reads
        assert deadline_sweep(now=ACK_DUE + timedelta(minutes=1)) == due

    digests = OutboxEmail.objects.filter(dedupe_key__startswith="complaint-deadlines:")
    assert digests.count() == (3 if due == 1 else 4)  # the one complaint is assigned
    assert ComplaintEvent.objects.filter(kind="deadline").count() == due


def test_a_surge_sends_each_person_one_digest_breaches_first(
    filed, file_complaint, officer, supervisor, monkeypatch
):
    """Three complaints missed and one near its target, in one run: the officer gets one email
    listing the misses before the warning, cut at the digest's length with the rest counted."""
    monkeypatch.setattr("complaints.digest.DIGEST_ROWS", 3)
    missed = [filed() for _ in range(3)]
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        near = file_complaint()  # due two hours after the others: warned in the same run

    assert deadline_sweep(now=ACK_DUE + timedelta(minutes=1)) == 4

    [to_officer] = OutboxEmail.objects.filter(to=officer.email)
    assert to_officer.subject == "Complaints: 3 deadlines missed, 1 approaching"
    body = to_officer.body_text
    assert all(complaint.reference in body for complaint in missed)
    assert near.reference not in body
    assert "And 1 more." in body
    [to_supervisor] = OutboxEmail.objects.filter(to=supervisor.email)
    assert "1 approaching" not in to_supervisor.subject  # only misses go up
    assert deadline_sweep(now=ACK_DUE + timedelta(minutes=2)) == 0
    assert OutboxEmail.objects.filter(to=officer.email).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_complaint_someone_is_changing_is_left_for_the_next_run(filed, officer, supervisor):
    """The sweep locks the complaint before its deadlines, as the services do: while an officer
    holds the complaint, the sweep passes it over (no wait, no deadlock) and the officer's
    change commits; the next run sees the outcome."""
    complaint = filed()
    held, swept = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def officer_acknowledges() -> None:
        try:
            with transaction.atomic():
                workflow.lock(complaint)
                held.set()
                swept.wait(timeout=30)
                services.complaint_acknowledge(complaint=complaint, by=officer)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=officer_acknowledges)
    thread.start()
    held.wait(timeout=30)
    try:
        acted_while_held = deadline_sweep(now=ACK_DUE + timedelta(minutes=1))
    finally:
        swept.set()
        thread.join(timeout=30)

    assert acted_while_held == 0
    assert failures == []
    assert deadline_sweep(now=ACK_DUE + timedelta(minutes=2)) == 0  # acknowledged meanwhile
    assert not OutboxEmail.objects.filter(dedupe_key__startswith="complaint-deadlines:").exists()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.ACKNOWLEDGED
