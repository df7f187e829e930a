"""The stage clocks of a complaint: which deadline runs in which stage, paused while we wait on
the customer, and computed from the targets an admin edits."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services
from complaints.errors import AppealWindowClosed
from complaints.models import NOTHING_DUE, ComplaintDeadline, ComplaintTarget, Stage, Target, Unit
from tickets.models import BusinessCalendar

MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def deadline(complaint, target: str) -> ComplaintDeadline:
    return ComplaintDeadline.objects.get(complaint=complaint, target=target)


@pytest.fixture
def at():
    """Travel to a moment (the clock stands still there) for the services' own `now`."""
    travels = []

    def travel(moment: datetime) -> None:
        if travels:
            travels.pop().stop()
        travels.append(time_machine.travel(moment, tick=False))
        travels[-1].start()

    yield travel
    for travel_ in travels:
        travel_.stop()


def test_filing_starts_the_acknowledgement_and_the_decision_clocks(at, file_complaint):
    at(MONDAY)
    complaint = file_complaint()

    acknowledge = deadline(complaint, Target.ACKNOWLEDGE)
    assert (acknowledge.started_at, acknowledge.due_at) == (MONDAY, utc(2026, 12, 1, 10))
    assert acknowledge.warn_at == acknowledge.next_at == utc(2026, 12, 1, 6)
    decide = deadline(complaint, Target.DECIDE)
    assert decide.due_at == utc(2026, 12, 21, 10)  # 15 business days
    assert decide.warn_at == decide.next_at == utc(2026, 12, 19, 10)  # 48 hours before


def test_acknowledging_meets_its_deadline_and_the_decision_clock_runs_on(
    at, file_complaint, officer
):
    at(MONDAY)
    complaint = file_complaint()
    at(MONDAY + timedelta(hours=3))

    services.complaint_acknowledge(complaint=complaint, by=officer)

    acknowledge = deadline(complaint, Target.ACKNOWLEDGE)
    assert acknowledge.met_at == MONDAY + timedelta(hours=3)
    assert acknowledge.next_at is None
    assert deadline(complaint, Target.DECIDE).next_at == utc(2026, 12, 19, 10)


def test_waiting_on_the_customer_pauses_the_decision_and_their_answer_resumes_it(
    at, file_complaint, officer, customer
):
    at(MONDAY)
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    at(utc(2026, 12, 4, 12))  # Friday noon

    services.complaint_request_information(complaint=complaint, by=officer, text="Statement?")

    paused = deadline(complaint, Target.DECIDE)
    assert (paused.paused_at, paused.next_at) == (utc(2026, 12, 4, 12), None)
    complaint.refresh_from_db()
    assert complaint.paused_at == utc(2026, 12, 4, 12)

    at(utc(2026, 12, 7, 12))  # Monday noon: one business day of pause
    services.complaint_customer_reply(complaint=complaint, customer=customer, text="Attached.")

    resumed = deadline(complaint, Target.DECIDE)
    assert resumed.paused_at is None
    assert resumed.due_at == utc(2026, 12, 22, 10)
    assert resumed.warn_at == resumed.next_at == utc(2026, 12, 20, 10)
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.paused_at) == (Stage.INVESTIGATING, None)


def test_deciding_starts_the_fourteen_day_appeal_window(at, file_complaint, officer):
    at(MONDAY)
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    at(utc(2026, 12, 8, 15, 30))

    complaint = services.complaint_decide(
        complaint=complaint, by=officer, outcome="rejected", reason="The hold was lawful."
    )

    assert deadline(complaint, Target.DECIDE).met_at == utc(2026, 12, 8, 15, 30)
    window = deadline(complaint, Target.APPEAL_WINDOW)
    assert window.due_at == window.next_at == utc(2026, 12, 22, 15, 30)
    complaint.refresh_from_db()
    assert complaint.appeal_deadline == utc(2026, 12, 22, 15, 30)


def test_an_appeal_meets_the_window_and_starts_ten_business_days_for_the_review(
    at, file_complaint, officer, customer
):
    at(MONDAY)
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Lawful.")
    at(utc(2026, 12, 9, 9))  # Wednesday

    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")

    assert deadline(complaint, Target.APPEAL_WINDOW).met_at == utc(2026, 12, 9, 9)
    review = deadline(complaint, Target.APPEAL_DECIDE)
    assert review.due_at == utc(2026, 12, 23, 9)
    assert review.next_at == review.warn_at == utc(2026, 12, 21, 9)


def test_an_appeal_after_the_window_is_refused_with_the_date_in_the_customer_language(
    at, file_complaint, officer, customer
):
    at(MONDAY)
    complaint = file_complaint(language="ja")
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Lawful.")
    at(utc(2026, 12, 14, 10, 1))

    with pytest.raises(AppealWindowClosed, match="2026年12月14日"):
        services.appeal_submit(complaint=complaint, customer=customer, grounds="Too late?")

    complaint.refresh_from_db()
    assert complaint.stage == Stage.DECIDED


def test_closing_cancels_every_clock_still_running(at, file_complaint, customer):
    at(MONDAY)
    complaint = file_complaint()
    at(MONDAY + timedelta(hours=1))

    services.complaint_withdraw(complaint=complaint, customer=customer)

    for row in ComplaintDeadline.objects.filter(complaint=complaint):
        assert (row.cancelled_at, row.next_at, row.met_at) == (
            MONDAY + timedelta(hours=1),
            None,
            None,
        )


def test_the_final_decision_meets_the_review_clock_and_nothing_runs_after(
    at, file_complaint, officer, reviewer, customer
):
    at(MONDAY)
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="Lawful.")
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order.")
    at(MONDAY + timedelta(days=2))

    services.appeal_decide(complaint=complaint, by=reviewer, outcome="upheld", reason="Lawful.")

    assert deadline(complaint, Target.APPEAL_DECIDE).met_at == MONDAY + timedelta(days=2)
    assert not ComplaintDeadline.objects.running().filter(complaint=complaint).exists()
    assert not ComplaintDeadline.objects.filter(complaint=complaint, next_at__isnull=False).exists()


def test_a_target_an_admin_edits_applies_to_the_next_complaint(at, file_complaint):
    at(MONDAY)
    before = file_complaint()
    seoul = BusinessCalendar.objects.create(
        name="Seoul",
        timezone="Asia/Seoul",
        weekly_hours={str(day): [["09:00", "18:00"]] for day in range(5)},
        holiday_country="KR",
    )
    ComplaintTarget.objects.filter(target=Target.DECIDE).update(
        amount=5, unit=Unit.BUSINESS_DAYS, warn_before_hours=0, calendar=seoul
    )
    ComplaintTarget.objects.filter(target=Target.ACKNOWLEDGE).update(amount=2, unit=Unit.HOURS)
    at(datetime(2026, 9, 22, 10, tzinfo=ZoneInfo("Asia/Seoul")))  # Tuesday before Chuseok

    after = file_complaint()

    decide = deadline(after, Target.DECIDE)
    # Tuesday's rest and Wednesday; Chuseok and the weekend; Monday to Thursday morning.
    assert decide.due_at == datetime(2026, 10, 1, 10, tzinfo=ZoneInfo("Asia/Seoul"))
    assert (decide.warn_at, decide.next_at) == (None, decide.due_at)
    assert deadline(after, Target.ACKNOWLEDGE).due_at == utc(2026, 9, 22, 3)
    assert deadline(before, Target.DECIDE).due_at == utc(2026, 12, 21, 10)  # unchanged


def test_the_complaint_names_its_next_staff_deadline_at_every_stage(
    at, file_complaint, officer, reviewer, customer
):
    """What the staff queue sorts by: the earliest running, unpaused deadline of staff's —
    never a paused one, never the customer's appeal window."""

    def next_due(complaint) -> tuple:
        complaint.refresh_from_db()
        return complaint.next_due, complaint.next_target

    at(MONDAY)
    complaint = file_complaint()
    assert next_due(complaint) == (utc(2026, 12, 1, 10), Target.ACKNOWLEDGE)
    services.complaint_acknowledge(complaint=complaint, by=officer)
    assert next_due(complaint) == (utc(2026, 12, 21, 10), Target.DECIDE)
    services.complaint_request_information(complaint=complaint, by=officer, text="Statement?")
    assert next_due(complaint) == (NOTHING_DUE, "")
    services.complaint_customer_reply(complaint=complaint, customer=customer, text="Attached.")
    assert next_due(complaint) == (utc(2026, 12, 21, 10), Target.DECIDE)
    services.complaint_decide(complaint=complaint, by=officer, outcome="rejected", reason="No.")
    assert next_due(complaint) == (NOTHING_DUE, "")  # the appeal window is the customer's
    at(utc(2026, 12, 2, 9))
    services.appeal_submit(complaint=complaint, customer=customer, grounds="No order existed.")
    assert next_due(complaint) == (utc(2026, 12, 16, 9), Target.APPEAL_DECIDE)
    services.appeal_take(complaint=complaint, by=reviewer)
    services.appeal_decide(complaint=complaint, by=reviewer, outcome="overturned", reason="Yes.")
    assert next_due(complaint) == (NOTHING_DUE, "")
