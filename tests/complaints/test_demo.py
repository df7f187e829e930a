"""The demo complaints: every stage and language, real events and deadlines, overdue cases the
sweep escalates, and a second load that changes nothing."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.demo import load_demo_complaints
from complaints.demo_stories import STORIES
from complaints.models import (
    Appeal,
    AppealOutcome,
    Complaint,
    ComplaintDeadline,
    ComplaintEvent,
    ComplaintMessage,
    Outcome,
    Stage,
    Target,
)
from complaints.sweep import deadline_sweep
from support.demo import load_people
from support.models import DemoExchangeAccount, OutboxEmail
from tickets.models import Remediation

LANGUAGES = {"en", "zh-hans", "zh-hant", "ko", "ja"}


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    load_people(io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_complaints(io.StringIO())


def snapshot() -> list:
    models = (Complaint, ComplaintEvent, ComplaintMessage, ComplaintDeadline, Appeal)
    rows = [model.objects.count() for model in models]
    rows += [OutboxEmail.objects.count(), Remediation.objects.count()]
    rows += list(Complaint.objects.order_by("id").values_list("stage", "updated_at", "version"))
    return rows


def test_loading_twice_changes_nothing_the_second_time(demo):
    before = snapshot()
    out = io.StringIO()
    load_demo_complaints(out)
    assert snapshot() == before
    assert Complaint.objects.count() == len(STORIES)
    assert "(0 new)" in out.getvalue()


def test_every_stage_and_language_is_there(demo):
    stages = set(Complaint.objects.values_list("stage", flat=True))
    assert stages == set(Stage) - {Stage.FINAL_DECISION}  # a final decision closes at once
    decided = Complaint.objects.filter(stage=Stage.DECIDED)
    assert set(decided.values_list("outcome", flat=True)) == set(Outcome)
    finals = Appeal.objects.exclude(outcome="").values_list("outcome", flat=True)
    assert sorted(finals) == sorted(AppealOutcome)
    assert ComplaintEvent.objects.filter(to_stage=Stage.FINAL_DECISION).count() == 3
    closed = ComplaintEvent.objects.filter(to_stage=Stage.CLOSED)
    assert closed.filter(actor__email="customer.en@example.com").count() == 1  # withdrawn
    assert closed.filter(actor=None, from_stage=Stage.DECIDED).count() == 1  # window ended
    for language in LANGUAGES:
        assert Complaint.objects.filter(language=language).count() >= 3, language


def test_stories_are_stored_as_written_with_their_tickets_and_transactions(demo):
    for story in STORIES:
        complaint = Complaint.objects.get(description=story.description)
        assert complaint.customer.email == story.customer
        assert complaint.transactions == list(story.transactions)
        assert complaint.tickets.count() == len(story.tickets)
        assert complaint.language == complaint.customer.customer_profile.preferred_language


def test_the_demo_officer_has_a_queue_and_the_customer_a_timeline(demo):
    mine = Complaint.objects.filter(officer__email="complaints@example.com").open()
    assert mine.exclude(stage__in=[Stage.DECIDED]).count() >= 4
    waiting = Complaint.objects.get(stage=Stage.WAITING_ON_CUSTOMER)
    assert waiting.messages.filter(kind=ComplaintMessage.Kind.REQUEST).count() == 1
    answered = ComplaintMessage.objects.filter(kind=ComplaintMessage.Kind.CUSTOMER).get()
    assert answered.complaint.stage == Stage.INVESTIGATING
    assert ComplaintMessage.objects.filter(kind=ComplaintMessage.Kind.NOTE).count() >= 4
    assert Complaint.objects.exclude(root_causes=[]).count() >= 6
    reviewing = Complaint.objects.get(stage=Stage.UNDER_APPEAL_REVIEW)
    assert reviewing.appeal.reviewer.email == "appeals@example.com"


def test_times_run_forward_and_lie_in_the_past(demo):
    now = timezone.now()
    filed = list(Complaint.objects.order_by("id").values_list("created_at", flat=True))
    assert filed == sorted(filed)  # references follow the filing order
    for complaint in Complaint.objects.all():
        times = list(complaint.events.order_by("id").values_list("created_at", flat=True))
        assert times == sorted(times), complaint.reference
        assert times[0] == complaint.created_at and times[-1] <= now
        if complaint.stage == Stage.DECIDED:
            window = complaint.deadlines.get(target=Target.APPEAL_WINDOW)
            assert complaint.appeal_deadline == window.due_at > now


def test_business_day_deadlines_fall_on_weekdays(demo):
    for row in ComplaintDeadline.objects.filter(target__in=[Target.DECIDE, Target.APPEAL_DECIDE]):
        assert row.due_at.weekday() < 5 or row.due_at.time() == timezone.datetime.min.time()


def test_overdue_cases_are_escalated_by_the_sweep(demo):
    now = timezone.now()
    overdue = ComplaintDeadline.objects.running().filter(due_at__lt=now, paused_at=None)
    assert set(overdue.values_list("target", flat=True)) == {
        Target.ACKNOWLEDGE,
        Target.DECIDE,
        Target.APPEAL_DECIDE,
    }
    assert deadline_sweep() == 3
    breaches = ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.DEADLINE)
    assert breaches.count() == 3
    assert OutboxEmail.objects.filter(dedupe_key__startswith="complaint-deadlines:").exists()
    assert deadline_sweep() == 0


def test_the_remedy_credits_the_demo_exchange_account(demo):
    remediation = Remediation.objects.get()
    assert (remediation.action, remediation.state) == ("compensate", "executed")
    assert remediation.amount == Decimal("0.0002")
    account = DemoExchangeAccount.objects.get(account_id="EX-100001")
    btc = next(item for item in account.data["balances"] if item["asset"] == "BTC")
    assert Decimal(btc["available"]) == Decimal("0.1252")
    assert remediation.complaints.get().outcome == Outcome.UPHELD
